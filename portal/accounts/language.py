"""The language a staff member's pages speak: creditor staff, advocates, neutrals, administrators.

Most specific first: the switch in the page header (`?lang=`, a plain link), which the account keeps
(`users.language`, saved with the request: it follows them to any device and to their next sign-in);
then what the account chose before; then what this browser chose before signing in (the switch on the
sign-in page); then English. A debtor's own account is answered by portal.debtor.language, which
knows the notice served on it; so is a visitor who is not signed in."""
from __future__ import annotations

from flask import request, session
from flask_login import current_user

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.i18n import LANGUAGES, SESSION_CHOICE


def for_staff() -> str | None:
    """This request's language for a signed-in staff member, or None when the reader is not one."""
    user = current_user._get_current_object() if current_user else None
    if not isinstance(user, User) or not user.is_authenticated or user.role == Role.DEBTOR:
        return None
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.method == "GET":
        session[SESSION_CHOICE] = chosen
        if user.language != chosen:
            user.language = chosen      # committed with the request by the boundary (a 2xx GET)
        return chosen
    if user.language in LANGUAGES:
        return user.language
    chosen = session.get(SESSION_CHOICE)
    return chosen if chosen in LANGUAGES else None

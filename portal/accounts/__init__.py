"""Users, organisations, sign-in, two-factor authentication, invitations; `policy` authorises."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Flask, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.accounts.hooks import account_switched_off, load_link_session, team_page_parts
from portal.accounts.models import (
    AdvocateProfile,
    Engagement,
    EnterpriseCategory,
    NeutralProfile,
    Organization,
    User,
    enum_column,
)
from portal.accounts.passwords import MIN_LENGTH, hash_password
from portal.accounts.policy import (
    EVERY_PARTY,
    Action,
    CaseLifecycle,
    Rule,
    Side,
    can,
    conciliator_may_act,
    institution_may_appoint,
    may_record_settlement,
    neutral_accepted,
    register_actions,
    register_case_lifecycle,
    require,
    side_of,
    tribunal_may_act,
)
from portal.accounts.roles import LOGIN_ROLES, Role
from portal.accounts.services import (
    EMAIL_TAKEN,
    OrgDetails,
    PersonDetails,
    find_user_by_email,
    normalize_email,
    record_login,
    sign_up,
)
from portal.accounts.twofactor import check_totp
from portal.accounts.views import render_team
from portal.extensions import db, login_manager
from portal.i18n import N_, gettext

__all__ = ["Action", "AdvocateProfile", "account_switched_off",
           "CaseLifecycle", "EMAIL_TAKEN", "EVERY_PARTY", "Engagement",
           "EnterpriseCategory", "LOGIN_ROLES", "MIN_LENGTH", "NeutralProfile", "OrgDetails", "Organization",
           "PersonDetails", "Role", "Rule", "Side", "User", "can", "check_totp", "conciliator_may_act",
           "enum_column", "find_user_by_email", "hash_password", "init_accounts", "institution_may_appoint",
           "load_link_session", "may_record_settlement", "neutral_accepted", "normalize_email",
           "record_login", "register_actions", "register_case_lifecycle", "render_team", "require", "side_of",
           "sign_up", "team_page_parts", "tribunal_may_act"]

# The signed-in user with its organisation (see `_load`), built once: `Session.get` with a joinedload
# option builds this select and its loader option again on every request, about 0.15 ms of CPU, the
# largest single part of what every signed-in page pays before its own work. The same statement and
# the same row each time; the session starts empty in every request, so `get` found nothing to reuse.
_USER_WITH_ORGANIZATION = (sa.select(User).options(joinedload(User.organization))
                           .where(User.id == sa.bindparam("user_id")))

# Endpoints a signed-in user who still owes two-factor setup may reach.
_TOTP_SETUP_OPEN = {"accounts.totp_setup", "accounts.logout", "static", "web.health"}
TOTP_SETUP_MESSAGE = "Set up two-factor authentication before working on cases."


def init_accounts(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.accounts.hooks import load_link_session
    from portal.accounts.language import for_staff
    from portal.accounts.views import bp
    from portal.i18n import decide_with
    from portal.web.errors import error_response, login_redirect, wants_json

    login_manager.init_app(app)
    decide_with(for_staff)  # the language of a staff member's pages: the one their account chose
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("Please log in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str):
        if session_id.startswith("link:"):  # the debtor, through a personal link and its code
            return load_link_session(session_id)
        # "<id>:<password fingerprint>": changing the password ends every other session.
        user_id, _, fingerprint = session_id.partition(":")
        if not user_id.isdigit():
            return None
        # With its organisation in the same statement: most pages show or check it (the header,
        # the case and collections pages), and the user holds it for the request, so every later
        # look-up of that organisation is answered from the session without a query.
        user = db.session.execute(_USER_WITH_ORGANIZATION, {"user_id": int(user_id)}).scalar_one_or_none()
        if user is None or not secrets.compare_digest(user.get_id(), session_id):
            return None
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        # Pages send the visitor to the login form (and back); API clients get a plain 401.
        if wants_json():
            return error_response(401, "Please log in", "Log in first.")
        flash(gettext(login_manager.login_message), "info")
        return login_redirect()

    @app.before_request
    def _require_totp_setup():
        # The endpoint first: a static file, /health or the log-out a user owing the setup may reach
        # anyway, so the user need not be loaded (a statement) for them.
        endpoint = request.endpoint or ""
        if endpoint in _TOTP_SETUP_OPEN or endpoint.startswith("dev."):
            return None
        if current_user.is_authenticated and current_user.needs_totp_setup:
            if wants_json():
                return error_response(403, "Not allowed", TOTP_SETUP_MESSAGE)
            return redirect(url_for("accounts.totp_setup"))
        return None

    app.register_blueprint(bp)

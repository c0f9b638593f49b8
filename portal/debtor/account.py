"""The debtor's own account: from a personal-link session, a login (e-mail and password) linked to
the debtor party, so the debtor sees every case against its business in one list.

The e-mail must be proven: either it is the address the link's one-time code went to, or a second
code is sent to it and entered. A party has at most one account; a second request is refused.
"""
from __future__ import annotations

import hashlib

from sqlalchemy.orm import joinedload

from portal import audit
from portal.accounts import EMAIL_TAKEN, Role, User, find_user_by_email, hash_password, normalize_email
from portal.cases import SERVED_STATUSES, Case, Party, visible_cases
from portal.debtor.principal import LinkGuest
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import lazy_gettext
from portal.onetime_codes import OneTimeCode, issue_and_send, verify

PURPOSE = "debtor_account"
PARTY_HAS_ACCOUNT = ("{name} already has a Sulah account. Log in with it to see every case against "
                     "your business; if you forgot the password, reset it from the login page.")


class CodeNeeded(Exception):
    """The e-mail is not the one the link's code went to: a code must go to it first."""


def subject(guest: LinkGuest, email: str) -> str:
    # The code proves this address for this link's session only; hashed to fit the column.
    return f"acct:{guest.link_id}:{hashlib.sha256(normalize_email(email).encode()).hexdigest()[:40]}"


def proven_email(guest: LinkGuest) -> str | None:
    """The e-mail address the link's own code went to (already proven), if it went by e-mail."""
    row = db.session.get(OneTimeCode, guest.otp_id)
    return normalize_email(row.destination) if row is not None and row.channel == "email" else None


def ensure_no_account(party: Party) -> None:
    if party.user_id is not None:
        raise DomainError(PARTY_HAS_ACCOUNT.format(name=party.legal_name))


def send_code(guest: LinkGuest, case: Case, email: str, ip: str, language: str = "en") -> OneTimeCode:
    """Send a code to `email` to prove it, in the debtor's `language` (CodeError when throttled)."""
    ensure_no_account(case.debtor)
    what = lazy_gettext("confirm this e-mail for your Sulah account (%(name)s)", name=case.debtor.legal_name)
    return issue_and_send(PURPOSE, subject(guest, email), "email", normalize_email(email), ip=ip, case=case,
                          what=what, language=language)


def create(guest: LinkGuest, case: Case, *, name: str, email: str, password: str, code: str | None,
           ip: str = "") -> User:
    """Create the debtor's account and link it to the case's debtor party.

    Raises CodeNeeded when the e-mail still has to be proven, CodeError for a wrong code, and
    DomainError when the party already has an account or the e-mail belongs to one."""
    party = case.debtor
    ensure_no_account(party)
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(EMAIL_TAKEN)
    proof = "link code"
    if email != proven_email(guest):
        if not code:
            raise CodeNeeded()
        verify(PURPOSE, subject(guest, email), code, ip=ip, case=case)
        proof = "account code"
    # Lock the party so two requests cannot both give it an account.
    db.session.refresh(party, with_for_update=True)
    ensure_no_account(party)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), role=Role.DEBTOR)
    db.session.add(user)
    db.session.flush()
    party.user_id = user.id
    audit.record("debtor.account_created", actor=guest, case=case, payload={
        "user_id": user.id, "party_id": party.id, "email_proven_by": proof, "link_id": guest.link_id})
    return user


def cases_of(user) -> list[Case]:
    """The cases the debtor may open: those it can see whose notice has been served."""

    # The creditor and debtor come in the same statement; the invoiced figure is the stored sum.
    return list(db.session.scalars(visible_cases(user).where(Case._status.in_(SERVED_STATUSES))
                                   .options(joinedload(Case.creditor), joinedload(Case.debtor)).limit(200)))


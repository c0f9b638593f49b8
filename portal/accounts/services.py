"""Account use-cases: sign-up, sign-in, invitations, password reset. Flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from portal import audit, lifecycle
from portal.accounts import tokens
from portal.accounts.hooks import account_switched_off
from portal.accounts.models import (
    AdvocateProfile,
    Engagement,
    EnterpriseCategory,
    Invitation,
    NeutralProfile,
    Organization,
    User,
)
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.accounts.roles import Role
from portal.accounts.states import ACCOUNT
from portal.adapters import MailMessage, queue_mail
from portal.errors import DomainError
from portal.extensions import db
from portal.identifiers import pan_from_gstin
from portal.types import utcnow
from portal.urls import public_url

INVITABLE_ROLES = (Role.CREDITOR, Role.ADVOCATE)
EMAIL_TAKEN = "An account with that e-mail address already exists. Try logging in."
INVITATION_GONE = "This invitation has expired or was already used. Ask for a new one."
RESET_GONE = "This reset link has expired or was already used. Ask for a new one."


class InactiveAccount(DomainError):
    """The password was right but the account is switched off."""


@dataclass
class OrgDetails:
    legal_name: str
    address: str
    gstin: str | None = None
    pan: str | None = None
    udyam_number: str | None = None
    udyam_registered_on: date | None = None
    enterprise_category: EnterpriseCategory | None = None
    upi_vpa: str | None = None


@dataclass
class PersonDetails:
    name: str
    email: str
    password: str
    phone: str | None = None


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def _new_user(person: PersonDetails, role: Role, org: Organization | None, **kw) -> User:
    if find_user_by_email(person.email):
        raise DomainError(EMAIL_TAKEN)
    user = User(email=normalize_email(person.email), name=person.name.strip(), phone=person.phone,
                password_hash=hash_password(person.password), role=role, organization=org, **kw)
    db.session.add(user)
    return user


def sign_up(org_details: OrgDetails, person: PersonDetails) -> User:
    """A creditor business registers; its first user administers the organisation."""
    # Every check before anything is added, so a refusal leaves nothing behind to roll back.
    if find_user_by_email(person.email):
        raise DomainError(EMAIL_TAKEN)
    if org_details.gstin:
        if org_details.pan and org_details.pan != pan_from_gstin(org_details.gstin):
            raise DomainError("The PAN does not match the PAN inside the GSTIN.")
        org_details.pan = org_details.pan or pan_from_gstin(org_details.gstin)
        if db.session.scalar(select(Organization.id).where(Organization.gstin == org_details.gstin)):
            raise DomainError("An organisation with that GSTIN is already registered. "
                              "Ask its administrator to invite you.")
    org = Organization(**vars(org_details))
    db.session.add(org)
    user = _new_user(person, Role.CREDITOR, org, is_org_admin=True)
    db.session.flush()
    audit.record("org.signed_up", actor=user, payload={"org_id": org.id, "legal_name": org.legal_name,
                                                       "gstin": org.gstin})
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose password this is, or None; raises InactiveAccount for a disabled account."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        raise InactiveAccount("This account has been switched off. "
                              "Ask your organisation's administrator or Sulah support.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def colleague(actor: User, user_id: int) -> User | None:
    """A member of the actor's organisation by id (None for anyone else: its existence stays hidden)."""
    user = db.session.get(User, user_id)
    if user is None or actor.org_id is None or user.org_id != actor.org_id:
        return None
    return user


def switch_off(actor: User, member: User) -> list[str]:
    """A colleague who has left loses access at once: no sign-in, and every session of theirs ends
    on its next request. What they followed up in collections is handed back to nobody (the
    provided parts of `account_switched_off`, whose sentences are returned for the administrator).
    Their records (cases, events) stay theirs."""
    if member.id == actor.id:
        raise DomainError("You cannot switch off your own access. Ask another administrator.")
    if member.is_org_admin and not db.session.scalar(select(func.count(User.id)).where(
            User.org_id == member.org_id, User.is_org_admin.is_(True), User.active.is_(True),
            User.id != member.id)):
        raise DomainError("This is the organisation's last administrator: make another colleague an "
                          "administrator first.")
    lifecycle.fire(ACCOUNT, member, "switched_off", actor, payload={"email": member.email})
    return [said for said in account_switched_off.collect(actor, member).values() if said]


def switch_on(actor: User, member: User) -> None:
    """A switched-off colleague's access back (their password and two-factor as they were)."""
    lifecycle.fire(ACCOUNT, member, "switched_on", actor, payload={"email": member.email})


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("user.logged_in", actor=user, payload={})


def invite(actor: User, email: str, role: Role) -> Invitation | None:
    """Invite a colleague (creditor staff) or an advocate; the mail goes after commit.

    An advocate who already has an account is engaged at once (None is returned): advocates act
    for several organisations with one login.
    """
    if role not in INVITABLE_ROLES:
        raise DomainError("You can invite colleagues and advocates only.")
    if actor.org_id is None:
        raise DomainError("Only members of an organisation can invite.")
    email = normalize_email(email)
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.role == Role.ADVOCATE and role == Role.ADVOCATE:
            engage_advocate(actor, existing)
            return None
        if existing.org_id == actor.org_id:
            raise DomainError("That person is already a member of your organisation.")
        if existing.role == Role.ADVOCATE:
            raise DomainError("That address belongs to an advocate. Invite them as an advocate.")
        raise DomainError("That address already has a Sulah account, so it cannot be invited. "
                          "Ask them to use another work address, or contact Sulah support.")
    _supersede_pending(actor.org_id, email)
    token, digest = tokens.random_token()
    org = actor.organization
    days = current_app.config["INVITATION_DAYS"]
    inv = Invitation(org_id=org.id, email=email, role=role, token_hash=digest, invited_by_id=actor.id,
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(inv)
    db.session.flush()
    audit.record("org.invited", actor=actor, payload={"invitation_id": inv.id, "email": email,
                                                      "role": role.value})
    ctx = {"org": org, "inviter": actor, "role": role, "days": days,
           "link": public_url("accounts.accept_invitation", token=token)}
    queue_mail(MailMessage(to=[email], subject=f"{org.legal_name} invites you to Sulah",
                            text=render_template("email/invitation.txt", **ctx),
                            html=render_template("email/invitation.html", **ctx)))
    return inv


def _supersede_pending(org_id: int, email: str) -> None:
    """A fresh invitation replaces any still-open one to the same address: only the newest works."""
    now = utcnow()
    for old in db.session.scalars(select(Invitation).where(
            Invitation.org_id == org_id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.expires_at > now)):
        old.expires_at = now


def engage_advocate(actor: User, advocate: User) -> Engagement:
    """Add an advocate to the organisation's pool (idempotent)."""
    engagement = db.session.scalar(select(Engagement).where(
        Engagement.org_id == actor.org_id, Engagement.advocate_id == advocate.id))
    if engagement is None:
        engagement = Engagement(org_id=actor.org_id, advocate_id=advocate.id)
        db.session.add(engagement)
        db.session.flush()
        audit.record("org.advocate_engaged", actor=actor,
                     payload={"advocate_id": advocate.id, "org_id": actor.org_id})
    return engagement


def find_invitation(token: str) -> Invitation | None:
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == tokens.sha256_hex(token)))
    if inv is None or inv.accepted_at is not None or inv.expires_at <= utcnow():
        return None
    return inv


def accept_invitation(token: str, person: PersonDetails, *, enrolment_number: str | None = None,
                      bar_council_state: str | None = None) -> User:
    inv = find_invitation(token)
    if inv is None:
        raise DomainError(INVITATION_GONE)
    person.email = inv.email
    if inv.role == Role.ADVOCATE:
        if not (enrolment_number and bar_council_state):
            raise DomainError("Advocates must give their Bar Council enrolment number and state.")
        user = _new_user(person, Role.ADVOCATE, None)
        user.advocate_profile = AdvocateProfile(enrolment_number=enrolment_number,
                                                bar_council_state=bar_council_state)
        db.session.flush()
        db.session.add(Engagement(org_id=inv.org_id, advocate_id=user.id))
    else:
        user = _new_user(person, Role.CREDITOR, inv.organization)
    inv.accepted_at = utcnow()
    db.session.flush()
    audit.record("org.invitation_accepted", actor=user,
                 payload={"invitation_id": inv.id, "role": inv.role.value, "org_id": inv.org_id})
    return user


def create_neutral(person: PersonDetails, *, expertise: str = "", languages: str = "English") -> User:
    user = _new_user(person, Role.NEUTRAL, None)
    user.neutral_profile = NeutralProfile(expertise=expertise, languages=languages)
    db.session.flush()
    return user


def reset_minutes() -> int:
    return max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)


def request_password_reset(email: str) -> None:
    """Always looks the same to the caller, whether or not the account exists."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    ctx = {"user": user, "minutes": reset_minutes(),
           "link": public_url("accounts.reset_password", token=tokens.make_reset_token(user))}
    audit.record("user.password_reset_requested", actor=user, payload={})
    queue_mail(MailMessage(to=[user.email], subject="Reset your Sulah password",
                            text=render_template("email/password_reset.txt", **ctx),
                            html=render_template("email/password_reset.html", **ctx)))


def user_for_reset_token(token: str) -> User | None:
    user = tokens.read_reset_token(token, lambda uid: db.session.get(User, uid))
    return user if user is not None and user.active else None


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError(RESET_GONE)
    user.password_hash = hash_password(new_password)
    audit.record("user.password_reset", actor=user, payload={})
    return user

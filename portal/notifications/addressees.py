"""Who an audience is on a given case: users with accounts, or the debtor party."""
from __future__ import annotations

from sqlalchemy import select

from notices import ChannelKind, DeliveryEvent, Dispatch, DispatchStatus, EventKind, Notice
from portal.accounts import Role, User
from portal.cases import Case, ContactKind
from portal.extensions import db
from portal.notifications.rules import Audience, Facts


def _active(users) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.active and user.id not in seen:
            seen[user.id] = user
    return list(seen.values())


def users_for(audience: Audience, case: Case, facts: Facts, known: dict | None = None) -> list[User]:
    """The people with accounts an audience names on this case (DEBTOR: see debtor_party_id).
    `known` keeps the lists read here (an organisation's administrators, the platform's) for the
    caller's next cases: a batch of events, in which no one's account changes."""
    known = {} if known is None else known
    match audience:
        case Audience.CREDITOR:
            # The case's filer and the organisation's administrators: whoever runs the claim.
            filer = db.session.get(User, case.created_by_id)
            org = ("org admins", case.creditor_org_id)
            if org not in known:
                known[org] = list(db.session.scalars(select(User).where(
                    User.org_id == case.creditor_org_id, User.role == Role.CREDITOR,
                    User.is_org_admin.is_(True), User.active.is_(True)).order_by(User.id)))
            return [u for u in _active([filer, *known[org]]) if u.role == Role.CREDITOR]
        case Audience.STAFF:
            staff = db.session.get(User, facts["staff_id"]) if facts.get("staff_id") else None
            if staff is not None and staff.active and staff.role == Role.CREDITOR \
                    and staff.org_id == case.creditor_org_id:
                return [staff]
            return users_for(Audience.CREDITOR, case, facts, known)
        case Audience.ADVOCATE:
            return _active([case.advocate])
        case Audience.NEUTRAL:
            neutral_id = facts.get("neutral_id") or case.neutral_id
            return _active([db.session.get(User, neutral_id)]) if neutral_id else []
        case Audience.ADMIN:
            if "platform admins" not in known:
                known["platform admins"] = list(db.session.scalars(select(User).where(
                    User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)))
            return list(known["platform admins"])
    return []


def debtor_emails(case: Case) -> list[str]:
    """The debtor's own e-mail addresses, the designated ones first (DOMAIN 5, 24)."""
    return [c.value for c in sorted(case.debtor.contacts, key=lambda c: (not c.designated, c.id))
            if c.kind == ContactKind.EMAIL]


def debtor_mobile(case: Case) -> str | None:
    mobiles = [c.value for c in sorted(case.debtor.contacts, key=lambda c: (not c.designated, c.id))
               if c.kind == ContactKind.MOBILE]
    return mobiles[0] if mobiles else None


def debtor_has_account(case: Case) -> bool:
    user = case.debtor.user
    return user is not None and user.active and bool(user.email)


def debtor_whatsapp(case: Case) -> str | None:
    """The debtor's WhatsApp number for its attention items, or None. WhatsApp is business-initiated
    messaging the debtor must have taken up (DOMAIN 24, 25): only a mobile of the debtor's own on
    which it has already received this case's notice by WhatsApp (the creditor served it there and
    the number reported it delivered or read), and never alone: the caller sends e-mail with it."""
    mobiles = {c.value for c in case.debtor.contacts if c.kind == ContactKind.MOBILE}
    if not mobiles:
        return None
    reached = db.session.scalars(
        select(Dispatch.address).join(Notice, Notice.id == Dispatch.notice_id)
        .join(DeliveryEvent, DeliveryEvent.dispatch_id == Dispatch.id)
        .where(Notice.case_id == case.id, Dispatch.channel == ChannelKind.WHATSAPP,
               Dispatch.status == DispatchStatus.SENT,
               DeliveryEvent.kind.in_((EventKind.DELIVERED, EventKind.READ)))
        .order_by(Dispatch.id)).all()
    return next((address for address in reached if address in mobiles), None)

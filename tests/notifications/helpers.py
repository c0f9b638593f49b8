"""A case with everyone who may be told about it: the creditor's filer, an organisation
administrator, other creditor staff (never told), the advocate, the neutral, a platform admin and
the debtor party (e-mail and mobile), and helpers to record an event and read who got what."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from portal import audit
from portal.accounts.models import User
from portal.cases.models import Case, ContactKind, PartyContact
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from portal.notifications import delivery
from portal.notifications.models import AttentionItem
from portal.types import IST
from tests.factories import (
    AdminFactory,
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    NeutralFactory,
    OrganizationFactory,
)

MOBILE = "+919812345678"
DEBTOR_EMAIL = "accounts@debtor.example.in"


@dataclass
class World:
    case: Case
    filer: User
    org_admin: User
    staff: User
    advocate: User
    neutral: User
    admin: User

    def user(self, key: str) -> User:
        return getattr(self, key)


def world(status: CaseStatus = CaseStatus.NOTICE_SERVED) -> World:
    org = OrganizationFactory()
    filer = CreditorFactory(organization=org, is_org_admin=False, name="Meera Kulkarni")
    org_admin = CreditorFactory(organization=org, is_org_admin=True, name="Ravi Kulkarni")
    staff = CreditorFactory(organization=org, is_org_admin=False, name="Another Clerk")
    advocate, neutral, admin = AdvocateFactory(name="Adv. Nandini Rao"), NeutralFactory(), AdminFactory()
    case = CaseFactory(creditor=org, created_by_id=filer.id, advocate_id=advocate.id, neutral_id=neutral.id,
                       _status=status)
    case.debtor.contacts[:] = [
        PartyContact(kind=ContactKind.EMAIL, value=DEBTOR_EMAIL, designated=True, source="test"),
        PartyContact(kind=ContactKind.MOBILE, value=MOBILE, source="test")]
    db.session.flush()
    return World(case, filer, org_admin, staff, advocate, neutral, admin)


def in_window(monkeypatch, hour: int = 11) -> datetime:
    """Stand inside the contact window (today, `hour`:00 IST) for the debtor's messages."""
    now = datetime.combine(date.today(), time(hour), IST)
    monkeypatch.setattr(delivery, "clock", lambda: now)
    return now


def record(action: str, case: Case, actor=None, **payload) -> None:
    audit.record(action, actor=actor, case=case, payload=payload)
    commit()


def items(case: Case, *, open_only: bool = True) -> list[AttentionItem]:
    stmt = select(AttentionItem).where(AttentionItem.case_id == case.id).order_by(AttentionItem.id)
    if open_only:
        stmt = stmt.where(AttentionItem.resolved_at.is_(None))
    return list(db.session.scalars(stmt))


def who(w: World, found: list[AttentionItem]) -> dict[str, str]:
    """{person key: item kind} for the open items: users by their World key, the debtor as "debtor"."""
    keys = {getattr(w, k).id: k for k in ("filer", "org_admin", "staff", "advocate", "neutral", "admin")}
    return {("debtor" if i.party_id else keys[i.user_id]): i.kind for i in found}


def mailed(w: World, messages) -> set[str]:
    """The World keys (and "debtor") that received a notify mail."""
    addresses = {getattr(w, k).email: k for k in ("filer", "org_admin", "staff", "advocate", "neutral", "admin")}
    addresses[DEBTOR_EMAIL] = "debtor"
    out = set()
    for m in messages:
        if 'also listed under "Needs your attention"' not in m.get_body(("plain",)).get_content():
            continue
        for address in m["To"].split(","):
            out.add(addresses.get(address.strip(), address.strip()))
    return out


def sms_sent(app, before: set[Path]) -> list[dict]:
    folder = Path(app.config["OUTBOX_PATH"]) / "sms"
    now = set(folder.glob("*.json")) if folder.exists() else set()
    return [json.loads(p.read_text()) for p in sorted(now - before)]


def sms_files(app) -> set[Path]:
    folder = Path(app.config["OUTBOX_PATH"]) / "sms"
    return set(folder.glob("*.json")) if folder.exists() else set()

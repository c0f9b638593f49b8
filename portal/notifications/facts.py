"""The facts a rule reads about one event: the payload's values and a few figures from the case's
own records (a notice's days to pay, a settlement's first instalment), loaded here so the rules stay
pure."""
from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import select

from arbitration import InstalmentRow, institution_may_appoint
from notices import Notice
from portal.accounts import User
from portal.audit import AuditEvent
from portal.cases import Case
from portal.extensions import db

ASSIGNMENT_FACT = frozenset({"case.advocate_assigned", "case.advocate_reassigned", "case.advocate_declined"})
INSTITUTION_FACT = frozenset({"case.invoke_arbitration", "arbitration.institution_consent",
                              "arbitration.arbitrator_ineligible"})


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def gather(event: AuditEvent, case: Case) -> dict[str, Any]:
    payload = event.data
    facts: dict[str, Any] = {k: _plain(v) for k, v in payload.items() if not isinstance(v, dict | list)}
    facts.update(at=event.created_at, reference=case.reference, creditor=case.creditor.legal_name,
                 debtor=case.debtor.legal_name, action=event.action)
    if event.action in INSTITUTION_FACT:
        # s.11: whether the institution may appoint here (the agreement names it, or both agreed).
        facts["institution_may_appoint"] = institution_may_appoint(case)
    if event.action in ASSIGNMENT_FACT:
        # Who assigned or declined, by name: the payload keeps only their ids.
        advocate = db.session.get(User, payload.get("advocate_id")) if payload.get("advocate_id") else None
        actor = db.session.get(User, event.actor_id) if event.actor_id else None
        facts["advocate_name"] = advocate.name if advocate is not None else "The advocate"
        facts["assigned_by"] = actor.name if actor is not None else "Sulah"
    if event.action == "bidding.agreed":
        facts.setdefault("round", 1)
    notice_id = payload.get("notice_id")
    if notice_id is not None:
        notice = db.session.get(Notice, notice_id)
        if notice is not None:
            facts["pay_within_days"] = notice.pay_within_days
    if event.action == "settlement.signed" and payload.get("agreement_id"):
        first = db.session.scalars(select(InstalmentRow).where(
            InstalmentRow.agreement_id == payload["agreement_id"]).order_by(InstalmentRow.number).limit(1)
        ).first()
        if first is not None:
            facts["first_due"] = first.due_on
    return facts

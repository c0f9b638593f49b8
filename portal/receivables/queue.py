""""Today" for a member of the creditor's staff: calls to make, promises due and broken, disputes
to answer, debtors at the last reminder before a notice, limitation alerts; every debtor ranked by
its priority with the reasons. Debtors are allocated to one staff member each (audited)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from portal import audit
from portal.accounts import Organization, Role, User
from portal.cases import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.receivables import book, scoring
from portal.receivables.calls import Call, open_calls
from portal.receivables.models import (
    DebtorSetting,
    InvoiceHold,
    Promise,
    Reminder,
    ReminderLevel,
)
from portal.receivables.policies import setting_for
from portal.receivables.priority import Score, score
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.types import utcnow

BROKEN_DAYS = 7
ALERT_DAYS = 90


class AllocationInvalid(DomainError):
    pass


@dataclass(frozen=True)
class Ranked:
    party_id: int
    name: str
    owner_id: int | None
    outstanding: Decimal
    days_overdue: int
    score: Score


@dataclass
class Today:
    ranked: list[Ranked] = field(default_factory=list)
    calls: list[tuple[Ranked, Call]] = field(default_factory=list)
    promises_due: list[tuple[Ranked, Promise]] = field(default_factory=list)
    promises_broken: list[tuple[Ranked, Promise]] = field(default_factory=list)
    disputes: list[tuple[Ranked, InvoiceHold, str]] = field(default_factory=list)
    notice_level: list[tuple[Ranked, str, bool]] = field(default_factory=list)  # (…, reference, filed)
    limitation: list[tuple[Ranked, str, date]] = field(default_factory=list)


def rank(org: Organization, today: date, party_ids: set[int] | None = None,
         lines: list[book.Line] | None = None) -> dict[int, Ranked]:
    lines = lines if lines is not None else book.lines(org.id, party_ids)
    per_party = scoring.facts(org, today, lines, "party", party_ids)
    settings = {s.party_id: s for s in db.session.scalars(
        select(DebtorSetting).where(DebtorSetting.org_id == org.id))}
    names = book.names(set(per_party))
    out = {}
    for party_id, facts in per_party.items():
        setting = settings.get(party_id)
        out[party_id] = Ranked(party_id, names.get(party_id, ""), setting.owner_id if setting else None,
                               facts.outstanding, facts.days_overdue,
                               score(facts, override=setting.priority_override if setting else None,
                                     override_reason=setting.priority_reason if setting else None))
    return out


def today_for(org: Organization, user: User, today: date, *, everyone: bool = False) -> Today:
    """The queue of `user` (its debtors and those nobody owns), or the whole organisation's."""
    lines = book.lines(org.id)
    ranked = everyone_ranked = rank(org, today, lines=lines)
    if not everyone:
        ranked = {p: r for p, r in ranked.items() if r.owner_id in (None, user.id)}
    q = Today(ranked=sorted(ranked.values(), key=lambda r: (-r.score.value, -r.outstanding)))
    # A call the level names a staff member for is theirs, whoever follows the debtor up.
    for call in open_calls(org.id, {p: r.owner_id for p, r in everyone_ranked.items()}, utcnow()):
        if everyone or call.caller_id in (None, user.id):
            q.calls.append((everyone_ranked[call.party_id], call))
    parties = set(ranked)
    if not parties:
        return q
    for p in db.session.scalars(select(Promise).where(
            Promise.org_id == org.id, Promise.party_id.in_(parties), or_(
                (Promise._status == PromiseStatus.OPEN) & (Promise.promised_for <= today + timedelta(days=1)),
                (Promise._status == PromiseStatus.BROKEN)
                & (Promise.decided_at >= utcnow() - timedelta(days=BROKEN_DAYS))))
            .order_by(Promise.promised_for)):
        bucket = q.promises_due if p.status == PromiseStatus.OPEN else q.promises_broken
        bucket.append((ranked[p.party_id], p))
    numbers = {line.invoice_id: line.number for line in lines}
    for hold in db.session.scalars(select(InvoiceHold).where(
            InvoiceHold.org_id == org.id, InvoiceHold.party_id.in_(parties), InvoiceHold.kind == "dispute",
            InvoiceHold.resolved_at.is_(None)).order_by(InvoiceHold.created_at)):
        q.disputes.append((ranked[hold.party_id], hold, numbers.get(hold.invoice_id, "")))
    open_cases = {line.case_id: line for line in lines if line.outstanding > 0
                  and line.case_status in (CaseStatus.DRAFT, CaseStatus.FILED)}
    for party_id, case_id in db.session.execute(
            select(Reminder.party_id, Reminder.case_id).distinct()
            .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
            .where(Reminder.org_id == org.id, Reminder.party_id.in_(parties),
                   Reminder._status == ReminderStatus.SENT,
                   ReminderLevel.last_before_notice.is_(True))).all():
        if case_id in open_cases:
            line = open_cases[case_id]
            filed = line.case_status == CaseStatus.FILED
            q.notice_level.append((ranked[party_id], line.case_reference, filed))
    party_of = {line.invoice_id: line.party_id for line in lines}
    for invoice_id, (deadline, number) in book.limitation_ends(lines, today).items():
        party_id = party_of[invoice_id]
        if party_id in ranked and (deadline - today).days <= ALERT_DAYS:
            q.limitation.append((ranked[party_id], number, deadline))
    q.limitation.sort(key=lambda t: t[2])
    return q


def allocate(actor: User, org_id: int, party_id: int, owner: User | None) -> DebtorSetting:
    """Give the debtor to one staff member (or to nobody); audited with who had it before."""
    if owner is not None and (owner.org_id != org_id or owner.role != Role.CREDITOR or not owner.active):
        raise AllocationInvalid("Choose a member of your organisation's staff.")
    setting = setting_for(org_id, party_id)
    before = setting.owner_id
    setting.owner_id = owner.id if owner else None
    audit.record("receivables.debtor_allocated", actor=actor, payload={
        "org_id": org_id, "party_id": party_id, "from": before, "to": setting.owner_id})
    return setting


def override(actor: User, org_id: int, party_id: int, value: int | None, reason: str) -> DebtorSetting:
    if value is not None and not reason.strip():
        raise AllocationInvalid("Give the reason for your own priority.")
    if value is not None and not 0 <= value <= 1000:
        raise AllocationInvalid("A priority is between 0 and 1000.")
    setting = setting_for(org_id, party_id)
    before = setting.priority_override
    setting.priority_override = value
    setting.priority_reason = reason.strip()[:500] if value is not None else None
    audit.record("receivables.priority_overridden", actor=actor, payload={
        "party_id": party_id, "from": before, "to": value, "reason": setting.priority_reason})
    return setting


def resolve_dispute(actor: User, hold: InvoiceHold, answer: str) -> None:
    if not answer.strip():
        raise AllocationInvalid("Write the answer you gave the debtor.")
    if hold.resolved_at is not None:
        raise AllocationInvalid("This dispute is already answered.")
    hold.resolved_at, hold.resolution = utcnow(), answer.strip()[:2000]
    audit.record("receivables.dispute_answered", actor=actor, payload={
        "hold_id": hold.id, "invoice_id": hold.invoice_id, "party_id": hold.party_id})

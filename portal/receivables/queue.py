""""Today" for a member of the creditor's staff: calls to make, promises due and broken, disputes
to answer, debtors at the last reminder before a notice, limitation alerts; every debtor ranked by
its priority with the reasons. Debtors are allocated to one staff member each (audited)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from portal import audit
from portal.accounts import Organization, Role, User
from portal.cases import Case, CaseStatus, Invoice
from portal.database import replica_reads
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_, gettext, ngettext
from portal.receivables import book, portfolio, rollup, scoring
from portal.receivables.calls import Call, open_calls
from portal.receivables.models import (
    DebtorPosition,
    DebtorSetting,
    InvoiceHold,
    PortfolioSnapshot,
    Promise,
    Reminder,
    ReminderLevel,
    ReminderPolicy,
)
from portal.receivables.policies import setting_for
from portal.receivables.priority import score
from portal.receivables.rollup import Position, Ranked
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.types import utcnow

BROKEN_DAYS = 7
ALERT_DAYS = 90
SECTION_LIMIT = 100


class AllocationInvalid(DomainError):
    pass


@dataclass
class Today:
    """A page of the queue: debtors by priority (a page of the rolled-up rows and the key the next
    page starts after) and the day's work about debtors that owe, each with its debtor's position.
    Each list of work stops at SECTION_LIMIT items (`more` names the lists that were cut)."""
    ranked: list[Position] = field(default_factory=list)
    next_after: tuple[int, Decimal, int] | None = None
    refreshed_at: datetime | None = None
    calls: list[tuple[Position, Call]] = field(default_factory=list)
    promises_due: list[tuple[Position, Promise]] = field(default_factory=list)
    promises_broken: list[tuple[Position, Promise]] = field(default_factory=list)
    disputes: list[tuple[Position, InvoiceHold, str]] = field(default_factory=list)
    notice_level: list[tuple[Position, str, bool]] = field(default_factory=list)  # (…, reference, filed)
    limitation: list[tuple[Position, str, date]] = field(default_factory=list)
    more: set[str] = field(default_factory=set)


def rank(org: Organization, today: date, party_ids: set[int] | None = None,
         lines: list[book.Line] | None = None) -> dict[int, Ranked]:
    """These debtors ranked live from the base rows (the debtor's own page: one debtor)."""
    lines = lines if lines is not None else book.lines(org.id, party_ids)
    per_party = scoring.facts(org, today, lines, "party", party_ids)
    settings = {s.party_id: s for s in db.session.scalars(
        select(DebtorSetting).where(DebtorSetting.org_id == org.id,
                                    *([DebtorSetting.party_id.in_(party_ids)] if party_ids else [])))}
    names = book.names(set(per_party))
    out = {}
    for party_id, facts in per_party.items():
        setting = settings.get(party_id)
        out[party_id] = Ranked(party_id, names.get(party_id, ""), setting.owner_id if setting else None,
                               facts.outstanding, facts.days_overdue,
                               score(facts, override=setting.priority_override if setting else None,
                                     override_reason=setting.priority_reason if setting else None))
    return out


def _of_positions(stmt, model, user_id: int | None):
    """Only rows about debtors that owe (with a rolled-up position) and, for one staff member, the
    debtors it follows or nobody follows."""
    return stmt.join(DebtorPosition, (DebtorPosition.org_id == model.org_id)
                     & (DebtorPosition.party_id == model.party_id)).where(rollup.owner_clause(user_id))


def today_for(org: Organization, user: User, today: date, *, everyone: bool = False,
              after: tuple[int, Decimal, int] | None = None) -> Today:
    """The queue of `user` (its debtors and those nobody owns), or the whole organisation's: a
    fixed number of statements whatever the number of debtors (the rolled-up rows, through indexes)."""
    snap = portfolio.ensure(org, today)
    with replica_reads():  # figures a second behind are fine here: the replica's, when there is one
        return _queue(org, user, today, everyone, after, snap)


def _queue(org: Organization, user: User, today: date, everyone: bool,
           after: tuple[int, Decimal, int] | None, snap: PortfolioSnapshot) -> Today:
    mine = None if everyone else user.id
    ranked, next_after = rollup.ranked_page(org.id, mine, after)
    q = Today(ranked=ranked, next_after=next_after, refreshed_at=snap.refreshed_at if snap else None)
    # A call the level names a staff member for is theirs, whoever follows the debtor up.
    calls = [c for c in open_calls(org.id, None, utcnow()) if everyone or c.caller_id in (None, user.id)]
    promises = db.session.scalars(_of_positions(select(Promise), Promise, mine).where(
        Promise.org_id == org.id, or_(
            (Promise._status == PromiseStatus.OPEN) & (Promise.promised_for <= today + timedelta(days=1)),
            (Promise._status == PromiseStatus.BROKEN)
            & (Promise.decided_at >= utcnow() - timedelta(days=BROKEN_DAYS))))
        .order_by(Promise.promised_for, Promise.id).limit(2 * SECTION_LIMIT + 1)).all()
    disputes = db.session.execute(_of_positions(select(InvoiceHold, Invoice.number), InvoiceHold, mine)
                                  .join(Invoice, Invoice.id == InvoiceHold.invoice_id).where(
        InvoiceHold.org_id == org.id, InvoiceHold.kind == "dispute", InvoiceHold.resolved_at.is_(None))
        .order_by(InvoiceHold.created_at, InvoiceHold.id).limit(SECTION_LIMIT + 1)).all()
    at_notice = db.session.execute(_of_positions(
        select(Reminder.party_id, Case.reference, Case._status).distinct(), Reminder, mine)
        .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
        .join(Case, Case.id == Reminder.case_id)
        .where(Reminder.org_id == org.id, Reminder._status == ReminderStatus.SENT,
               ReminderLevel.last_before_notice.is_(True), Case.outstanding_sum > 0,
               Case._status.in_((CaseStatus.DRAFT, CaseStatus.FILED)))
        .order_by(Case.reference).limit(SECTION_LIMIT + 1)).all()
    limitation = rollup.limitation_soon(org.id, mine, today + timedelta(days=ALERT_DAYS), SECTION_LIMIT + 1)
    about = rollup.of(org.id, {c.party_id for c in calls[:SECTION_LIMIT]} | {p.party_id for p in promises}
                      | {h.party_id for h, _ in disputes} | {p for p, _, _ in at_notice})
    q.calls = [(about[c.party_id], c) for c in calls if c.party_id in about]
    settled = _paid_since(org.id, [p for p in promises if p.status == PromiseStatus.BROKEN])
    for p in promises:
        if p.id in settled:
            continue  # broken, but its invoice has been paid since: nothing to chase
        bucket = q.promises_due if p.status == PromiseStatus.OPEN else q.promises_broken
        bucket.append((about[p.party_id], p))
    q.disputes = [(about[h.party_id], h, number) for h, number in disputes]
    q.notice_level = [(about[p], reference, CaseStatus(status) == CaseStatus.FILED)
                      for p, reference, status in at_notice]
    q.limitation = [(p, p.limitation_invoice or "", p.limitation_ends) for p in limitation]
    for name in ("calls", "promises_due", "promises_broken", "disputes", "notice_level", "limitation"):
        items = getattr(q, name)
        if len(items) > SECTION_LIMIT:
            setattr(q, name, items[:SECTION_LIMIT])
            q.more.add(name)
    return q


def _paid_since(org_id: int, broken: list[Promise]) -> set[int]:
    """The broken promises whose invoice nothing is owed on now (payments applied as the ledger
    does): a few statements for all of them, read only when some promise is broken."""
    if not broken:
        return set()
    lines = book.lines(org_id, {p.party_id for p in broken}, case_ids={p.case_id for p in broken})
    owed = {line.invoice_id: line.outstanding for line in lines}
    return {p.id for p in broken if owed.get(p.invoice_id, Decimal("0.00")) <= 0}


def allocate(actor: User, org_id: int, party_id: int, owner: User | None) -> DebtorSetting:
    """Give the debtor to one staff member (or to nobody); audited with who had it before."""
    if owner is not None and (owner.org_id != org_id or owner.role != Role.CREDITOR or not owner.active):
        raise AllocationInvalid(N_("Choose a member of your organisation's staff."))
    setting = setting_for(org_id, party_id)
    before = setting.owner_id
    setting.owner_id = owner.id if owner else None
    audit.record("receivables.debtor_allocated", actor=actor, payload={
        "org_id": org_id, "party_id": party_id, "from": before, "to": setting.owner_id})
    rollup.debtors_changed(org_id, {party_id})
    return setting


def release(actor: User, member: User) -> str | None:
    """A colleague switched off: the debtors it followed are followed by nobody (so everyone's Today
    shows them) and the levels that named it for their calls name nobody (the debtor's owner calls);
    one audit event, the debtors' rows recomputed. What it did, in words for the administrator's
    page (a flash on the Team page: the page's language; nothing stores it)."""
    org_id = member.org_id
    settings = db.session.scalars(select(DebtorSetting).where(DebtorSetting.org_id == org_id,
                                                              DebtorSetting.owner_id == member.id)).all()
    levels = db.session.scalars(select(ReminderLevel).join(ReminderPolicy).where(
        ReminderPolicy.org_id == org_id, ReminderLevel.call_user_id == member.id)).all()
    if not settings and not levels:
        return None
    for setting in settings:
        setting.owner_id = None
    for level in levels:
        level.call_user_id = None
    parties = sorted(s.party_id for s in settings)
    audit.record("receivables.colleague_released", actor=actor, payload={
        "org_id": org_id, "user_id": member.id, "party_ids": parties,
        "level_ids": sorted(lv.id for lv in levels)})
    if parties:
        rollup.debtors_changed(org_id, set(parties))
    said = []
    if parties:
        said.append(ngettext("The debtor they followed in collections is now followed by nobody, so "
                             "everyone's Today shows it.",
                             "The %(num)d debtors they followed in collections are now followed by nobody, "
                             "so everyone's Today shows them.", len(parties)))
    if levels:
        said.append(gettext("The reminder levels that named them for calls leave the call to each debtor's "
                            "owner now."))
    return " ".join(said)


def override(actor: User, org_id: int, party_id: int, value: int | None, reason: str) -> DebtorSetting:
    if value is not None and not reason.strip():
        raise AllocationInvalid(N_("Give the reason for your own priority."))
    if value is not None and not 0 <= value <= 1000:
        raise AllocationInvalid(N_("A priority is between 0 and 1000."))
    setting = setting_for(org_id, party_id)
    before = setting.priority_override
    setting.priority_override = value
    setting.priority_reason = reason.strip()[:500] if value is not None else None
    audit.record("receivables.priority_overridden", actor=actor, payload={
        "party_id": party_id, "from": before, "to": value, "reason": setting.priority_reason})
    rollup.debtors_changed(org_id, {party_id})
    return setting


def resolve_dispute(actor: User, hold: InvoiceHold, answer: str) -> None:
    if not answer.strip():
        raise AllocationInvalid(N_("Write the answer you gave the debtor."))
    if hold.resolved_at is not None:
        raise AllocationInvalid(N_("This dispute is already answered."))
    hold.resolved_at, hold.resolution = utcnow(), answer.strip()[:2000]
    audit.record("receivables.dispute_answered", actor=actor, payload={
        "hold_id": hold.id, "invoice_id": hold.invoice_id, "party_id": hold.party_id})

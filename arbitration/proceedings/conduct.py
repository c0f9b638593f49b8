"""The arbitral proceedings' use-cases: the procedural calendar the arbitrator sets, each party's filings
against it (through the evidence pipeline), the statutory clocks, extensions, the fast track (s.29B) and
fee deposits. Services take an explicit actor, flush, never commit; who may call them is policy's."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import func, select

from arbitration.proceedings import clocks
from arbitration.proceedings.clocks import ClockState
from arbitration.proceedings.models import (
    PLEADING_KINDS,
    CalendarStep,
    ClockExtension,
    FeeDeposit,
    Hearing,
    ProceedingParty,
    Proceedings,
    StepDocument,
    StepKind,
)
from evidence import Audience, DocumentKind, add_document
from portal import audit, money
from portal.accounts import Side, side_of
from portal.cases import Case, CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.types import to_ist, utcnow

# English where they are kept (a step's default title, a filing's description, the reminder e-mail);
# the pages say them in their reader's language (gettext of the English).
STEP_LABELS = {StepKind.STATEMENT_OF_CLAIM: N_("Statement of claim"),
               StepKind.DEFENCE: N_("Statement of defence"), StepKind.COUNTER_CLAIM: N_("Counter-claim"),
               StepKind.REJOINDER: N_("Rejoinder"), StepKind.DOCUMENTS: N_("Documents"),
               StepKind.OTHER: N_("Other submission")}
PARTY_LABELS = {ProceedingParty.CLAIMANT: N_("Claimant"), ProceedingParty.RESPONDENT: N_("Respondent")}


def party_of(actor, case: Case) -> ProceedingParty | None:
    """The actor's party in the arbitration: the creditor's side claims, the debtor responds."""
    return {Side.CREDITOR: ProceedingParty.CLAIMANT, Side.DEBTOR: ProceedingParty.RESPONDENT}.get(
        side_of(actor, case))


def notice_received_on(case: Case) -> date | None:
    """s.23(4): the IST day the arbitrator received written notice of its appointment (the first
    opening of its invitation), not the day it accepted; rows older than that record fall back to the
    acceptance. None: no standing appointment."""
    from arbitration.tribunal.appointments import current_appointment

    appointment = current_appointment(case)
    if appointment is None:
        return None
    received = appointment.notice_received_at or appointment.answered_at
    return to_ist(received).date() if received else None


def appointment_date(case: Case, today: date) -> date:
    """When the s.23(4) period starts: the arbitrator's receipt of the notice of appointment, else
    the day proceedings open."""
    return notice_received_on(case) or today


def proceedings_for(case: Case) -> Proceedings | None:
    return db.session.scalar(select(Proceedings).where(Proceedings.case_id == case.id))


def open_proceedings(actor, case: Case, appointed_on: date) -> Proceedings:
    """The case's proceedings record, made at the arbitrator's first step;
    s.23(4) runs from `appointed_on`."""
    found = proceedings_for(case)
    if found is not None:
        return found
    found = Proceedings(case_id=case.id, appointed_on=appointed_on, fast_track=False)
    db.session.add(found)
    db.session.flush()
    audit.record("arbitration.proceedings_opened", actor=actor, case=case,
                 payload={"appointed_on": appointed_on.isoformat()})
    return found


def _require_running(case: Case) -> None:
    if case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The arbitration is not running.")


def steps_for(case: Case) -> list[CalendarStep]:
    return list(db.session.scalars(select(CalendarStep).where(CalendarStep.case_id == case.id)
                                   .order_by(CalendarStep.due_on, CalendarStep.id)))


def add_step(actor, case: Case, *, kind: StepKind, party: ProceedingParty, due_on: date, title: str,
             today: date) -> CalendarStep:
    _require_running(case)
    if due_on < today:
        raise DomainError("A deadline cannot be in the past.")
    step = CalendarStep(case_id=case.id, kind=kind, party=party, due_on=due_on,
                        title=(title or "").strip()[:200] or STEP_LABELS[kind])
    db.session.add(step)
    db.session.flush()
    # The party is told its date by the notifications: the notice of its time (s.23(1), s.25).
    audit.record("arbitration.step_set", actor=actor, case=case, payload={
        "step_id": step.id, "kind": kind.value, "party": party.value, "title": step.title,
        "due_on": due_on.isoformat()})
    return step


def extend_step(actor, step: CalendarStep, new_due_on: date, today: date) -> None:
    """The arbitrator moves a deadline later (s.23(3)-style leave), e.g. to allow a late filing."""
    _require_running(step_case(step))
    if step.filed_at is not None:
        raise DomainError("This step has been filed; there is nothing to extend.")
    if new_due_on <= step.due_on or new_due_on < today:
        raise DomainError("The new deadline must be later than the present one and not in the past.")
    old, step.due_on, step.last_reminded_on = step.due_on, new_due_on, None
    db.session.flush()
    audit.record("arbitration.step_extended", actor=actor, case=step_case(step), payload={
        "step_id": step.id, "party": step.party.value, "title": step.title, "from": old.isoformat(),
        "to": new_due_on.isoformat(), "due_on": new_due_on.isoformat()})


def step_case(step: CalendarStep) -> Case:
    return db.session.get(Case, step.case_id)


def file_step(actor, step: CalendarStep, stream: BinaryIO, filename: str, description: str,
              today: date) -> None:
    """A party files its submission against its step: the file goes in as evidence seen by all."""
    case = step_case(step)
    _require_running(case)
    if party_of(actor, case) != step.party:
        raise DomainError(f"This step is the {PARTY_LABELS[step.party].lower()}'s to file.")
    if step.filed_at is not None:
        raise DomainError("This step has already been filed.")
    if today > step.due_on:
        raise DomainError(f"The deadline for this step passed on {step.due_on:%d %b %Y}. Ask the "
                          "arbitrator to extend it; a late filing is not accepted otherwise.")
    label = STEP_LABELS[step.kind]
    doc = add_document(actor, case, stream, filename, DocumentKind.OTHER,
                       description=f"{label} ({PARTY_LABELS[step.party].lower()}): {description}".strip(": "),
                       audience=Audience.ALL)
    step.documents.append(StepDocument(document_id=doc.id))
    step.filed_at, step.filed_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("arbitration.step_filed", actor=actor, case=case, payload={
        "step_id": step.id, "kind": step.kind.value, "party": step.party.value, "document_id": doc.id,
        "sha256": doc.sha256, "side": "creditor" if step.party == ProceedingParty.CLAIMANT else "debtor"})


def pleadings_closed_on(case: Case, proceedings: Proceedings | None) -> date | None:
    """The day the pleadings were complete: as the arbitrator closed them, or when the last of the claim,
    the defence and any counter-claim and rejoinder set in the calendar was filed."""
    if proceedings is not None and proceedings.pleadings_closed_on is not None:
        return proceedings.pleadings_closed_on
    pleadings = [s for s in steps_for(case) if s.kind in PLEADING_KINDS]
    kinds = {s.kind for s in pleadings}
    if (not {StepKind.STATEMENT_OF_CLAIM, StepKind.DEFENCE} <= kinds
            or any(s.filed_at is None for s in pleadings)):
        return None
    return max(to_ist(s.filed_at).date() for s in pleadings)


def default_refusal(case: Case, today: date) -> str | None:
    """Why the pleadings cannot be closed on a default under s.25 today, or None.

    s.25(b): when the respondent fails to communicate its defence within the time set (s.23(1)),
    without sufficient cause, the tribunal continues without treating that as an admission. That
    needs the respondent's defence step set (its setting is the notice: the notifications tell the
    respondent its date, the calendar reminder repeats it) and its date passed. s.25(a): a claimant
    that does not file its claim ends the proceedings; that is a termination, not a default here."""
    steps = [s for s in steps_for(case) if s.kind in PLEADING_KINDS]
    defence = [s for s in steps if s.kind == StepKind.DEFENCE and s.party == ProceedingParty.RESPONDENT]
    if not defence:
        return ("Set the respondent's statement of defence in the calendar first: a default can be "
                "recorded only after the respondent had notice of its time (A&C s.23(1), s.25).")
    if not any(s.kind == StepKind.STATEMENT_OF_CLAIM and s.filed_at is not None for s in steps):
        return ("The claimant has not filed its statement of claim: under s.25(a) that ends the "
                "proceedings; the pleadings are not closed on it.")
    running = [s for s in steps if s.filed_at is None and s.due_on >= today]
    if running:
        first = min(running, key=lambda s: s.due_on)
        return (f"The time for the {first.title.lower()} runs until {first.due_on:%d %b %Y}: the pleadings "
                "cannot be closed on a default before it has run (s.25).")
    return None


def close_pleadings(actor, case: Case, today: date) -> None:
    """s.25: a party that does not plead by its date, after notice of it, does not hold the
    proceedings up; the arbitrator records the default and the s.29A clock starts."""
    _require_running(case)
    proceedings = proceedings_for(case)
    if proceedings is None or pleadings_closed_on(case, proceedings) is not None:
        raise DomainError("The pleadings are already complete." if proceedings else "Set the calendar first.")
    refusal = default_refusal(case, today)
    if refusal:
        raise DomainError(refusal)
    defaulted = [s for s in steps_for(case) if s.kind in PLEADING_KINDS and s.filed_at is None]
    proceedings.pleadings_closed_on = today
    db.session.flush()
    audit.record("arbitration.pleadings_closed", actor=actor, case=case, payload={
        "on": today.isoformat(), "s25_default": [
            {"step_id": s.id, "kind": s.kind.value, "party": s.party.value, "due_on": s.due_on.isoformat()}
            for s in defaulted]})


def extensions_for(case: Case) -> list[ClockExtension]:
    return list(db.session.scalars(select(ClockExtension).where(ClockExtension.case_id == case.id)
                                   .order_by(ClockExtension.id)))


def record_extension(actor, case: Case, months: int, basis: clocks.Basis, note: str) -> ClockExtension:
    _require_running(case)
    note = (note or "").strip()
    if basis == clocks.Basis.COURT_ORDER and not note:
        raise DomainError("Name the court's order (court, case number, date) that extends the period.")
    existing = [clocks.Extension(e.months, e.basis) for e in extensions_for(case)]
    refusal = clocks.extension_refusal(existing, clocks.Extension(months, basis))
    if refusal:
        raise DomainError(refusal)
    proceedings = proceedings_for(case)
    row = ClockExtension(case_id=case.id, clock="s29B" if proceedings and proceedings.fast_track else "s29A",
                         months=months, basis=basis, note=note, recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("arbitration.clock_extended", actor=actor, case=case, payload={
        "clock": row.clock, "months": months, "basis": basis.value, "note": note})
    return row


def awarded_on(case: Case) -> date | None:
    """s.29A: the award is made on the day it is signed, as the award itself records it (its date,
    fixed at signing), not a case timestamp that moves with later status changes."""
    from arbitration.awards.models import Award

    award = db.session.scalar(select(Award).where(Award.case_id == case.id, Award.signed_at.is_not(None)))
    return to_ist(award.signed_at).date() if award is not None else None


def case_clocks(case: Case, today: date) -> list[clocks.Clock]:
    proceedings = proceedings_for(case)
    return clocks.clocks(appointed_on=proceedings.appointed_on if proceedings else notice_received_on(case),
                         pleadings_closed_on=pleadings_closed_on(case, proceedings),
                         extensions=[clocks.Extension(e.months, e.basis) for e in extensions_for(case)],
                         awarded_on=awarded_on(case), fast_track=bool(proceedings and proceedings.fast_track),
                         today=today)


def mandate_refusal(case: Case, today: date) -> str | None:
    """Why the arbitrator may not make an award (other than on agreed terms) today, or None.

    The pleadings must be complete, or closed on a default recorded under s.25 after the respondent's
    time ran (due process, s.18, s.24(3)); and the mandate must stand: twelve months from the pleadings
    (s.29A(1)), plus at most six by consent (s.29A(3)), then only by a court's extension (s.29A(4)-(5));
    on the fast track, six months (s.29B(4), extended the same way, s.29B(5))."""
    proceedings = proceedings_for(case)
    if proceedings is None or pleadings_closed_on(case, proceedings) is None:
        return ("The pleadings are still open: the award is made only after the statement of claim and "
                "the defence are complete, or after the respondent's time for its defence has run and you "
                "record its default (s.23, s.25).")
    for clock in case_clocks(case, today):
        if clock.key in ("s29A", "s29B") and clock.state == ClockState.OVERDUE:
            return (f"The period for the award ended on {clock.due_on:%d %b %Y}: the mandate has terminated "
                    "(s.29A(4)). Record the court's order extending it before signing the award.")
    return None


def consent_to_fast_track(actor, case: Case) -> None:
    """A party agrees to the fast track (s.29B(1): the parties agree in writing; this is its record)."""
    _require_running(case)
    party = party_of(actor, case)
    proceedings = proceedings_for(case)
    if party is None or proceedings is None:
        raise DomainError("The fast track can be agreed once the arbitrator has set the proceedings up.")
    attr = f"{party.value}_consented_fast_track_at"
    if getattr(proceedings, attr) is not None:
        raise DomainError("Your side has already agreed to the fast track.")
    setattr(proceedings, attr, utcnow())
    db.session.flush()
    audit.record("arbitration.fast_track_consent", actor=actor, case=case, payload={"party": party.value})


def start_fast_track(actor, case: Case) -> None:
    """The arbitrator puts the case on the documents-only fast track, once both parties have agreed."""
    _require_running(case)
    proceedings = proceedings_for(case)
    if proceedings is None or proceedings.fast_track:
        raise DomainError("The case is already on the fast track." if proceedings
                          else "Set the calendar first.")
    if not (proceedings.claimant_consented_fast_track_at and proceedings.respondent_consented_fast_track_at):
        raise DomainError("Both parties must agree to the fast track (s.29B) before it starts.")
    if db.session.scalar(select(func.count()).select_from(Hearing).where(
            Hearing.case_id == case.id, Hearing.minutes_finalised_at.is_(None))):
        raise DomainError("A hearing is still open; the fast track decides on documents only.")
    proceedings.fast_track = True
    db.session.flush()
    audit.record("arbitration.fast_track_started", actor=actor, case=case, payload={})


def fees_for(case: Case) -> list[FeeDeposit]:
    return list(db.session.scalars(select(FeeDeposit).where(FeeDeposit.case_id == case.id)
                                   .order_by(FeeDeposit.received_on, FeeDeposit.id)))


def record_fee_deposit(actor, case: Case, *, party: ProceedingParty, amount: Decimal, received_on: date,
                       reference: str, today: date) -> FeeDeposit:
    _require_running(case)
    try:
        amount = money.parse_amount(amount, minimum=money.PAISA, what="The deposit")
    except money.MoneyInvalid as exc:
        raise DomainError(str(exc)) from None
    if received_on > today:
        raise DomainError("A deposit cannot be received in the future.")
    began = to_ist(case.created_at).date()
    if received_on < began:
        raise DomainError(f"A deposit for this arbitration cannot be received before the case began "
                          f"({began:%d %b %Y}).")
    deposit = FeeDeposit(case_id=case.id, party=party, amount=amount, received_on=received_on,
                         reference=reference.strip()[:100], recorded_by_id=actor.id)
    db.session.add(deposit)
    db.session.flush()
    audit.record("arbitration.fee_deposit", actor=actor, case=case, payload={
        "party": party.value, "amount": str(amount), "received_on": received_on.isoformat(),
        "reference": deposit.reference})
    return deposit

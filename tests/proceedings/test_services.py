"""The proceedings' services: the calendar and filings (late ones refused until extended), pleadings
closing and the clocks, extensions, fees, the fast track, hearings and minutes, signed orders."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.proceedings import clocks, hearings, neutral_keys, procedural_orders
from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings.models import ProceedingParty, StepKind
from evidence.models import Audience, Document
from notices.signing.signatures import signature_intact
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from tests.proceedings.helpers import TODAY, arbitration_case, give_key, upload
from tests.settlement.helpers import pdf_text

C, R = ProceedingParty.CLAIMANT, ProceedingParty.RESPONDENT


def opened(a):
    proceedings.open_proceedings(a.neutral, a.case, TODAY)
    return a


def step(a, kind, party, days):
    return proceedings.add_step(a.neutral, a.case, kind=kind, party=party, due_on=TODAY + timedelta(days=days),
                                title="", today=TODAY)


def test_both_sides_file_and_the_pleadings_close_starting_the_award_clock(db_session):
    a = opened(arbitration_case())
    claim, defence = step(a, StepKind.STATEMENT_OF_CLAIM, C, 14), step(a, StepKind.DEFENCE, R, 28)
    assert claim.title == "Statement of claim"
    shown = proceedings.case_clocks(a.case, TODAY)
    assert [c.key for c in shown] == ["s23_4", "s29A"] and shown[0].due_on == TODAY.replace(year=2027, month=5)
    assert shown[1].state == clocks.ClockState.NOT_STARTED
    proceedings.file_step(a.advocate, claim, upload(), "claim.txt", "with annexures", TODAY)
    assert proceedings.pleadings_closed_on(a.case, proceedings.proceedings_for(a.case)) is None
    proceedings.file_step(a.debtor, defence, upload("Defence: the goods were short.\n"), "defence.txt", "", TODAY)
    filed_on = proceedings.pleadings_closed_on(a.case, proceedings.proceedings_for(a.case))
    assert filed_on is not None
    award = proceedings.case_clocks(a.case, TODAY)[1]
    assert award.starts_on == filed_on and award.state == clocks.ClockState.RUNNING
    doc = db.session.get(Document, claim.document_ids[0])
    assert doc.audience == Audience.ALL and doc.description == "Statement of claim (claimant): with annexures"
    assert defence.filed_by_id == a.debtor.id
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == a.case.id)).all()
    assert actions.count("arbitration.step_filed") == 2 and "arbitration.step_set" in actions


def test_a_party_files_only_its_own_step_once_and_not_late(db_session):
    a = opened(arbitration_case())
    defence = step(a, StepKind.DEFENCE, R, 7)
    with pytest.raises(DomainError, match="respondent's to file"):
        proceedings.file_step(a.staff, defence, upload(), "x.txt", "", TODAY)
    with pytest.raises(DomainError, match="passed on .* extend"):
        proceedings.file_step(a.debtor, defence, upload(), "x.txt", "", TODAY + timedelta(days=8))
    assert defence.filed_at is None and db.session.scalar(select(Document).where(
        Document.case_id == a.case.id)) is None
    with pytest.raises(DomainError, match="later than the present one"):
        proceedings.extend_step(a.neutral, defence, TODAY + timedelta(days=7), TODAY)
    proceedings.extend_step(a.neutral, defence, TODAY + timedelta(days=20), TODAY + timedelta(days=8))
    proceedings.file_step(a.debtor, defence, upload(), "x.txt", "", TODAY + timedelta(days=8))
    with pytest.raises(DomainError, match="already been filed"):
        proceedings.file_step(a.debtor, defence, upload(), "y.txt", "", TODAY + timedelta(days=8))
    with pytest.raises(DomainError, match="nothing to extend"):
        proceedings.extend_step(a.neutral, defence, TODAY + timedelta(days=30), TODAY)


def test_steps_need_a_running_arbitration_and_a_future_date(db_session):
    a = opened(arbitration_case())
    with pytest.raises(DomainError, match="past"):
        step(a, StepKind.DOCUMENTS, C, -1)
    a.case._status = CaseStatus.AWARDED
    with pytest.raises(DomainError, match="not running"):
        step(a, StepKind.DOCUMENTS, C, 3)


def test_the_arbitrator_records_a_default_only_after_the_defence_time_ran(db_session):
    """s.25(b) after notice: the defence step set (23 Nov 2026, due 7 Dec), the claim filed; the default is
    refused on 7 Dec (its last day) and recorded on 8 Dec, naming the step; s.29A runs from 8 Dec."""
    a = arbitration_case()
    with pytest.raises(DomainError, match="Set the calendar"):
        proceedings.close_pleadings(a.neutral, a.case, TODAY)
    opened(a)
    with pytest.raises(DomainError, match="respondent's statement of defence in the calendar first"):
        proceedings.close_pleadings(a.neutral, a.case, TODAY)
    claim, defence = step(a, StepKind.STATEMENT_OF_CLAIM, C, 7), step(a, StepKind.DEFENCE, R, 14)
    with pytest.raises(DomainError, match=r"s\.25\(a\)"):  # no claim filed: that ends the proceedings
        proceedings.close_pleadings(a.neutral, a.case, TODAY + timedelta(days=20))
    proceedings.file_step(a.advocate, claim, upload(), "claim.txt", "", TODAY)
    last_day = date(2026, 12, 7)
    assert defence.due_on == last_day
    with pytest.raises(DomainError, match="runs until 07 Dec 2026"):
        proceedings.close_pleadings(a.neutral, a.case, last_day)
    proceedings.close_pleadings(a.neutral, a.case, last_day + timedelta(days=1))
    assert proceedings.case_clocks(a.case, TODAY)[1].due_on == date(2027, 12, 8)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "arbitration.pleadings_closed")).one()
    assert event.data["s25_default"] == [{"step_id": defence.id, "kind": "defence", "party": "respondent",
                                          "due_on": "2026-12-07"}]
    with pytest.raises(DomainError, match="already complete"):
        proceedings.close_pleadings(a.neutral, a.case, TODAY)


def test_extensions_by_consent_are_capped_and_a_court_order_is_named(db_session):
    a = opened(arbitration_case())
    proceedings.record_extension(a.neutral, a.case, 4, clocks.Basis.CONSENT, "Both parties' letters of 1 Nov")
    with pytest.raises(DomainError, match="at most 6 months"):
        proceedings.record_extension(a.neutral, a.case, 3, clocks.Basis.CONSENT, "")
    with pytest.raises(DomainError, match="Name the court's order"):
        proceedings.record_extension(a.neutral, a.case, 3, clocks.Basis.COURT_ORDER, "  ")
    row = proceedings.record_extension(a.neutral, a.case, 3, clocks.Basis.COURT_ORDER,
                                       "High Court of Karnataka, AA 12/2027, 3 Mar 2027")
    assert row.clock == "s29A" and len(proceedings.extensions_for(a.case)) == 2


def test_fee_deposits_are_exact_positive_and_not_in_the_future(db_session):
    a = opened(arbitration_case())
    today = today_ist()  # a deposit is dated within the case's own timeline, which starts now
    with pytest.raises(DomainError, match="at most two decimal places"):  # refused, never rounded
        proceedings.record_fee_deposit(a.neutral, a.case, party=C, amount=Decimal("15000.005"),
                                       received_on=today, reference="x", today=today)
    deposit = proceedings.record_fee_deposit(a.neutral, a.case, party=C, amount=Decimal("15000.01"),
                                             received_on=today, reference=" UTR123 ", today=today)
    assert deposit.amount == Decimal("15000.01") and deposit.reference == "UTR123"
    with pytest.raises(DomainError, match="more than zero"):
        proceedings.record_fee_deposit(a.neutral, a.case, party=R, amount=Decimal("0.00"), received_on=today,
                                       reference="x", today=today)
    with pytest.raises(DomainError, match="future"):
        proceedings.record_fee_deposit(a.neutral, a.case, party=R, amount=Decimal("10"),
                                       received_on=today + timedelta(days=1), reference="x", today=today)


def test_fast_track_needs_both_consents_and_then_refuses_hearings(db_session):
    a = arbitration_case()
    with pytest.raises(DomainError, match="once the arbitrator"):
        proceedings.consent_to_fast_track(a.staff, a.case)
    opened(a)
    proceedings.consent_to_fast_track(a.staff, a.case)
    with pytest.raises(DomainError, match="already agreed"):
        proceedings.consent_to_fast_track(a.advocate, a.case)  # the same (claimant's) side
    with pytest.raises(DomainError, match="Both parties"):
        proceedings.start_fast_track(a.neutral, a.case)
    proceedings.consent_to_fast_track(a.debtor, a.case)
    proceedings.start_fast_track(a.neutral, a.case)
    assert [c.key for c in proceedings.case_clocks(a.case, TODAY)] == ["s29B"]
    with pytest.raises(DomainError, match="fast track"):
        hearings.schedule(a.neutral, a.case, starts_at=utcnow() + timedelta(days=3), duration_minutes=60,
                          video_link="https://meet.example.in/abc", agenda="")


def test_hearing_links_times_and_minutes(db_session):
    a = opened(arbitration_case())
    future = utcnow() + timedelta(days=3)
    for link in ("http://meet.example.in/x", "javascript:alert(1)", "https://user:pw@meet.example.in/x", ""):
        with pytest.raises(DomainError, match="https://"):
            hearings.schedule(a.neutral, a.case, starts_at=future, duration_minutes=60, video_link=link, agenda="")
    with pytest.raises(DomainError, match="future"):
        hearings.schedule(a.neutral, a.case, starts_at=utcnow() - timedelta(minutes=1), duration_minutes=60,
                          video_link="https://meet.example.in/x", agenda="")
    hearing = hearings.schedule(a.neutral, a.case, starts_at=future, duration_minutes=90,
                                video_link=" https://meet.example.in/x ", agenda="Directions")
    assert hearing.video_link == "https://meet.example.in/x"
    attendance = {"claimant": (True, "Adv. R. Iyer"), "respondent": (False, ""), "arbitrator": (True, "")}
    with pytest.raises(DomainError, match="once the hearing has started"):
        hearings.record_minutes(a.neutral, hearing, attendance=attendance, minutes="x", finalise=False)
    later = future + timedelta(minutes=100)
    with pytest.raises(DomainError, match="Unknown participant"):
        hearings.record_minutes(a.neutral, hearing, attendance={"public": (True, "")}, minutes="", finalise=False,
                                now=later)
    with pytest.raises(DomainError, match="Write the minutes"):
        hearings.record_minutes(a.neutral, hearing, attendance=attendance, minutes=" ", finalise=True, now=later)
    hearings.record_minutes(a.neutral, hearing, attendance=attendance, minutes="Draft", finalise=False, now=later)
    hearings.record_minutes(a.neutral, hearing, attendance=attendance | {"respondent": (True, "Mr Rao")},
                            minutes="The respondent sought time.", finalise=True, now=later)
    assert {x.participant: (x.present, x.attended_by) for x in hearing.attendance}["respondent"] == (True, "Mr Rao")
    assert len(hearing.attendance) == 3 and hearing.minutes_finalised_at == later
    with pytest.raises(DomainError, match="final"):
        hearings.record_minutes(a.neutral, hearing, attendance=attendance, minutes="Changed", finalise=False,
                                now=later)
    assert hearings.ends_at(hearing) == future + timedelta(minutes=90)


def test_orders_are_numbered_and_signed_with_the_arbitrators_key(db_session, tmp_path):
    a = opened(arbitration_case())
    with pytest.raises(DomainError, match="Upload your digital signature"):
        procedural_orders.issue(a.neutral, a.case, "The claimant shall file by 1 December.")
    give_key(a.neutral)
    with pytest.raises(DomainError, match="Write the order"):
        procedural_orders.issue(a.neutral, a.case, "   ")
    first = procedural_orders.issue(a.neutral, a.case, "The claimant shall file by 1 December.\n\nCosts reserved.")
    second = procedural_orders.issue(a.neutral, a.case, "The hearing is adjourned.")
    assert (first.number, second.number) == (1, 2)
    from evidence.services import store

    with store().open(first.signed_pdf_sha256) as fh:
        pdf = fh.read()
    assert signature_intact(pdf) and pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Procedural Order No. 1" in text and "2. Costs reserved." in text and a.case.reference in text
    assert f"{a.case.creditor.legal_name} (Claimant)" in text and a.neutral.name in text
    assert [o.number for o in procedural_orders.orders_for(a.case)] == [1, 2]


def test_only_a_neutral_keeps_a_key_and_a_bad_file_is_refused(db_session):
    a = arbitration_case()
    with pytest.raises(DomainError, match="Only a neutral"):
        neutral_keys.install(a.advocate, b"x", "pw")
    with pytest.raises(DomainError):
        neutral_keys.install(a.neutral, b"not a pkcs12", "pw")
    assert neutral_keys.key_of(a.neutral) is None
    give_key(a.neutral)
    assert neutral_keys.key_of(a.neutral).subject.endswith("CN=Arbitrator (test)")
    pkcs12, passphrase = neutral_keys.key_material(a.neutral)(None)
    assert passphrase == b"pw" and pkcs12
    assert datetime.now(UTC) >= neutral_keys.key_of(a.neutral).installed_at


def test_dates_are_checked_against_the_case_timeline(db_session):
    """Issue 18, item 8: a deposit is not received before the case began, and a hearing is not set
    years ahead by a mistyped year."""
    a = opened(arbitration_case())
    with pytest.raises(DomainError, match="before the case began"):
        proceedings.record_fee_deposit(a.neutral, a.case, party=C, amount="1000",
                                       received_on=TODAY - timedelta(days=800), reference="UTR1", today=TODAY)
    with pytest.raises(DomainError, match="more than two years ahead"):
        hearings.schedule(a.neutral, a.case, starts_at=utcnow() + timedelta(days=3650), duration_minutes=60,
                          video_link="https://meet.example/x", agenda="Evidence")


def test_each_party_is_told_its_date_and_filing_closes_it(db_session, outbox):
    """The step is the party's notice of its time (s.23(1)); without it there is no default (s.25)."""
    from portal.notifications.models import AttentionItem

    a = opened(arbitration_case())
    step(a, StepKind.STATEMENT_OF_CLAIM, C, 7)
    defence = step(a, StepKind.DEFENCE, R, 14)

    def open_items():
        return {(i.party_id is not None, i.what) for i in db.session.scalars(select(AttentionItem).where(
            AttentionItem.kind == "step_due", AttentionItem.resolved_at.is_(None)))}

    assert (True, f"The arbitrator set the date for your Statement of defence in {a.case.reference}.") in open_items()
    assert (False, f"The arbitrator set the date for your Statement of claim in {a.case.reference}.") in open_items()
    proceedings.file_step(a.debtor, defence, upload("Defence.\n"), "defence.txt", "", TODAY)
    assert {debtor for debtor, _ in open_items()} == {False}  # the claimant's own date still waits

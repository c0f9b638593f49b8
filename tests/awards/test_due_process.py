"""Due process and the mandate at the award (A&C s.18, s.23-s.25, s.29A, s.12(5)): no award while the
pleadings are open or before the respondent's defence time ran, unless on agreed terms (s.30) or after
a default recorded under s.25; none after the mandate lapsed without a court's extension; none by an
arbitrator the Seventh Schedule check finds ineligible. The award's date for s.29A is its signature.
Dates are worked by hand from the pleadings' closing day."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.awards import making as awards
from arbitration.awards.models import AwardStatus
from arbitration.proceedings import clocks
from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings.models import ProceedingParty, StepKind
from arbitration.settlement.models import AgreementStatus, SettlementAgreement
from arbitration.tribunal import panel
from arbitration.tribunal.models import Ground
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from tests.awards.helpers import awarding_case, complete_fields
from tests.awards.test_views import post
from tests.proceedings.helpers import accept, upload


def finalised(a):
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields())
    awards.finalise(a.neutral, award)
    return award


def test_no_award_while_the_pleadings_are_open(db_session):
    a = awarding_case(pleadings_closed=False)
    award = finalised(a)
    with pytest.raises(DomainError, match="The pleadings are still open"):
        awards.sign(a.neutral, award)
    assert award.status == AwardStatus.FINALISED and a.case.status == CaseStatus.IN_ARBITRATION


def test_the_default_is_recorded_only_after_the_defence_time_ran_and_then_the_award_is_signed(db_session):
    a = awarding_case(pleadings_closed=False)
    today = today_ist()
    claim = proceedings.add_step(a.neutral, a.case, kind=StepKind.STATEMENT_OF_CLAIM,
                                 party=ProceedingParty.CLAIMANT, due_on=today, title="", today=today)
    defence = proceedings.add_step(a.neutral, a.case, kind=StepKind.DEFENCE, party=ProceedingParty.RESPONDENT,
                                   due_on=today, title="", today=today)
    proceedings.file_step(a.advocate, claim, upload(), "claim.txt", "", today)
    with pytest.raises(DomainError, match="runs until"):  # today is the defence's last day
        proceedings.close_pleadings(a.neutral, a.case, today)
    defence.due_on = today - timedelta(days=1)  # the respondent's time ran yesterday, nothing filed
    db.session.flush()
    proceedings.close_pleadings(a.neutral, a.case, today)
    award = finalised(a)
    awards.sign(a.neutral, award)
    assert a.case.status == CaseStatus.AWARDED
    # s.29A counts to the award's own date (its signature), not to a case timestamp.
    assert proceedings.awarded_on(a.case) == today == award.award_date
    assert proceedings.case_clocks(a.case, today + timedelta(days=400))[1].state == clocks.ClockState.MET


def test_an_award_on_agreed_terms_needs_no_closed_pleadings(db_session, outbox):
    a = awarding_case(CaseStatus.SETTLED, pleadings_closed=False)
    accept(a)
    db.session.add(SettlementAgreement(case_id=a.case.id, source="offer", terms_json="{}",
                                       total=Decimal("90000.00"), status=AgreementStatus.SIGNED,
                                       unsigned_pdf_sha256="0" * 64, final_pdf_sha256="1" * 64))
    db.session.flush()
    award = awards.start(a.neutral, a.case, consent=True)
    awards.update(a.neutral, award, complete_fields(reasons="", principal=Decimal("90000.00")))
    awards.finalise(a.neutral, award)
    awards.sign(a.neutral, award)
    assert award.status == AwardStatus.SERVED


def _closed_months_ago(a, months: int):
    record = proceedings.proceedings_for(a.case)
    record.pleadings_closed_on = clocks.add_months(today_ist(), -months)
    db.session.flush()


def test_no_award_after_the_mandate_lapsed_until_a_court_extends_it(db_session):
    """Closed 13 months ago: the twelve months ran out a month ago (s.29A(1)). Six months by consent
    (s.29A(3)) revive it; at 19 months they too have run, and only a court's three months (s.29A(4))
    let the award be signed."""
    a = awarding_case()
    accept(a)
    award = finalised(a)
    _closed_months_ago(a, 13)
    with pytest.raises(DomainError, match=r"the mandate has terminated \(s\.29A\(4\)\)"):
        awards.sign(a.neutral, award)
    proceedings.record_extension(a.neutral, a.case, 6, clocks.Basis.CONSENT, "Both parties' letters")
    assert proceedings.mandate_refusal(a.case, today_ist()) is None
    _closed_months_ago(a, 19)
    assert "terminated" in proceedings.mandate_refusal(a.case, today_ist())
    with pytest.raises(DomainError, match="at most 6 months"):
        proceedings.record_extension(a.neutral, a.case, 1, clocks.Basis.CONSENT, "")
    proceedings.record_extension(a.neutral, a.case, 3, clocks.Basis.COURT_ORDER,
                                 "High Court of Karnataka, AA 12/2027")
    awards.sign(a.neutral, award)
    assert a.case.status == CaseStatus.AWARDED


def test_an_arbitrator_who_becomes_ineligible_cannot_act_or_sign(db_session):
    """A Seventh Schedule tie to the claimant's counsel, declared mid-case: the check runs again, the
    mandate ends (s.12(5), s.14(1)(a)), may_act is refused and so is the signature."""
    from arbitration.tribunal import appointments as tribunal
    from arbitration.tribunal.models import AppointmentStatus
    from portal.audit import AuditEvent

    a = awarding_case()
    appointment = accept(a)
    award = finalised(a)
    assert tribunal.may_act(a.case, a.neutral)
    panel.declare(a.neutral, ground=Ground.SAME_LAW_FIRM, counterpart_name=a.advocate.name,
                  email=a.advocate.email)
    assert appointment.status == AppointmentStatus.REMOVED and not tribunal.may_act(a.case, a.neutral)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.arbitrator_ineligible"))
    assert "the creditor's advocate" in event.data["grounds"][0]
    with pytest.raises(DomainError, match="Seventh Schedule"):
        awards.sign(a.neutral, award)


def test_the_sign_button_answers_409_with_the_reason(client, auth, db_session, acting):
    a = awarding_case(pleadings_closed=False)
    finalised(a)
    acting.add(a.case.id)
    auth.login_as(a.neutral)
    refused = post(client, a.case, "/sign")
    assert refused.status_code == 409
    assert "The pleadings are still open" in refused.get_data(as_text=True)
    assert awards.award_for(a.case).status == AwardStatus.FINALISED

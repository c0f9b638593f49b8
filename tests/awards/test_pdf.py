"""The award's PDF states every s.31 element: the parties, the agreement, the seat and date, the reasons
(or, on agreed terms, the settlement it records), the sums, both interests and the costs."""
from decimal import Decimal

from arbitration.awards import making as awards
from arbitration.awards.models import PostInterestBasis
from portal.cases.intake import today_ist
from tests.awards.helpers import awarding_case, complete_fields
from tests.settlement.helpers import pdf_text


def test_award_pdf_states_the_s31_contents(db_session, tmp_path):
    a = awarding_case()
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields())
    text = pdf_text(awards.render(award), tmp_path)
    for expected in ("Claimant Pvt Ltd (Claimant)", "Debtor LLP (Respondent)", "Arbitral award",
                     f"Date of the award: {today_ist():%d %B %Y}", "Seat of arbitration (section 20): Pune",
                     "Clause 18 of the supply agreement", "1. The respondent accepted the goods",
                     "2. The claim is proved.", "1,18,000.00", "18.00% a year from 25 Feb 2026 to 23 Nov 2026",
                     "15,600.00", "25,000.00, borne by the respondent", "1,58,600.00",
                     "at 9.00% a year, being two per cent higher than the current rate of interest "
                     "prevalent on the date of the award (7.00%)", "section 34 within three months"):
        assert expected in text, expected


def test_directed_rate_no_pre_award_interest_and_consent_wording(db_session, tmp_path):
    a = awarding_case()
    award = awards.start(a.neutral, a.case)
    awards.update(a.neutral, award, complete_fields(
        post_basis=PostInterestBasis.DIRECTED, post_directed_rate=Decimal("12.00"),
        pre_rate=Decimal("0"), pre_amount=Decimal("0"), pre_from=None, pre_to=None))
    text = pdf_text(awards.render(award), tmp_path)
    assert "None awarded" in text and "at 12.00% a year, as this award directs" in text
    award.consent, award.reasons = True, ""
    text = pdf_text(awards.render(award), tmp_path)
    assert "Award on agreed terms (section 30)" in text and "Reasons" not in text
    assert "same status and effect as any other arbitral award" in text

"""MSMED s.15 / s.2(b) due dates and invoice due dates, worked by hand."""
from datetime import date

import pytest

from portal.cases.due_dates import DueDateError, invoice_due, msmed_acceptance, msmed_due, msmed_due_date
from portal.errors import DomainError

DELIVERED = date(2025, 1, 10)


def test_no_agreement_gives_fifteen_days_from_delivery():
    # 10 Jan + 15 days = 25 Jan; interest (the "appointed day") from 26 Jan.
    due = msmed_due(DELIVERED)
    assert due.acceptance == DELIVERED
    assert due.due == date(2025, 1, 25)
    assert due.interest_from == date(2025, 1, 26)
    assert "No written agreement" in due.reasons[1]


def test_agreed_period_within_45_days_is_kept():
    # 10 Jan + 30 days = 9 Feb.
    assert msmed_due_date(delivery=DELIVERED, agreed_credit_days=30) == date(2025, 2, 9)


def test_agreed_sixty_days_is_capped_at_45():
    # 10 Jan + 45 days = 24 Feb (21 days left in January, 24 in February); not 11 Mar (60 days).
    due = msmed_due(DELIVERED, agreed_credit_days=60)
    assert due.due == date(2025, 2, 24)
    assert "exceed the 45 days" in due.reasons[1]


def test_agreed_exactly_45_and_zero_days():
    assert msmed_due_date(delivery=DELIVERED, agreed_credit_days=45) == date(2025, 2, 24)
    assert msmed_due_date(delivery=DELIVERED, agreed_credit_days=0) == DELIVERED


def test_written_objection_within_15_days_moves_acceptance_to_its_removal():
    # Objection on 20 Jan (window ends 25 Jan), removed 5 Feb: acceptance 5 Feb, due 20 Feb.
    due = msmed_due(DELIVERED, objection_raised_on=date(2025, 1, 20),
                    objection_removed_on=date(2025, 2, 5))
    assert due.acceptance == date(2025, 2, 5)
    assert due.due == date(2025, 2, 20)
    # With a 30-day agreement the cap also runs from the removal: 5 Feb + 30 = 7 Mar.
    assert msmed_due_date(delivery=DELIVERED, agreed_credit_days=30,
                          objection_raised_on=date(2025, 1, 20),
                          objection_removed_on=date(2025, 2, 5)) == date(2025, 3, 7)


def test_objection_on_the_fifteenth_day_still_counts():
    acceptance, _ = msmed_acceptance(DELIVERED, date(2025, 1, 25), date(2025, 1, 30))
    assert acceptance == date(2025, 1, 30)


def test_late_objection_does_not_move_acceptance():
    acceptance, why = msmed_acceptance(DELIVERED, date(2025, 1, 26), date(2025, 3, 1))
    assert acceptance == DELIVERED
    assert "came after the 15 days" in why


def test_objection_not_yet_removed_means_nothing_is_due():
    with pytest.raises(DueDateError, match="not recorded as removed"):
        msmed_due(DELIVERED, objection_raised_on=date(2025, 1, 12))
    assert issubclass(DueDateError, DomainError)  # shown to the user as a refusal, not a crash


def test_bad_figures_are_refused():
    with pytest.raises(DueDateError, match="removed before it was raised"):
        msmed_due(DELIVERED, objection_raised_on=date(2025, 1, 20),
                  objection_removed_on=date(2025, 1, 19))
    with pytest.raises(DueDateError, match="negative"):
        msmed_due(DELIVERED, agreed_credit_days=-1)
    with pytest.raises(DueDateError, match="before the invoice date"):
        invoice_due(DELIVERED, stated_due_date=date(2025, 1, 9))


def test_non_msmed_due_date_is_as_invoiced():
    assert invoice_due(DELIVERED, stated_due_date=date(2025, 3, 31)).due == date(2025, 3, 31)
    # No cap outside the MSMED Act: 90 days credit is 90 days.
    assert invoice_due(DELIVERED, credit_days=90).due == date(2025, 4, 10)
    plain = invoice_due(DELIVERED)
    assert plain.due == DELIVERED and plain.interest_from == date(2025, 1, 11)

"""On a Hindi page the case pages say in Hindi what portal.cases builds for them: an invoice's
limitation (the summary and every step of "Why this limitation date"), the case list's sort options
and its ageing buckets. The English the reckoning and the list write stays as it is: the English
page shows it unchanged, and the CSV export (a download, kept) says its buckets in English."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.cases.limitation import EventKind, LimitationEvent, StepSentence, limitation_status, period_start
from portal.cases.limitation_words import limitation_step, limitation_summary
from portal.cases.listing import AGEING, SORTS
from portal.cases.models import Invoice
from portal.cases.states import CaseStatus
from portal.i18n import force_locale, gettext
from tests.factories import CaseFactory, CreditorFactory

DEVANAGARI = re.compile("[\u0900-\u097f]")


def _hindi(message: str) -> str:
    with force_locale("hi"):
        return gettext(message)


def _statuses():
    """Every sentence the reckoning says: a start from delivery (Art. 14), an acknowledgement before
    it, one that starts a fresh period, a part payment not acknowledged in writing, one dated after
    the day reckoned; and, reckoned years later, one made after the period expired."""
    start = period_start(date(2025, 3, 1), delivery_date=date(2025, 1, 15), credit_period_fixed=False)
    events = [LimitationEvent(date(2025, 1, 1), EventKind.ACKNOWLEDGEMENT, "a letter"),
              LimitationEvent(date(2025, 6, 1), EventKind.ACKNOWLEDGEMENT, "signed ledger confirmation"),
              LimitationEvent(date(2025, 7, 1), EventKind.PART_PAYMENT, "₹5,000.00", written=False),
              LimitationEvent(date(2026, 5, 1), EventKind.PART_PAYMENT)]
    in_time = limitation_status(start, events, date(2026, 1, 1))
    barred = limitation_status(date(2025, 3, 1), [LimitationEvent(date(2028, 6, 1), EventKind.ACKNOWLEDGEMENT)],
                               date(2029, 1, 1))
    near = limitation_status(date(2025, 3, 1), [], date(2028, 2, 1))
    return in_time, barred, near


def test_the_limitation_is_said_in_hindi_and_the_reckoning_keeps_its_english(app):
    in_time, barred, near = _statuses()
    assert {s.sentence for s in in_time.steps + barred.steps} == set(StepSentence.ALL)
    english = [(s.text for s in st.steps) for st in (in_time, barred, near)]
    english = [list(texts) + [st.summary] for texts, st in zip(english, (in_time, barred, near), strict=True)]
    with app.test_request_context():
        for status, record in zip((in_time, barred, near), english, strict=True):
            assert [limitation_step(s) for s in status.steps] + [limitation_summary(status)] == record
        with force_locale("hi"):
            for status, record in zip((in_time, barred, near), english, strict=True):
                said = [limitation_step(s) for s in status.steps] + [limitation_summary(status)]
                for hindi, words in zip(said, record, strict=True):
                    assert DEVANAGARI.search(hindi) and hindi != words, words
                    assert "%(" not in hindi
            steps = [limitation_step(s) for s in in_time.steps]
            assert "अनुच्छेद 14" in steps[0] and "15 जनवरी 2025" in steps[0]
            assert "signed ledger confirmation" in steps[2] and "धारा 18" in steps[2]
            assert "धारा 19" in steps[3]
            assert "1 जनवरी 2029" not in limitation_summary(barred) and "2 मार्च 2028" in limitation_summary(barred)
    # The record is what the reckoning wrote, in English, whatever a page said.
    assert [s.text for s in in_time.steps][0].startswith("Art. 14: No credit period was fixed")
    assert in_time.summary.startswith("In time until 01 Jun 2028: ")
    assert barred.summary == ("Time-barred since 02 Mar 2028: it can go into a notice only with a recorded "
                              "justification.")
    assert near.summary == "In time until 01 Mar 2028: 29 days left (near the deadline)."


@pytest.fixture
def case(db_session):
    creditor = CreditorFactory()
    overdue = date.today() - timedelta(days=120)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, invoices=[Invoice(
        number="INV-7", invoice_date=overdue - timedelta(days=30), due_date=overdue,
        taxable_value=Decimal("100000.00"), gst_amount=Decimal("18000.00"), total=Decimal("118000.00"))])
    db_session.commit()
    return creditor, case


def test_the_case_list_and_page_speak_hindi_and_the_csv_stays_english(client, auth, case):
    creditor, case = case
    auth.login_as(creditor)
    hindi = client.get("/cases/?lang=hi").get_data(as_text=True)
    for label in (*SORTS.values(), AGEING["90_plus"]):
        assert _hindi(label) in hindi and DEVANAGARI.search(_hindi(label)), label
    assert "Newest first" not in hindi and "Over 90 days overdue" not in hindi
    assert "Over 90 days overdue" in client.get("/cases/?format=csv").get_data(as_text=True)

    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    why = page.split("</summary><ol>", 1)[1].split("</ol>", 1)[0]
    assert "अनुच्छेद 14" in why and "Art. 14" not in why
    assert "In time until" not in page and "समय-सीमा के भीतर" in page

    english = client.get("/cases/?lang=en").get_data(as_text=True)
    assert all(label in english for label in SORTS.values()) and "Over 90 days overdue" in english
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Art. 14: No credit period was fixed" in page and "In time until" in page


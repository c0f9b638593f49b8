"""The words collections' services write, on a Hindi staff page (portal.receivables.page_words): a
priority's reasons, the ageing buckets and the funnels' steps, a reminder's detail, how a promise was
made, a refusal of the books' file. The page says them in Hindi; the English page reads as before;
what is stored (the rolled-up reasons, the reminder's detail, the promise) and what is downloaded
(the portfolio's CSV) stays English."""
from __future__ import annotations

import html
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.i18n import force_locale, gettext, ngettext
from portal.receivables import page_words, promises
from portal.receivables.models import DebtorPosition, Promise, Reminder
from portal.receivables.priority import Facts, score
from portal.receivables.tasks import run_once
from tests.conftest import csrf_for
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = date.today()   # the pages reckon from today (IST)
DEVANAGARI = re.compile("[\u0900-\u097f]")


def _hi(message: str, **values) -> str:
    with force_locale("hi"):
        return gettext(message, **values)


def _hi_n(singular: str, plural: str, n: int, **values) -> str:
    with force_locale("hi"):
        return ngettext(singular, plural, n, **values)


def _text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return html.unescape(resp.get_data(as_text=True))


@pytest.fixture
def world(db_session):
    """A debtor owing ₹1,18,000.00, 40 days past the due date, whose waiting reminders a promise set
    aside."""
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("H-1", TODAY - timedelta(days=40)))
    run_once(TODAY, queue_sending=False)
    promises.make(creditor, case.invoices[0], "50000", TODAY + timedelta(days=5),
                  made_how="staff after a call", today=TODAY)
    db_session.commit()
    return creditor, case


def test_the_priority_reasons_on_today_and_the_case_page(client, auth, world, db_session):
    creditor, case = world
    auth.login_as(creditor)
    amount = _hi("%(amount)s outstanding (%(points)s)", amount="₹1,18,000.00", points="+15")
    overdue = _hi_n("oldest invoice %(num)d day overdue (%(points)s)",
                    "oldest invoice %(num)d days overdue (%(points)s)", 40, points="+15")
    assert DEVANAGARI.search(amount) and DEVANAGARI.search(overdue)

    today = _text(client.get("/collections/today?lang=hi"))
    assert f"{amount}; {overdue}" in today
    debtor = _text(client.get(f"/collections/debtors/{case.debtor_party_id}"))
    assert amount in debtor and overdue in debtor
    assert amount in _text(client.get(f"/cases/{case.reference}"))

    english = _text(client.get("/collections/today?lang=en"))
    assert "₹1,18,000.00 outstanding (+15); oldest invoice 40 days overdue (+15)" in english
    assert amount not in english
    assert "₹1,18,000.00 outstanding (+15)" in _text(client.get(f"/cases/{case.reference}"))

    stored = db_session.scalar(select(DebtorPosition.reasons).where(
        DebtorPosition.party_id == case.debtor_party_id))
    assert json.loads(stored) == ["₹1,18,000.00 outstanding (+15)", "oldest invoice 40 days overdue (+15)"]


def test_a_reminders_detail_and_how_a_promise_was_made_on_the_debtor_page(client, auth, world, db_session):
    creditor, case = world
    auth.login_as(creditor)
    set_aside, by_staff = _hi("Set aside: a promise to pay."), _hi("staff after a call")
    assert DEVANAGARI.search(set_aside) and DEVANAGARI.search(by_staff)

    hindi = _text(client.get(f"/collections/debtors/{case.debtor_party_id}?lang=hi"))
    assert set_aside in hindi and by_staff in hindi
    english = _text(client.get(f"/collections/debtors/{case.debtor_party_id}?lang=en"))
    assert "Set aside: a promise to pay." in english and "staff after a call" in english

    details = db_session.scalars(select(Reminder.detail).where(Reminder.party_id == case.debtor_party_id)).all()
    assert details and set(details) == {"Set aside: a promise to pay."}
    assert db_session.scalar(select(Promise.made_how).where(Promise.case_id == case.id)) == "staff after a call"


def test_the_portfolios_buckets_steps_and_months(client, auth, world):
    creditor, _ = world
    auth.login_as(creditor)
    words = [_hi(w) for w in ("Not yet due", "31–60 days", "Over 90 days", "Reminded", "Opened the link",
                              "Settled or awarded")]
    assert all(DEVANAGARI.search(w) for w in words)

    hindi = _text(client.get("/collections/portfolio?lang=hi"))
    assert all(w in hindi for w in words)
    assert f">{_hi('31–60 days')}</text>" in hindi          # the chart's bar says it too
    assert TODAY.strftime("%b %Y") not in hindi             # the months in Hindi

    english = _text(client.get("/collections/portfolio?lang=en"))
    assert ">31–60 days</text>" in english and "Settled or awarded" in english
    assert TODAY.strftime("%b %Y") in english
    # The download keeps the record's English, whatever the page speaks.
    client.get("/collections/portfolio?lang=hi")
    assert "Not yet due" in client.get("/collections/portfolio.csv?figure=ageing").get_data(as_text=True)
    assert "Opened the link" in client.get("/collections/portfolio.csv?figure=funnel").get_data(as_text=True)


def test_a_refusal_of_the_books_file(client, auth, db_session):
    creditor, _ = creditor_with_reminders()
    db_session.commit()
    auth.login_as(creditor)
    refused = _hi("This is not a %(name)s export: no column “%(column)s”.",
                  name=_hi("Zoho Books (Invoices export, CSV)"), column="Invoice Number")
    assert DEVANAGARI.search(refused)

    def upload(lang: str) -> str:
        client.get(f"/collections/books?lang={lang}")
        resp = client.post("/collections/books", data={
            "csrf_token": csrf_for(client), "source": "zoho",
            "file": (io.BytesIO(b"Customer,Amount\nA,1\n"), "invoices.csv")}, content_type="multipart/form-data")
        assert resp.status_code == 422
        return html.unescape(resp.get_data(as_text=True))

    assert refused in upload("hi")
    assert "This is not a Zoho Books (Invoices export, CSV) export: no column “Invoice Number”." in upload("en")


def test_every_rules_reason_is_said_in_hindi(app):
    """Each reason the rules write is recognised and said again; the English is kept as it is."""
    facts = Facts(outstanding=Decimal("1500000.00"), days_overdue=120, promises_broken=2,
                  promises_kept=0, reminders_sent=3, responded=False, msmed_interest_accruing=True,
                  limitation_ends=TODAY + timedelta(days=30), today=TODAY, at_notice_level=True)
    kept = Facts(outstanding=Decimal("10.00"), days_overdue=1, promises_broken=0,
                 promises_kept=1, reminders_sent=1, responded=True, msmed_interest_accruing=False,
                 limitation_ends=None, today=TODAY)
    reasons = score(facts).reasons + score(kept).reasons
    known = set()
    for reason in reasons:             # each is one this module knows, and every rule gives one
        scored = page_words._POINTS.match(reason)
        assert scored, reason
        known |= {i for i, (p, _) in enumerate(page_words._REASONS) if p.match(scored["reason"])}
    assert known == set(range(len(page_words._REASONS)))
    overridden = score(facts, override=500, override_reason="the owner asked").reasons

    with app.test_request_context(), force_locale("hi"):
        said = page_words.reasons_said(reasons + overridden)
        assert all(DEVANAGARI.search(r) for r in said), said
        when = page_words.reminder_detail(f"Outside the contact rules; next attempt "
                                          f"{TODAY:%d %b %Y} 08:00 IST")
        assert DEVANAGARI.search(when) and "08:00 IST" in when
        assert page_words.reminder_detail("SMTP 550: mailbox unavailable") == "SMTP 550: mailbox unavailable"
        assert DEVANAGARI.search(page_words.promise_how("tally import"))
    with app.test_request_context(), force_locale("en"):
        assert page_words.reasons_said(reasons) == reasons
        assert page_words.promise_how("tally import") == "tally import"

"""The debtor's pages in Hindi: the language of the notice served on the debtor opens them in Hindi,
the switch (plain links, no JavaScript) changes it, and the personal link remembers the choice on
any device; a Hindi page leaves no English sentence behind (names, references and codes aside)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from notices.models import NoticeLanguage
from portal.database import commit
from portal.debtor import links
from portal.debtor.models import DebtorLink
from portal.extensions import db
from tests.debtor.claims import served_claim
from tests.debtor.guest import login_guest, signed_notice_record

# Three or more English words in a row: a sentence or a label someone forgot to translate.
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z'’]+(?:[ ,:;()-]+[A-Za-z][a-z'’]+){2,}")


class _Text(HTMLParser):
    """The visible text of a page, leaving out <head>, scripts and the month-by-month computation
    (its notes come from portal.cases.amounts in English: not yet translated)."""

    SKIP = {"head", "script", "style"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts, self.stack = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "input", "meta", "link", "img", "hr"}:
            return
        skip = tag in self.SKIP or dict(attrs).get("id") == "computation"
        self.stack.append(skip)
        self.depth += skip

    def handle_endtag(self, tag):
        if tag in {"br", "input", "meta", "link", "img", "hr"} or not self.stack:
            return
        self.depth -= self.stack.pop()

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def english_left(html: str, *known: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for name in (*known, "Dev outbox"):      # names stay as written; the outbox is development's only                       # party names, people's names: they stay as written
        text = text.replace(name, " ")
    return ENGLISH_RUN.findall(text)


def hindi_claim():
    _creditor, case = served_claim()
    notice = signed_notice_record(case)
    notice.language = NoticeLanguage.HINDI
    commit()
    return case, notice


def test_a_hindi_notice_opens_the_link_and_the_case_page_in_hindi(client, db_session, outbox):
    case, _notice = hindi_claim()
    token, _ = links.issue(case.id, _notice.id, None)[1], None
    commit()
    gate = client.get(f"/n/{token}")
    html = gate.get_data(as_text=True)
    assert gate.status_code == 200 and '<html lang="hi">' in html
    assert "मुझे कोड भेजें" in html and "क़ानूनी नोटिस" in html
    assert english_left(html, case.creditor.legal_name, case.debtor.legal_name) == []

    login_guest(client, case, outbox, token=token)
    code_mail = [m for m in outbox() if "सुलह कोड" in str(m["Subject"])][-1]
    body = code_mail.get_body(("plain",)).get_content()
    assert f"क़ानूनी नोटिस {case.reference} खोलने के लिए आपका सुलह कोड" in body and "Your Sulah" not in body
    page = client.get(f"/d/{case.reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="hi">' in html
    assert "लेनदार के अनुसार आज देय राशि" in html and "दावे पर आपत्ति करें" in html
    assert "English" in html and f"/d/{case.reference}?lang=en" in html     # the switch back
    assert english_left(html, case.creditor.legal_name, case.debtor.legal_name) == []

    listing = client.get("/d/")
    assert listing.status_code == 200 and '<html lang="hi">' in listing.get_data(as_text=True)
    assert english_left(listing.get_data(as_text=True), case.creditor.legal_name, case.debtor.legal_name) == []

    for path in ("dispute", "admit", "plan", "call-back", "account"):
        form = client.get(f"/d/{case.reference}/{path}")
        html = form.get_data(as_text=True)
        assert form.status_code == 200 and '<html lang="hi">' in html, path
        assert english_left(html, case.creditor.legal_name, case.debtor.legal_name) == [], path


def test_the_switch_changes_the_language_and_the_link_remembers_it(app, client, db_session, outbox):
    _creditor, case = served_claim()
    notice = signed_notice_record(case)
    link, token = links.issue(case.id, notice.id, None)
    commit()
    assert '<html lang="en">' in client.get(f"/n/{token}").get_data(as_text=True)

    switched = client.get(f"/n/{token}?lang=hi")
    assert switched.status_code == 200 and "मुझे कोड भेजें" in switched.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DebtorLink, link.id).language == "hi"

    # Another phone, no cookie: the link opens in the language chosen on it.
    other = app.test_client()
    assert "मुझे कोड भेजें" in other.get(f"/n/{token}").get_data(as_text=True)
    # A nonsense language changes nothing.
    assert "मुझे कोड भेजें" in other.get(f"/n/{token}?lang=xx").get_data(as_text=True)


def test_hindi_form_errors_and_labels(client, db_session, outbox):
    case, notice = hindi_claim()
    login_guest(client, case, outbox)
    from tests.debtor.claims import post_form

    refused = post_form(client, f"/d/{case.reference}/dispute", {"explanation": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "आपत्ति का कारण चुनें।" in html and "कृपया चिह्नित जगहों को ठीक करें।" in html
    assert "माल या सेवाएँ नहीं मिलीं" in html


def test_a_wrong_code_is_refused_in_hindi(client, db_session, outbox):
    from tests.conftest import csrf_from

    case, notice = hindi_claim()
    _link, token = links.issue(case.id, notice.id, None)
    commit()
    page = client.get(f"/n/{token}")
    client.post(f"/n/{token}/code", data={"csrf_token": csrf_from(page), "destination": "0"})
    page = client.get(f"/n/{token}")
    refused = client.post(f"/n/{token}/verify", data={"csrf_token": csrf_from(page), "code": "000000"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "यह कोड सही नहीं है। 4 और कोशिश बाक़ी।" in html


def test_the_payment_page_error_page_and_verify_page_speak_the_debtors_hindi(client, db_session, outbox):
    case, notice = hindi_claim()
    login_guest(client, case, outbox)
    names = (case.creditor.legal_name, case.debtor.legal_name)

    pay = client.get(f"/d/{case.reference}/pay")
    html = pay.get_data(as_text=True)
    assert pay.status_code == 200 and '<html lang="hi">' in html
    assert f"{case.creditor.legal_name} को भुगतान: दावा {case.reference}" in html and "देय राशि" in html
    assert english_left(html, *names) == []

    missing = client.get(f"/d/{case.reference}/no-such-page")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "पेज नहीं मिला" in html and "सुलह पर वापस जाएँ" in html
    assert english_left(html) == []

    verify = client.get(f"/verify/{notice.verification_code}")
    html = verify.get_data(as_text=True)
    assert verify.status_code == 200 and "क़ानूनी नोटिस का सत्यापन" in html and "अपनी प्रति जाँचें" in html
    assert english_left(html, *names, notice.advocate.name if notice.advocate else "") == []


def test_the_computation_lines_are_said_in_hindi_from_their_figures(app):
    """A month's line and a payment's, as a Hindi page shows them; English keeps the computation's
    own sentence (the record, with the rate's source)."""
    from datetime import date
    from decimal import Decimal

    from portal.cases.computation_words import line_sentence
    from portal.cases.interest import ComputationLine, LineKind
    from portal.i18n import force_locale

    month = ComputationLine(
        invoice_number="INV-1", kind=LineKind.MONTH, period_from=date(2026, 3, 1), period_to=date(2026, 3, 31),
        days=31, month_no=1, days_in_month=31, annual_rate=Decimal("19.50"), bank_rate=Decimal("6.50"),
        bank_rate_on=date(2026, 3, 1), interest_on=Decimal("100000"), opening_balance=Decimal("100000"),
        interest=Decimal("1625.00"), payment_applied=Decimal("10000"), to_interest=Decimal("1625.00"),
        to_principal=Decimal("8375.00"), closing_balance=Decimal("91625.00"),
        description="Month 1, 01 Mar 2026 to 31 Mar 2026: Bank Rate 6.50% (in force on 01 Mar 2026) × 3.")
    with app.test_request_context():
        with force_locale("hi"):
            hindi = line_sentence(month)
        english = line_sentence(month)
    assert hindi.startswith("महीना 1, 1 मार्च 2026 से 31 मार्च 2026: बैंक दर 6.50% × 3 = 19.50% वार्षिक")
    assert "ब्याज ₹1,625.00" in hindi and "₹10,000.00 का भुगतान मिला" in hindi
    assert english_left(hindi) == []
    assert english == month.description


def test_another_browser_stays_english_after_a_debtor_chose_hindi(app, client, db_session, outbox):
    """The choice is the debtor's: a page in someone else's browser (the creditor's log-in) is English."""
    case, _notice = hindi_claim()
    login_guest(client, case, outbox)
    assert '<html lang="hi">' in client.get(f"/d/{case.reference}").get_data(as_text=True)
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page

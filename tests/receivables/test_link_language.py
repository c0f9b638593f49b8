"""The debtor's reminder-link pages in Hindi: in the debtor's language from the creditor's settings,
with a switch to the other language on every page that the browser remembers; labels, refusals and
the confirmation after an action in the page's language."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from portal.cases.intake import today_ist
from portal.receivables import links
from portal.receivables.models import Language
from portal.receivables.policies import setting_for
from tests.conftest import csrf_for
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice
from tests.receivables.test_reminder_link import open_link

TODAY = today_ist()


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


@pytest.fixture
def hindi(db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("H-1", TODAY - timedelta(days=3), "25000.00"))
    setting_for(creditor.org_id, case.debtor_party_id).language = Language.HINDI
    _, token = links.issue(creditor.org_id, case.debtor_party_id)
    return creditor, case, token


def test_the_gate_follows_the_debtors_language_and_offers_english(client, hindi):
    creditor, _, token = hindi
    page = text(client.get(f"/r/{token}"))
    assert '<html lang="hi">' in page
    assert f"<h1>{creditor.organization.legal_name} के साथ आपका खाता विवरण</h1>" in page
    assert ">मुझे कोड भेजें</button>" in page and ">6 अंकों का कोड</label>" in page
    assert "ई-मेल: a•••@debtor.example.in" in page
    assert re.search(rf'<a href="/r/{token}\?lang=en" lang="en" hreflang="en">English</a>', page)
    assert '<span aria-current="true" lang="hi">हिन्दी</span>' in page   # the header's switch


def test_the_switch_is_remembered_by_the_browser(client, hindi):
    creditor, _, token = hindi
    assert "<h1>Your statement of account with" in text(client.get(f"/r/{token}?lang=en"))
    assert "<h1>Your statement of account with" in text(client.get(f"/r/{token}"))
    assert "के साथ आपका खाता विवरण</h1>" in text(client.get(f"/r/{token}?lang=hi"))
    assert "के साथ आपका खाता विवरण</h1>" in text(client.get(f"/r/{token}?lang=xx"))  # unknown: unchanged


def test_the_statement_and_invoice_pages_in_hindi(client, hindi, outbox):
    creditor, case, token = hindi
    open_link(client, token, outbox)
    home = text(client.get(f"/r/{token}"))
    assert f"{case.debtor.legal_name}: {creditor.organization.legal_name} के साथ आपका खाता" in home
    assert "कुल बकाया: <strong>₹25,000.00</strong> (ब्याज के बिना)।" in home
    assert '<th scope="col">देय तिथि</th>' in home and (TODAY - timedelta(days=3)).strftime("%d.%m.%Y") in home
    assert ">भुगतान, वादा या आपत्ति</a>" in home
    invoice_id = case.invoices[0].id
    page = text(client.get(f"/r/{token}/invoice?id={invoice_id}"))
    assert f"{creditor.organization.legal_name} का बिल H-1" in page
    for words in ("मैंने भुगतान कर दिया है", ">आपके द्वारा भुगतान की गई राशि (₹)</label>",
                  ">आप कितनी राशि चुकाएँगे (₹)</label>", ">UPI या बैंक लेन-देन संदर्भ (UTR)</label>",
                  ">इस बिल में क्या ग़लत है?</label>", ">इस बकाया राशि की पुष्टि करें</button>"):
        assert words in page, words
    # The switch keeps the invoice.
    assert f'href="/r/{token}/invoice?id={invoice_id}&amp;lang=en"' in client.get(
        f"/r/{token}/invoice?id={invoice_id}").get_data(as_text=True)


def test_refusals_and_confirmations_in_hindi(client, hindi, outbox):
    _, case, token = hindi
    open_link(client, token, outbox)
    url = f"/r/{token}/invoices/{case.invoices[0].id}/promise"
    refused = client.post(url, data={"csrf_token": csrf_for(client), "promise-amount": "1000",
                                     "promise-promised_for": (TODAY - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422 and "आज या आगे की कोई तारीख़ चुनें।" in text(refused)
    missing = client.post(url, data={"csrf_token": csrf_for(client), "promise-amount": ""})
    assert missing.status_code == 422 and "राशि लिखें।" in text(missing) and "तारीख़ लिखें।" in text(missing)
    done = client.post(url, data={"csrf_token": csrf_for(client), "promise-amount": "1000",
                                  "promise-promised_for": (TODAY + timedelta(days=5)).isoformat()},
                       follow_redirects=True)
    assert "धन्यवाद: आपकी दी गई तारीख़ तक इस बिल के अनुस्मारक नहीं भेजे जाएँगे।" in text(done)
    assert "वादा किया गया।" in text(done)


def test_english_stays_the_default(client, hindi, db_session):
    creditor, case, token = hindi
    setting_for(creditor.org_id, case.debtor_party_id).language = Language.ENGLISH
    page = text(client.get(f"/r/{token}"))
    assert '<html lang="en">' in page and ">Send me the code</button>" in page


@pytest.mark.parametrize(("lang", "words"), [
    ("hi", "अपना खाता विवरण खोलने के लिए आपका सुलह कोड"),
    ("en", "Your Sulah code to open your statement of account is"),
])
def test_the_code_for_the_statement_goes_in_the_page_s_language(client, hindi, outbox, lang, words):
    _, _, token = hindi
    page = client.get(f"/r/{token}?lang={lang}")
    sent = client.post(f"/r/{token}/code", data={"csrf_token": csrf_for(client), "destination": "0"})
    assert page.status_code == 200 and sent.status_code == 302
    [mail] = [m for m in outbox() if "accounts@debtor.example.in" in m["To"]]
    assert words in mail.get_body(("plain",)).get_content()
    assert ("सुलह कोड" in mail["Subject"]) == (lang == "hi")

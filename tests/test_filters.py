"""Money is shown in Indian digit grouping everywhere (pages, PDFs); the site icon is served."""
from decimal import Decimal

import pytest

from portal.web.filters import amount, audit_words, inr


@pytest.mark.parametrize(("value", "grouped"), [
    (Decimal("0"), "0.00"), (Decimal("999.5"), "999.50"), (Decimal("1000"), "1,000.00"),
    (Decimal("340000"), "3,40,000.00"), (Decimal("158600"), "1,58,600.00"),
    (Decimal("12345678.905"), "1,23,45,678.91"), (Decimal("-100000"), "-1,00,000.00"),
])
def test_amounts_use_lakh_and_crore_grouping(value, grouped):
    assert amount(value) == grouped
    assert inr(value) == (f"-₹{grouped[1:]}" if grouped.startswith("-") else f"₹{grouped}")


def test_nothing_for_no_amount():
    assert amount(None) == "" and inr(None) == ""


def test_no_template_formats_money_with_western_grouping():
    """'{:,.2f}' groups in thousands (340,000.00); templates use |amount or |inr instead."""
    from portal.config import PROJECT_ROOT

    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "templates").rglob("*.*")
                 if p.suffix in {".html", ".txt"} and "{:," in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_favicon_is_linked_and_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    icon.close()
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_hindi_pages_group_the_same_way():
    from portal.formatting import rupees

    assert rupees(Decimal("340000"), "hi") == "₹3,40,000.00"


def test_no_python_message_formats_money_with_western_grouping():
    """Messages (refusals, flashes) name amounts through portal.formatting.rupees, never '{x:,.2f}'."""
    from portal.config import PROJECT_ROOT

    offenders = [str(p.relative_to(PROJECT_ROOT)) for package in ("portal", "notices", "arbitration", "evidence")
                 for p in (PROJECT_ROOT / package).rglob("*.py") if ":,.2f}" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.parametrize(("stored", "shown"), [
    ("msmed_invoice", "MSMED invoice (delayed payment to a micro or small enterprise)"), ("neft", "NEFT"),
    ("notice_signed", "notice signed"), ("email", "e-mail"), ("odr_invite", "invitation to online dispute resolution"),
])
def test_stored_values_read_as_words(stored, shown):
    from portal.web.labels import label

    assert label(stored) == shown


def test_delivery_events_read_as_sentences():
    from portal.web.labels import event_sentence

    assert event_sentence("accepted", "email", "a@b.example") == \
        "Accepted by the receiving mail server for a@b.example."
    assert event_sentence("queued", "sms", "+919800000000") == "Waiting to be sent by SMS to +919800000000."
    assert event_sentence("viewed") == "The debtor opened the notice through the personal link."


def test_audit_actions_read_as_words(app):
    """The audit trail shows what happened, not the stored action name: a transition's own label
    from its machine's table, else the action's words."""
    assert audit_words("case.sign_notice") == "Case: Approve and sign"
    assert audit_words("delivery.proof_issued") == "Delivery: proof issued"
    assert audit_words("case.created") == "Case: created"
    assert "_" not in audit_words("notice.version_drafted")


def test_delivery_events_and_audit_actions_read_in_a_hindi_pages_language(app):
    """On a Hindi page (any locale in force) the delivery timeline and the audit trail speak Hindi:
    the event's sentence, the machine's noun and the transition's label are catalogue messages; the
    address and the acronyms stay as they are."""
    from portal.i18n import force_locale
    from portal.web.labels import event_sentence

    def devanagari(text: str) -> bool:
        return any("\u0900" <= ch <= "\u097f" for ch in text)

    with app.test_request_context("/"), force_locale("hi"):
        queued = event_sentence("queued", "sms", "+919800000000")
        posted = event_sentence("dispatched", "post")
        case = audit_words("case.sign_notice")
    assert "+919800000000" in queued and "SMS" in queued and devanagari(queued) and "Waiting" not in queued
    assert devanagari(posted) and "Posted" not in posted
    assert devanagari(case) and "Approve" not in case and ":" in case
    with app.test_request_context("/"), force_locale("en"):
        assert event_sentence("dispatched", "post", "Sharma Traders, Pune") == "Posted to Sharma Traders, Pune."
        assert audit_words("case.sign_notice") == "Case: Approve and sign"

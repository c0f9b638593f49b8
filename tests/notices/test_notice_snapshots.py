"""Every notice Sulah drafts, in each language it has (English and Hindi; the s.21 request in
English), as text: the rendered document (letterhead, addressee, body, computation, signature
block, verification line) compared with tests/snapshots/pdf/notice_<kind>.<lang>.txt, so a wording
change shows in review. SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from notices.drafting.rendering import BODY, html_to_text, render_notice_html
from notices.models import Notice, NoticeKind, NoticeLanguage
from portal.cases.models import ClaimType, ContactKind, Invoice, Party, PartyContact
from portal.config import PROJECT_ROOT
from portal.rates.seed import seed_bank_rates
from tests.factories import CaseFactory, OrganizationFactory

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "pdf"
ISSUED = date(2026, 3, 20)
DRAFTED = [(kind, lang) for kind in NoticeKind for lang in NoticeLanguage
           if (PROJECT_ROOT / "templates" / BODY.format(kind=kind.value, lang=lang.value)).exists()]


def same_as_stored(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def ctx(app, db_session):
    seed_bank_rates()
    with app.test_request_context():
        yield


def _case(kind: NoticeKind):
    claim = {NoticeKind.MSMED_DEMAND: ClaimType.MSMED_INVOICE, NoticeKind.CHEQUE_DISHONOUR:
             ClaimType.CHEQUE_DISHONOUR}.get(kind, ClaimType.COMMERCIAL_INVOICE)
    creditor = OrganizationFactory(legal_name="Kaveri Looms Private Limited", udyam_number="UDYAM-KR-03-0012345",
                                   udyam_registered_on=date(2024, 4, 1), address="14 Mill Road, Erode 638001")
    debtor = Party(legal_name="Narmada Garments LLP", postal_address="22 Residency Road, Bengaluru 560025",
                   created_by_org_id=creditor.id, contacts=[
                       PartyContact(kind=ContactKind.EMAIL, value="accounts@narmada.example", source="test")])
    return CaseFactory(reference="SUL-2026-000042", creditor=creditor, debtor=debtor, claim_type=claim,
                       invoices=[Invoice(number="KL/118", invoice_date=date(2026, 1, 10),
                                         acceptance_date=date(2026, 1, 12), due_date=date(2026, 1, 27),
                                         taxable_value=Decimal("300000.00"), gst_amount=Decimal("40000.00"),
                                         total=Decimal("340000.00"))])


def test_every_drafted_notice_has_english_and_most_have_hindi():
    kinds = {kind for kind, _lang in DRAFTED}
    assert kinds == set(NoticeKind)  # (an award is a served document of its own, not a notice)
    assert {kind for kind, lang in DRAFTED if lang == NoticeLanguage.HINDI} == \
        {NoticeKind.MSMED_DEMAND, NoticeKind.COMMERCIAL_DEMAND, NoticeKind.CHEQUE_DISHONOUR}


@pytest.mark.parametrize(("kind", "lang"), DRAFTED, ids=[f"{k.value}-{lang.value}" for k, lang in DRAFTED])
def test_the_notice_matches_its_snapshot(kind, lang):
    case = _case(kind)
    notice = Notice(case=case, kind=kind, language=lang, pay_within_days=15, verification_code="ABCD234567")
    if kind == NoticeKind.CHEQUE_DISHONOUR:
        notice.cheque_number, notice.cheque_bank, notice.cheque_amount = "004512", "State Bank of India", \
            Decimal("340000.00")
        notice.cheque_date, notice.cheque_presented_on = date(2026, 2, 20), date(2026, 2, 25)
        notice.dishonour_memo_date, notice.memo_received_on = date(2026, 3, 2), date(2026, 3, 4)
        notice.dishonour_reason = "Funds insufficient"
    text = html_to_text(render_notice_html(notice, case, ISSUED).html)
    text = text.replace(f"/N{notice.id}", "/N1")
    same_as_stored(f"notice_{kind.value}.{lang.value}.txt", text)
    assert "3,40,000.00" in text and "340,000.00" not in text      # Indian grouping
    if lang == NoticeLanguage.HINDI:   # Hindi dates and method notes, no English sentence left behind
        words = text.replace(case.creditor.legal_name, "").replace(case.debtor.legal_name, "")
        assert re.search(r"\b[A-Za-z][a-z]+ [a-z]+ [a-z]+\b", words) is None
        assert re.search(r"\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}", words) is None


def test_the_bank_rate_behind_a_month_is_printed_where_it_starts_and_where_it_changes():
    """A floating-rate computation across three Bank Rates (6.25% from 9 Apr 2025, 5.75% from 6 Jun,
    5.50% from 5 Dec): each Bank Rate is printed once, on the first month it applies to, while every
    month keeps its rate a year; the note under the method says so, in both languages."""
    case = _case(NoticeKind.MSMED_DEMAND)
    invoice = case.invoices[0]
    invoice.invoice_date, invoice.acceptance_date, invoice.due_date = \
        date(2025, 5, 1), date(2025, 5, 3), date(2025, 5, 20)
    for lang, basis, shown in (
            (NoticeLanguage.ENGLISH, r"^Bank Rate (\d\.\d\d)%", "on the first month and on each"),
            (NoticeLanguage.HINDI, r"^बैंक दर (\d\.\d\d)%", "पहले महीने पर और हर उस महीने")):
        notice = Notice(case=case, kind=NoticeKind.MSMED_DEMAND, language=lang, pay_within_days=15,
                        verification_code="ABCD234567")
        text = html_to_text(render_notice_html(notice, case, ISSUED).html)
        assert re.findall(basis, text, flags=re.MULTILINE) == ["6.25", "5.75", "5.50"]
        months = re.findall(r"^(18\.75|17\.25|16\.50)%$", text, flags=re.MULTILINE)
        assert set(months) == {"18.75", "17.25", "16.50"} and len(months) > 3  # each month has its rate
        assert shown in text

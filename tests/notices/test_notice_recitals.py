"""A notice says only what the facts support (MSMED s.2(b) objections, the modes of service the
debtor's addresses allow, Commercial Courts Act s.12A only at the specified value, the Bank Rate
and its effective date for each month, the MSME ODR portal route for MSMED claims)."""
from datetime import date
from decimal import Decimal

import pytest

from notices.drafting.rendering import SPECIFIED_VALUE, render_notice_html
from notices.drafting.wording import WORDING, service_modes
from notices.models import Notice, NoticeKind, NoticeLanguage
from portal.cases.models import ClaimType, ContactKind, Invoice, PartyContact
from portal.rates.seed import seed_bank_rates
from tests.factories import CaseFactory, OrganizationFactory

ISSUED = date(2026, 3, 20)


def _invoice(number, total, **kw):
    base = {"invoice_date": date(2026, 1, 10), "acceptance_date": date(2026, 1, 12),
            "due_date": date(2026, 1, 27), "taxable_value": total, "gst_amount": Decimal("0.00"),
            "total": total}
    return Invoice(number=number, **(base | kw))


def _text(case, kind, language="en"):
    notice = Notice(case=case, kind=kind, language=NoticeLanguage(language), pay_within_days=15)
    return render_notice_html(notice, case, ISSUED).text


@pytest.fixture(autouse=True)
def ctx(app, db_session):
    seed_bank_rates()
    with app.test_request_context():
        yield


@pytest.fixture
def msmed_org(db_session):
    return OrganizationFactory(udyam_number="UDYAM-KR-03-0012345",
                               udyam_registered_on=date(2024, 4, 1))


def _msmed_case(org, invoices):
    return CaseFactory(creditor=org, claim_type=ClaimType.MSMED_INVOICE, invoices=invoices)


def test_no_objection_recorded_states_acceptance_without_objection(msmed_org):
    case = _msmed_case(msmed_org, [_invoice("KT/1", Decimal("50000.00"))])
    for lang, words in (("en", "You accepted them without any written objection within fifteen "
                               "days of delivery."),
                        ("hi", "आपने इन्हें सुपुर्दगी के पंद्रह दिनों के भीतर बिना किसी लिखित "
                               "आपत्ति के स्वीकार किया।")):
        assert words in _text(case, NoticeKind.MSMED_DEMAND, lang)


def test_an_objection_in_time_is_recited_with_its_removal(msmed_org):
    case = _msmed_case(msmed_org, [
        _invoice("KT/1", Decimal("50000.00")),
        # Delivered 12 Jan; objected 20 Jan (within 15 days); removed 1 Feb: accepted 1 Feb.
        _invoice("KT/2", Decimal("25000.00"), objection_raised_on=date(2026, 1, 20),
                 objection_removed_on=date(2026, 2, 1), due_date=date(2026, 2, 16))])
    text = _text(case, NoticeKind.MSMED_DEMAND)
    assert "accepted them without any written objection" not in text
    assert "You accepted the other invoices without any written objection" in text
    assert ("You objected in writing to invoice KT/2 on 20 Jan 2026; my client removed the "
            "objection on 01 Feb 2026, the day of acceptance under Section 2(b) of the Act.") in text
    hindi = _text(case, NoticeKind.MSMED_DEMAND, "hi")
    assert "बिल KT/2 पर आपने दिनांक 20 जनवरी 2026 को लिखित आपत्ति की" in hindi


def test_a_late_objection_is_recited_as_not_displacing_acceptance(msmed_org):
    case = _msmed_case(msmed_org, [
        _invoice("KT/3", Decimal("50000.00"), objection_raised_on=date(2026, 2, 10))])
    text = _text(case, NoticeKind.MSMED_DEMAND)
    assert "You accepted the other invoices" not in text
    assert ("Your written objection to invoice KT/3 of 10 Feb 2026 came after the fifteen days "
            "from delivery") in text


def test_msmed_notice_names_the_odr_portal_and_each_months_bank_rate(msmed_org):
    case = _msmed_case(msmed_org, [_invoice("KT/1", Decimal("50000.00"))])
    text = _text(case, NoticeKind.MSMED_DEMAND)
    assert "through the Government of India's MSME ODR portal" in text
    # Interest from 28 Jan 2026: the Bank Rate in force then was 5.50% from 05 Dec 2025.
    assert "Bank Rate 5.50% (in force from 05 Dec 2025)" in text
    assert "MSME ODR पोर्टल" in _text(case, NoticeKind.MSMED_DEMAND, "hi")


@pytest.mark.parametrize("total,mediation", [
    (SPECIFIED_VALUE, True), (SPECIFIED_VALUE - Decimal("0.01"), False)])
def test_section_12a_only_at_the_specified_value(total, mediation):
    # No interest claimed and nothing paid, so the amount due is the invoice's total.
    case = CaseFactory(invoices=[_invoice("C/1", total)], stated_interest_rate=None)
    for lang, cites in (("en", "Section 12A of the Commercial Courts Act"), ("hi", "धारा 12A")):
        text = _text(case, NoticeKind.COMMERCIAL_DEMAND, lang)
        assert (cites in text) is mediation
    assert ("file a suit for recovery before the competent civil court" in
            _text(case, NoticeKind.COMMERCIAL_DEMAND)) is not mediation


def test_mode_of_service_names_only_what_the_debtor_can_be_served_by():
    en, hi = WORDING["en"], WORDING["hi"]
    assert service_modes(en, email=True, mobile=True, post=True) == (
        "By e-mail, SMS/WhatsApp and registered post")
    assert service_modes(en, email=True, mobile=False, post=True) == (
        "By e-mail and registered post")
    assert service_modes(en, email=True, mobile=False, post=False) == "By e-mail"
    assert service_modes(hi, email=True, mobile=True, post=False) == "ई-मेल और SMS/WhatsApp द्वारा"
    assert service_modes(en, email=False, mobile=False, post=False) == ""


def test_mode_of_service_line_in_the_notice_follows_the_debtors_addresses():
    case = CaseFactory()
    case.debtor.postal_address = ""
    notice = Notice(case=case, kind=NoticeKind.COMMERCIAL_DEMAND, language=NoticeLanguage.ENGLISH,
                    pay_within_days=15)
    html = render_notice_html(notice, case, ISSUED).html
    assert '<p class="mode">By e-mail</p>' in html
    case.debtor.contacts.append(PartyContact(kind=ContactKind.MOBILE, value="+919812345678",
                                             source="test"))
    case.debtor.postal_address = "1 MG Road, Pune"
    html = render_notice_html(notice, case, ISSUED).html
    assert '<p class="mode">By e-mail, SMS/WhatsApp and registered post</p>' in html

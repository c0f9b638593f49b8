"""Every refusal a Hindi-reading debtor can meet on a form, in Hindi: WTForms' own, the forms' own,
the money parser's, the settlement terms', the services' (put on a field or above the form), the
refusal of an exhibit that carries active content. Each junk input below is posted as the debtor;
every error shown must be Hindi (Devanagari, with no English sentence left in it)."""
from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import timedelta

import pikepdf
import pytest
from sqlalchemy import select

from arbitration.odr.models.offers import Offer
from notices.models import NoticeLanguage
from portal.cases import today_ist
from portal.database import commit
from tests.debtor.claims import post_form, served_claim
from tests.debtor.guest import login_guest, signed_notice_record
from tests.offers.world import Room, offer_form
from tests.pdfs import PDF

_ERRORS = re.compile(r'class="error"[^>]*>(.*?)</p>|class="error-summary"[^>]*>(.*?)</div>'
                     r'|class="flash[^"]*"[^>]*>(.*?)</p>', re.S)
# Words a Hindi sentence keeps in Latin letters: the product, units and identifiers people type.
_KEPT = {"upi", "utr", "id", "e-mail", "sulah", "odr", "sms", "whatsapp", "pdf", "ist", "gst", "msmed", "e.g",
         "xlsx", "docx"}


def refusals(response) -> list[str]:
    text = response.get_data(as_text=True)
    found = []
    for groups in _ERRORS.findall(text):
        inner = re.sub(r"<[^>]+>", " ", " ".join(g for g in groups if g))
        found.append(" ".join(html.unescape(inner).split()))
    return [f for f in found if f]


def english_in(message: str) -> list[str]:
    words = [w.lower().strip(".,:;()'\"") for w in re.findall(r"[A-Za-z][A-Za-z.'-]+", message)]
    return [w for w in words if len(w) > 2 and w not in _KEPT]


def assert_hindi(response, what: str) -> None:
    shown = refusals(response)
    assert response.status_code in (200, 400, 422) and shown, (what, response.status_code, shown)
    english = [(m, english_in(m)) for m in shown if english_in(m) or not re.search(r"[\u0900-\u097F]", m)]
    assert not english, (what, english)


def hindi_debtor(client, outbox):
    _creditor, case = served_claim()
    signed_notice_record(case).language = NoticeLanguage.HINDI
    commit()
    login_guest(client, case, outbox)
    return case


RESPONSES = {
    "dispute without a reason": ("dispute", {"reason": "", "explanation": ""}),
    "dispute with an unknown reason": ("dispute", {"reason": "bored", "explanation": "x"}),
    "plan of 1 instalment": ("plan", {"count": "1", "frequency": "monthly", "first_due": "2099-01-01"}),
    "plan of 99 instalments": ("plan", {"count": "99", "frequency": "monthly", "first_due": "2099-01-01"}),
    "plan starting in the past": ("plan", {"count": "3", "frequency": "monthly", "first_due": "2020-01-01"}),
    "plan with a down payment in letters": ("plan", {"count": "3", "frequency": "monthly",
                                                     "first_due": "2099-01-01", "down_payment": "lots"}),
    "plan with a down payment of 1e9": ("plan", {"count": "3", "frequency": "monthly",
                                                 "first_due": "2099-01-01", "down_payment": "1e9"}),
    "plan with a down payment over the claim": ("plan", {"count": "3", "frequency": "monthly",
                                                         "first_due": "2099-01-01", "down_payment": "99999999"}),
    "plan paid weekly forever": ("plan", {"count": "3", "frequency": "yearly", "first_due": "2099-01-01"}),
    "admit nothing": ("admit", {"reason": "quality", "explanation": "bad"}),
    "call back in the past": ("call-back", {"day": "2020-01-01", "slot": "10:00", "phone": "98"}),
    "call back to no number": ("call-back", {"day": "2099-01-01", "slot": "", "phone": ""}),
    "call back to a word": ("call-back", {"day": "2099-01-02", "slot": "25:00", "phone": "call me maybe"}),
    "report a payment of letters": ("pay/report", {"amount": "ten", "utr": "x", "paid_on": ""}),
    "report a payment with misplaced commas": ("pay/report", {"amount": "1,00,0", "utr": "123456789012",
                                                              "paid_on": "2026-01-01"}),
    "report a payment in the future": ("pay/report", {"amount": "100", "utr": "123456789012",
                                                      "paid_on": "2099-01-01"}),
}


@pytest.mark.parametrize("what", list(RESPONSES))
def test_a_hindi_debtors_response_is_refused_in_hindi(client, db_session, outbox, what):
    case = hindi_debtor(client, outbox)
    path, data = RESPONSES[what]
    assert_hindi(post_form(client, f"/d/{case.reference}/{path}", data), what)


def _future(days: int) -> str:
    return (today_ist() + timedelta(days=days)).isoformat()


ROOM = {
    "an empty message": ("/messages", {"body": ""}),
    "an offer in letters": ("/offers", offer_form("a lakh")),
    "an offer of 1e9": ("/offers", offer_form("1e9")),
    "an offer over the claim": ("/offers", offer_form("999999", pay_by=_future(10))),
    "an offer paid in the past": ("/offers", offer_form("1000", pay_by="2020-01-01")),
    "an offer with no date": ("/offers", offer_form("1000", pay_by="")),
    "instalments with no count": ("/offers", {"kind": "instalments", "total": "1000"}),
    "instalments too many": ("/offers", {"kind": "instalments", "total": "1000", "instalments": "99",
                                         "first_due": _future(10)}),
    "instalments too small": ("/offers", {"kind": "instalments", "total": "0.05", "instalments": "12",
                                          "first_due": _future(10)}),
    "bidding with a gap in letters": ("/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "some",
                                                   "pay_within_days": "15"}),
    "bidding with a negative gap": ("/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "-1",
                                                 "pay_within_days": "15"}),
    "bidding with a gap of 60%": ("/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "60",
                                               "pay_within_days": "15"}),
    "bidding with a huge gap": ("/bidding", {"rounds": "3", "gap_kind": "amount", "gap_value": "1" * 15,
                                             "pay_within_days": "15"}),
    "bidding with 99 rounds": ("/bidding", {"rounds": "99", "gap_kind": "percent", "gap_value": "1",
                                            "pay_within_days": "999"}),
}


@pytest.mark.parametrize("what", list(ROOM))
def test_a_hindi_debtor_in_the_odr_room_is_refused_in_hindi(app, client, db_session, outbox, what):
    room = Room(app)
    room.client("guest", outbox).get(f"/odr/{room.ref}?lang=hi")
    path, data = ROOM[what]
    assert_hindi(room.post("guest", path, data), what)


def _pdf_with_javascript() -> bytes:
    pdf = pikepdf.open(io.BytesIO(PDF))
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["a", action])))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _docx_with_macros() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


UPLOADS = {
    "a PDF that runs JavaScript": (_pdf_with_javascript, "statement.pdf", "जावास्क्रिप्ट"),
    "an Office file with macros": (_docx_with_macros, "ledger.docx", "मैक्रो"),
}


@pytest.mark.parametrize("what", list(UPLOADS))
def test_a_hindi_debtors_exhibit_with_active_content_is_refused_in_hindi(client, db_session, outbox, what):
    case = hindi_debtor(client, outbox)
    make, name, said = UPLOADS[what]
    resp = post_form(client, f"/d/{case.reference}/dispute", {
        "reason": "already_paid", "explanation": "Paid by NEFT on 2 March 2026.", "invoices": [str(case.invoices[0].id)],
        "file_kind": "ledger", "files": [(io.BytesIO(make()), name)]}, content_type="multipart/form-data")
    assert_hindi(resp, what)
    assert any(said in shown for shown in refusals(resp)), refusals(resp)


_PAGE = re.compile(r"<h1>(.*?)</h1>.*?class=\"error-message\"[^>]*>(.*?)</p>", re.S)


def assert_hindi_409(response, what: str, said: str) -> None:
    """The page of a move the state no longer allows: its title and its sentence in Hindi."""
    found = _PAGE.search(response.get_data(as_text=True))
    assert response.status_code == 409 and found, (what, response.status_code)
    shown = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split()) for part in found.groups()]
    english = [(m, english_in(m)) for m in shown if english_in(m) or not re.search(r"[\u0900-\u097F]", m)]
    assert not english, (what, english)
    assert said in shown[1], (what, shown)


def test_a_hindi_debtors_move_the_state_no_longer_allows_is_refused_in_hindi(app, client, db_session, outbox):
    """`client`: each party's requests in an app context of their own, as in the offers tests."""
    room = Room(app)
    room.client("guest", outbox).get(f"/odr/{room.ref}?lang=hi")
    assert room.post("creditor_admin", "/offers", offer_form("190000", pay_by=_future(10))).status_code == 302
    offer = db_session.scalars(select(Offer).where(Offer.case_id == room.case.id)).one()
    assert_hindi_409(room.post("guest", f"/offers/{offer.id}/withdraw"), "withdraw the other side's offer",
                     "यह केवल वही पक्ष कर सकता है")
    room.post("creditor_staff", f"/offers/{offer.id}/withdraw")
    assert_hindi_409(room.post("guest", f"/offers/{offer.id}/accept"), "accept a withdrawn offer",
                     "वापस लिया गया")
    room.post("guest", "/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "0",
                                     "pay_within_days": "15"})
    assert_hindi_409(room.post("guest", "/bidding", {"rounds": "3", "gap_kind": "percent", "gap_value": "0",
                                                     "pay_within_days": "15"}),
                     "propose blind bidding twice", "गोपनीय बोली")


def test_a_hindi_debtors_cancel_of_a_signed_agreement_is_refused_in_hindi(app, client, db_session, outbox):
    """The generic refusal of a move the table does not allow (portal.lifecycle): the settlement
    agreement's "Cancel" once it is signed, its label, noun and status in Hindi."""
    from arbitration.settlement import agreements as settlement
    from arbitration.settlement.states import AGREEMENT
    from portal import lifecycle
    from tests.settlement.helpers import three_instalments

    room = Room(app)
    room.client("guest", outbox).get(f"/odr/{room.ref}?lang=hi")
    agreement = settlement.create_agreement(room.case, three_instalments(), source="offer",
                                            actor=room.creditor_staff)
    lifecycle.fire(AGREEMENT, agreement, "signed", None)
    commit()
    assert_hindi_409(room.post("guest", "/settlement/cancel", {"reason": "शर्तें बदल गईं"}),
                     "cancel a signed agreement",
                     "“रद्द करें” संभव नहीं है, क्योंकि समझौता अभी “हस्ताक्षरित” स्थिति में है।")

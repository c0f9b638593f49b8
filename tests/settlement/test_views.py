"""The settlement page end to end: the debtor through its personal link and the creditor's staff
accept by one-time code, the case settles, the PDFs download; bad input gets a clear 4xx."""
import re

from arbitration.settlement import agreements as settlement
from arbitration.settlement.models import AgreementStatus, SignMethod
from portal.accounts.models import User
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.conftest import csrf_from
from tests.debtor.guest import code_from, login_guest
from tests.settlement.helpers import agreement_for, room_case

DEBTOR_MAIL = "debtor@example.in"


def page(client, case):
    resp = client.get(f"/odr/{case.reference}/settlement")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp


def accept_by_code(client, case, outbox, address):
    sent = client.post(f"/odr/{case.reference}/settlement/code",
                       data={"csrf_token": csrf_from(page(client, case)), "destination": "0"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#enter-code")
    code = code_from(outbox(), address)
    return client.post(f"/odr/{case.reference}/settlement/accept",
                       data={"csrf_token": csrf_from(page(client, case)), "code": code})


def test_debtor_by_link_and_creditor_accept_then_the_case_is_settled(client, auth, db_session, outbox):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    login_guest(client, case, outbox)
    body = page(client, case).get_data(as_text=True)
    assert "I accept this settlement agreement" in body and "not signed with a digital signature" in body
    wrong = client.post(f"/odr/{case.reference}/settlement/code",
                        data={"csrf_token": csrf_from(page(client, case)), "destination": "0"})
    assert wrong.status_code == 302
    code = code_from(outbox(), DEBTOR_MAIL)
    bad = client.post(f"/odr/{case.reference}/settlement/accept",
                      data={"csrf_token": csrf_from(page(client, case)), "code": f"{(int(code) + 1) % 10**6:06d}"})
    assert bad.status_code == 422 and "not right" in bad.get_data(as_text=True)
    done = client.post(f"/odr/{case.reference}/settlement/accept",
                       data={"csrf_token": csrf_from(page(client, case)), "code": code})
    assert done.status_code == 302
    db.session.refresh(agreement)
    debtor_sig = agreement.signatures[0]
    assert debtor_sig.user_id is None and debtor_sig.method == SignMethod.OTP_ACCEPTANCE
    assert debtor_sig.ip == "127.0.0.1" and "Your side has already agreed" in page(client, case).get_data(as_text=True)

    filer = db.session.get(User, case.created_by_id)
    news = [m for m in outbox() if m["Subject"] == f"{case.reference}: the settlement agreement awaits you"]
    assert [m["To"] for m in news] == [filer.email] and "90,000" not in news[0].get_body(("plain",)).get_content()

    auth.login_as(staff)
    assert accept_by_code(client, case, outbox, staff.email).status_code == 302
    assert any(m["Subject"] == f"{case.reference}: the settlement agreement is complete" and m["To"] == filer.email
               for m in outbox())
    db.session.refresh(agreement)
    db.session.refresh(case)
    assert agreement.status == AgreementStatus.SIGNED and case.status == CaseStatus.SETTLED
    body = page(client, case).get_data(as_text=True)
    assert "The completed, sealed agreement" in body and "Instalments" in body and "₹90,000.00" in body
    final = client.get(f"/odr/{case.reference}/settlement/1/agreement.pdf")
    assert final.status_code == 200 and final.mimetype == "application/pdf"
    assert settlement.store_pdf(final.data) == agreement.final_pdf_sha256
    draft = client.get(f"/odr/{case.reference}/settlement/1/draft.pdf")
    assert draft.status_code == 200 and settlement.store_pdf(draft.data) == agreement.unsigned_pdf_sha256


def test_no_agreement_yet(client, auth, db_session):
    case, staff = room_case()
    auth.login_as(staff)
    assert "There is no settlement agreement yet" in page(client, case).get_data(as_text=True)
    token = csrf_from(page(client, case))
    assert client.post(f"/odr/{case.reference}/settlement/code",
                       data={"csrf_token": token, "destination": "0"}).status_code == 404
    assert client.get(f"/odr/{case.reference}/settlement/1/draft.pdf").status_code == 404


def test_bad_inputs_get_4xx(client, auth, db_session, outbox):
    case, staff = room_case()
    agreement_for(case, staff)
    auth.login_as(staff)
    token = csrf_from(page(client, case))
    url = f"/odr/{case.reference}/settlement"
    for destination in ("7", "-1", "x", ""):
        resp = client.post(f"{url}/code", data={"csrf_token": token, "destination": destination})
        assert resp.status_code == 400, destination
    assert client.post(f"{url}/code", data={"destination": "0"}).status_code == 400  # no CSRF token
    for code in ("", "1" * 13):
        assert client.post(f"{url}/accept", data={"csrf_token": token, "code": code}).status_code == 400
    resp = client.post(f"{url}/accept", data={"csrf_token": token, "code": "123456"})
    assert resp.status_code == 422 and "no code waiting" in resp.get_data(as_text=True)
    resp = client.post(f"{url}/sign", data={"csrf_token": token})
    assert resp.status_code == 409 and "Only the creditor" not in resp.get_data(as_text=True)
    assert client.get(f"{url}/1/agreement.pdf").status_code == 404
    assert client.get(f"{url}/9/draft.pdf").status_code == 404


def test_too_many_wrong_codes(client, auth, db_session, outbox):
    case, staff = room_case()
    agreement_for(case, staff)
    auth.login_as(staff)
    url = f"/odr/{case.reference}/settlement"
    client.post(f"{url}/code", data={"csrf_token": csrf_from(page(client, case)), "destination": "0"})
    code = code_from(outbox(), staff.email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    statuses = [client.post(f"{url}/accept", data={"csrf_token": csrf_from(page(client, case)), "code": wrong})
                .status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    resp = client.post(f"{url}/accept", data={"csrf_token": csrf_from(page(client, case)), "code": code})
    assert resp.status_code in (422, 429)  # the right code no longer works either
    assert re.search(r"(Too many wrong codes|no code waiting)", resp.get_data(as_text=True))


def test_cancel_then_a_new_agreement_can_be_made(client, auth, db_session):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    auth.login_as(staff)
    url = f"/odr/{case.reference}/settlement/cancel"
    for reason, status in (("", 422), ("no", 422), ("x" * 501, 422)):
        resp = client.post(url, data={"csrf_token": csrf_from(page(client, case)), "reason": reason})
        assert resp.status_code == status and "Stop this agreement" in resp.get_data(as_text=True)
    assert client.post(url, data={"reason": "Dates changed"}).status_code == 400
    resp = client.post(url, data={"csrf_token": csrf_from(page(client, case)), "reason": "Dates changed"})
    assert resp.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.CANCELLED and settlement.live_agreement(case) is None
    assert "cancelled" in page(client, case).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf_from(page(client, case)),
                                  "reason": "again"}).status_code == 404
    assert agreement_for(case, staff).version == 2


def test_advocate_signs_with_dsc_from_the_page(client, auth, db_session):
    from portal.adapters.esign.democert import make_demo_pkcs12
    from tests.factories import AdvocateFactory

    case, staff = room_case()
    advocate = AdvocateFactory()
    advocate.advocate_profile.signing_pkcs12 = make_demo_pkcs12(advocate.name, b"pw")
    advocate.advocate_profile.signing_passphrase = "pw"
    case.advocate_id = advocate.id
    agreement = agreement_for(case, staff)
    auth.login_as(advocate)
    body = page(client, case)
    assert "Sign with my digital signature certificate" in body.get_data(as_text=True)
    resp = client.post(f"/odr/{case.reference}/settlement/sign", data={"csrf_token": csrf_from(body)})
    assert resp.status_code == 302
    db.session.refresh(agreement)
    assert [s.method for s in agreement.signatures] == [SignMethod.DSC]
    again = client.post(f"/odr/{case.reference}/settlement/sign", data={"csrf_token": csrf_from(page(client, case))})
    assert again.status_code == 409 and "already agreed" in again.get_data(as_text=True)


def test_after_a_default_the_creditor_is_sent_to_invoke_arbitration(client, auth, db_session):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    agreement.status = AgreementStatus.SIGNED
    case._status = CaseStatus.DEFAULTED
    auth.login_as(staff)
    body = page(client, case).get_data(as_text=True)
    assert "The settlement is in default" in body
    # Arbitration starts only with a s.21 notice served on the debtor: the page links there.
    assert f'href="/arbitration/{case.reference}/invocation"' in body
    assert client.post(f"/odr/{case.reference}/settlement/invoke-arbitration").status_code in (404, 405)
    db.session.refresh(case)
    assert case.status == CaseStatus.DEFAULTED

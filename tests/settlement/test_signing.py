"""Agreeing to a settlement (service level): one-time-code acceptance, DSC signature, the neutral's
authentication last, completion with the sealed final PDF and the case settled."""
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from arbitration.settlement import agreements as settlement
from arbitration.settlement import signing
from arbitration.settlement.models import AgreementStatus, SignerSide, SignMethod
from portal import seal
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.keys import load_signer
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.onetime_codes import CodeError
from tests.factories import AdvocateFactory, DebtorUserFactory
from tests.settlement.helpers import agreement_for, pdf_text, room_case

CODE = "123456"


@pytest.fixture
def fixed_code(monkeypatch):
    """Codes are kept only as an HMAC; fix the one generated so the test can type it."""
    monkeypatch.setattr("portal.onetime_codes.secrets.randbelow", lambda n: int(CODE))


def debtor_user(case):
    user = DebtorUserFactory()
    case.debtor.user_id = user.id
    db.session.flush()
    return user


def accept(agreement, actor, ip="203.0.113.7"):
    signing.send_code(agreement, actor, 0, ip)
    return signing.accept_with_code(agreement, actor, CODE, ip)


def validate_seal(pdf: bytes):
    signer, demo = load_signer(*seal.seal_key())
    assert demo
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))


def test_both_parties_accept_by_code_and_the_case_settles(db_session, fixed_code, tmp_path):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    debtor = debtor_user(case)
    first = accept(agreement, debtor)
    assert first.method == SignMethod.OTP_ACCEPTANCE and first.user_id == debtor.id
    assert first.document_sha256 == agreement.unsigned_pdf_sha256 and first.ip == "203.0.113.7"
    assert case.status == CaseStatus.IN_NEGOTIATION and agreement.status == AgreementStatus.AWAITING_SIGNATURES
    accept(agreement, staff, ip="198.51.100.4")
    assert agreement.status == AgreementStatus.SIGNED and case.status == CaseStatus.SETTLED
    assert [r.amount for r in agreement.instalments] == [i.amount for i in agreement.terms.instalments]
    final = settlement.read_pdf(agreement.final_pdf_sha256)
    status = validate_seal(final)
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    text = pdf_text(final, tmp_path)
    assert text.count("Accepted electronically by one-time code, not signed with a digital signature") == 2
    assert agreement.unsigned_pdf_sha256 in text.replace(" ", "")
    for expected in ("203.0.113.7", "198.51.100.4", "DEMONSTRATION SEAL",
                     "Signatures and acceptances", case.debtor.legal_name, "IST"):
        assert expected in text, expected


def test_the_neutral_authenticates_last_when_one_took_part(db_session, fixed_code, tmp_path, monkeypatch):
    queued = []
    monkeypatch.setattr("arbitration.settlement.mail.queue_mail", queued.append)
    case, staff = room_case(CaseStatus.IN_CONCILIATION, neutral=True)
    agreement = agreement_for(case, staff)
    assert settlement.required_sides(agreement)[-1] == SignerSide.NEUTRAL
    with pytest.raises(DomainError, match="after both parties"):
        signing.send_code(agreement, case.neutral, 0, "10.0.0.1")
    accept(agreement, staff)
    accept(agreement, debtor_user(case))
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURES and case.status == CaseStatus.IN_CONCILIATION
    assert [(m.to, m.subject.split(": ")[1]) for m in queued][-1] == (
        [case.neutral.email], "the settlement agreement awaits your authentication")
    sig = accept(agreement, case.neutral)
    assert queued[-1].subject.endswith("is complete") and case.neutral.email not in queued[-1].to
    assert sig.method == SignMethod.NEUTRAL_AUTHENTICATION and sig.party_name == case.neutral.name
    assert case.status == CaseStatus.SETTLED
    assert "Authenticated by the neutral" in pdf_text(settlement.read_pdf(agreement.final_pdf_sha256), tmp_path)


def test_no_neutral_needed_when_none_took_part(db_session, fixed_code):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    assert signing.refusal(agreement, SignerSide.NEUTRAL) == \
        "No authentication by a neutral is needed for this agreement."


def test_wrong_code_is_refused_and_counted(db_session, fixed_code):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    signing.send_code(agreement, staff, 0, "10.0.0.1")
    with pytest.raises(CodeError, match="not right"):
        signing.accept_with_code(agreement, staff, "654321", "10.0.0.1")
    with pytest.raises(CodeError, match="not right"):
        signing.accept_with_code(agreement, staff, "abc", "10.0.0.1")
    assert agreement.signatures == []
    signing.accept_with_code(agreement, staff, CODE, "10.0.0.1")
    with pytest.raises(DomainError, match="already agreed"):
        signing.send_code(agreement, staff, 0, "10.0.0.1")


def test_a_code_for_one_side_does_not_accept_for_the_other(db_session, fixed_code):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    signing.send_code(agreement, staff, 0, "10.0.0.1")
    with pytest.raises(CodeError, match="no code waiting"):
        signing.accept_with_code(agreement, debtor_user(case), CODE, "10.0.0.1")


def test_bad_destination_choice(db_session):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    for choice in (-1, 5, "0"):
        with pytest.raises(CodeError, match="Choose where"):
            signing.send_code(agreement, staff, choice, "10.0.0.1")


def test_the_advocate_signs_with_its_dsc(db_session, fixed_code):
    case, staff = room_case()
    advocate = AdvocateFactory()
    case.advocate_id = advocate.id
    agreement = agreement_for(case, staff)
    with pytest.raises(DomainError, match="Upload your digital signature"):
        signing.sign_with_dsc(agreement, advocate, "10.0.0.2")
    advocate.advocate_profile.signing_pkcs12 = make_demo_pkcs12(advocate.name, b"pw")
    advocate.advocate_profile.signing_passphrase = "pw"
    sig = signing.sign_with_dsc(agreement, advocate, "10.0.0.2")
    assert sig.method == SignMethod.DSC and sig.side == SignerSide.CREDITOR and sig.signer_name == advocate.name
    assert sig.signed_pdf_sha256 and sig.detail == "demonstration certificate"
    assert PdfFileReader(io.BytesIO(settlement.read_pdf(sig.signed_pdf_sha256))).embedded_signatures
    debtor = debtor_user(case)
    with pytest.raises(DomainError, match="Only the creditor's advocate"):
        signing.sign_with_dsc(agreement, debtor, "10.0.0.3")
    accept(agreement, debtor)
    assert case.status == CaseStatus.SETTLED


def test_nothing_more_once_signed(db_session, fixed_code):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    accept(agreement, staff)
    accept(agreement, debtor_user(case))
    with pytest.raises(DomainError, match="no longer awaiting"):
        signing.send_code(agreement, staff, 0, "10.0.0.1")
    with pytest.raises(DomainError, match="only while the parties"):
        agreement_for(case, staff)


def test_paid_before_the_last_signature_settles_and_is_paid(db_session, fixed_code):
    from decimal import Decimal

    from portal.cases.intake import today_ist
    from portal.cases.models import Payment, PaymentMethod

    case, staff = room_case()
    agreement = agreement_for(case, staff)
    case.payments.append(Payment(amount=Decimal("90000"), paid_on=today_ist(), method=PaymentMethod.NEFT,
                                 recorded_by_id=staff.id))
    accept(agreement, staff)
    accept(agreement, debtor_user(case))
    assert agreement.status == AgreementStatus.SIGNED and case.status == CaseStatus.PAID


def test_codes_go_only_to_the_actors_own_addresses(db_session):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    debtor = debtor_user(case)
    assert [d.address for d in signing.destinations(agreement, staff)] == [staff.email]
    assert [d.address for d in signing.destinations(agreement, debtor)] == [debtor.email, "debtor@example.in"]


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_the_acceptance_code_goes_to_the_debtor_in_its_language_and_to_the_creditor_in_english(
        db_session, outbox, lang):
    case, staff = room_case()
    agreement = agreement_for(case, staff)
    debtor = debtor_user(case)
    for actor in (debtor, staff):  # each asks on a page in `lang` (the creditor's are English)
        signing.send_code(agreement, actor, 0, "10.0.0.1", lang)
    commit()
    text = {m["To"]: m.get_body(("plain",)).get_content() for m in outbox()}
    reference, version = case.reference, agreement.version
    assert (f"समझौता करार {reference} (संस्करण {version}) स्वीकार करने के लिए आपका सुलह कोड" if lang == "hi" else
            f"Your Sulah code to accept the settlement agreement {reference} (version {version}) is") in text[
        debtor.email]
    assert f"Your Sulah code to accept the settlement agreement {reference} (version {version}) is" in text[
        staff.email]

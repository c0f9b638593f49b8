"""Signed mandates (IT Act s.11): the administrator accepts with a code, the platform seals, the
advocate countersigns with its DSC; only then may the advocate approve the creditor's notices."""
import io
import subprocess
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from notices.drafting import workflow as services
from notices.mandates import granting as mandates
from notices.mandates.models import Mandate
from notices.mandates.states import MandateStatus
from notices.states import NoticeStatus
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.onetime_codes import OneTimeCode
from portal.types import utcnow
from tests.conftest import csrf_from
from tests.debtor.guest import code_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory

_P12: dict[str, bytes] = {}


@pytest.fixture
def parties(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                       stated_interest_rate=18)
    return creditor, advocate, case


def give_dsc(advocate) -> None:
    profile = advocate.advocate_profile
    profile.signing_pkcs12 = _P12.setdefault("p12", make_demo_pkcs12("Test Advocate", b"pw"))
    profile.signing_passphrase = "pw"
    db.session.flush()


def post(client, url, page="/dashboard", **data):
    form = client.get(page, follow_redirects=True)
    return client.post(url, data={"csrf_token": csrf_from(form), **data})


def in_review(creditor, case):
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    return notice


def accept_by_email(client, outbox, creditor, advocate):
    assert post(client, f"/mandates/{advocate.id}/code", page="/team").status_code == 302
    code = code_from(outbox(), creditor.email)
    return post(client, f"/mandates/{advocate.id}", page="/team", code=code)


def test_two_steps_through_the_pages_then_approval(client, auth, parties, outbox, db_session):
    creditor, advocate, case = parties
    notice = in_review(creditor, case)
    give_dsc(advocate)

    auth.login_as(creditor)
    assert "No mandate yet" in client.get("/team").get_data(as_text=True)
    resp = accept_by_email(client, outbox, creditor, advocate)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    mandate = db_session.scalar(select(Mandate).where(Mandate.advocate_id == advocate.id))
    assert mandate.status == MandateStatus.AWAITING_ADVOCATE and mandate.sealed_pdf_sha256
    assert mandate.accepted_at and mandate.accepted_ip == "127.0.0.1" and "e-mail" in mandate.method
    page = client.get("/team").get_data(as_text=True)
    assert "awaiting the advocate’s signature" in page
    pdf = client.get(f"/mandates/{mandate.id}/mandate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")

    # Before the advocate's signature, approval is refused, naming the missing step.
    auth.login_as(advocate)
    code = pyotp.TOTP(advocate.totp_secret).now()
    resp = post(client, f"/notices/{notice.id}/approve", code=code)
    assert resp.status_code == 422 and "not yet countersigned" in resp.get_data(as_text=True)
    assert notice.status == NoticeStatus.IN_REVIEW

    mine = client.get("/mandates").get_data(as_text=True)
    assert creditor.organization.legal_name in mine and "Awaiting your signature" in mine
    resp = post(client, f"/mandates/{mandate.id}/sign", page="/mandates")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert mandate.status == MandateStatus.IN_FORCE and mandate.signed_pdf_sha256
    assert services.mandate_for(creditor.org_id, advocate.id) is mandate

    resp = post(client, f"/notices/{notice.id}/approve", code=code)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert notice.status == NoticeStatus.APPROVED
    kinds = set(db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("mandate.%"))))
    assert {"mandate.accepted", "mandate.countersigned"} <= kinds

    auth.login_as(creditor)
    assert "Mandate in force" in client.get("/team").get_data(as_text=True)


def test_admin_with_an_authentication_app_accepts_with_its_code(client, auth, parties, db_session):
    creditor, advocate, _ = parties
    creditor.totp_secret, creditor.totp_enabled = pyotp.random_base32(), True
    db_session.flush()
    auth.login_as(creditor)
    assert "E-mail me a code" not in client.get("/team").get_data(as_text=True)
    resp = post(client, f"/mandates/{advocate.id}", page="/team",
                code=pyotp.TOTP(creditor.totp_secret).now())
    assert resp.status_code == 302
    assert mandates.current(creditor.org_id, advocate.id).method == mandates.TOTP_METHOD


@pytest.mark.parametrize("how", ["wrong", "expired", "none sent", "totp"])
def test_wrong_or_expired_code_is_refused_and_nothing_stored(client, auth, parties, outbox, db_session, how):
    creditor, advocate, _ = parties
    auth.login_as(creditor)
    if how == "totp":
        creditor.totp_secret, creditor.totp_enabled = pyotp.random_base32(), True
        db_session.flush()
    elif how != "none sent":
        assert post(client, f"/mandates/{advocate.id}/code", page="/team").status_code == 302
    if how == "expired":
        db_session.execute(update(OneTimeCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    if how in ("wrong", "expired"):
        real = code_from(outbox(), creditor.email)
        code = f"{(int(real) + 1) % 10 ** 6:06d}" if how == "wrong" else real
    else:
        code = "123456"
    resp = post(client, f"/mandates/{advocate.id}", page="/team", code=code)
    assert 400 <= resp.status_code < 500
    body = resp.get_data(as_text=True)
    assert any(w in body for w in ("not right", "expired", "no code waiting", "not valid")), body[:800]
    assert db_session.scalar(select(Mandate).where(Mandate.advocate_id == advocate.id)) is None
    resp = post(client, f"/mandates/{advocate.id}", page="/team", code="abc")
    assert resp.status_code == 422


def test_advocate_without_a_signing_key_gets_a_clear_refusal(client, auth, parties, db_session):
    creditor, advocate, _ = parties
    mandate = mandates._accept(creditor, advocate, "", mandates.SEED_METHOD, {})
    auth.login_as(advocate)
    resp = post(client, f"/mandates/{mandate.id}/sign", page="/mandates")
    assert resp.status_code == 422
    assert "digital signature certificate" in resp.get_data(as_text=True)
    assert mandate.status == MandateStatus.AWAITING_ADVOCATE and mandate.signed_pdf_sha256 is None


def test_approval_refused_before_the_creditor_accepts(parties, db_session):
    creditor, advocate, case = parties
    notice = in_review(creditor, case)
    with pytest.raises(Exception, match="administrator has not yet accepted"):
        services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())


def test_final_pdf_carries_the_seal_then_the_advocates_signature(parties, db_session, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    creditor, advocate, _ = parties
    give_dsc(advocate)
    mandate = services.grant_mandate(creditor, advocate)
    assert mandate.in_force and services.grant_mandate(creditor, advocate) is mandate
    reader = PdfFileReader(io.BytesIO(mandates.read_pdf(mandate.signed_pdf_sha256)), strict=False)
    seal, signature = reader.embedded_signatures
    assert seal.field_name == "PlatformSeal" and signature.field_name == "AdvocateSignature"
    for sig in (seal, signature):
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[sig.signer_cert]))
        assert status.intact and status.valid and status.trusted  # each is self-signed (demo)
    assert seal.signed_revision < signature.signed_revision
    (tmp_path / "m.pdf").write_bytes(mandates.read_pdf(mandate.sealed_pdf_sha256))
    text = subprocess.run(["pdftotext", str(tmp_path / "m.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = " ".join(text.split())
    assert creditor.organization.legal_name in text
    assert advocate.advocate_profile.enrolment_number in text.replace("/ ", "/")
    assert creditor.organization.udyam_number in text and "until the creditor or the advocate revokes it" in text


def test_strangers_cannot_touch_a_mandate(client, auth, parties, db_session):
    creditor, advocate, _ = parties
    give_dsc(advocate)
    mandate = mandates._accept(creditor, advocate, "", mandates.SEED_METHOD, {})
    other_admin, other_advocate = CreditorFactory(), AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=other_advocate.id)

    auth.login_as(other_admin)
    assert client.get(f"/mandates/{mandate.id}/mandate.pdf").status_code == 404
    assert post(client, f"/mandates/{advocate.id}", page="/team", code="123456").status_code == 404
    assert post(client, f"/mandates/{advocate.id}/code", page="/team").status_code == 404
    assert post(client, f"/mandates/{mandate.id}/sign").status_code == 403

    auth.login_as(other_advocate)
    assert client.get(f"/mandates/{mandate.id}/mandate.pdf").status_code == 404
    assert post(client, f"/mandates/{mandate.id}/sign", page="/mandates").status_code == 404
    assert post(client, f"/mandates/{advocate.id}", code="123456").status_code == 403
    assert mandate.status == MandateStatus.AWAITING_ADVOCATE


def test_mandates_given_before_stay_in_force_through_the_migration(app, database_url, tmp_path):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from tests.scratch_db import scratch_app, scratch_database

    with (scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as scratch,
          scratch.app_context()):
        upgrade(revision="o15_settlement_ceremonies")
        with db.engine.begin() as conn:
            org = conn.execute(sa.text(
                "INSERT INTO organizations (legal_name, address, created_at) "
                "VALUES ('Old Co', '', CURRENT_TIMESTAMP) RETURNING id")).scalar()
            users = [conn.execute(sa.text(
                "INSERT INTO users (email, name, password_hash, role, active, is_org_admin, totp_enabled, "
                "created_at) VALUES (:e, 'U', 'x', :r, true, true, false, CURRENT_TIMESTAMP) RETURNING id"),
                {"e": f"{r}@old.example", "r": r}).scalar() for r in ("creditor", "advocate")]
            conn.execute(sa.text(
                "INSERT INTO mandates (org_id, advocate_id, text, sha256, signed_by_id, signed_at, method) "
                "VALUES (:o, :a, 'text', :h, :c, CURRENT_TIMESTAMP, 'accepted online')"),
                {"o": org, "a": users[1], "h": "a" * 64, "c": users[0]})
        upgrade(revision="heads")
        mandate = mandates.in_force(org, users[1])
        assert mandate is not None and mandate.method == "accepted online (before signed mandates)"
        assert mandate.accepted_at is not None and mandate.pdf_sha256 is None
        db.session.remove()
        downgrade(revision="o15_settlement_ceremonies")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM mandates")).scalar() == 1


def test_revoking_a_mandate_asks_first_takes_the_reason_and_is_audited(client, auth, parties, db_session):
    creditor, advocate, case = parties
    give_dsc(advocate)
    mandate = mandates.grant(creditor, advocate)
    db.session.commit()
    auth.login_as(creditor)
    team = client.get("/team").get_data(as_text=True)
    assert f"/mandates/{mandate.id}/revoke" in team  # a link to the page that asks, not a button
    page = client.get(f"/mandates/{mandate.id}/revoke")
    assert page.status_code == 200 and "Revoke this mandate?" in page.get_data(as_text=True)
    db.session.refresh(mandate)
    assert mandate.in_force  # asking changed nothing
    empty = client.post(f"/mandates/{mandate.id}/revoke", data={"csrf_token": csrf_from(page), "reason": " "})
    assert empty.status_code == 422 and "Give your reason" in empty.get_data(as_text=True)
    db.session.refresh(mandate)
    assert mandate.in_force
    done = client.post(f"/mandates/{mandate.id}/revoke",
                       data={"csrf_token": csrf_from(page), "reason": "We have engaged another advocate."})
    assert done.status_code == 302 and done.headers["Location"].endswith("/team")
    db.session.refresh(mandate)
    assert mandate.revoked_at is not None and not mandate.in_force
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mandate.revoked"))
    assert event.data["reason"] == "We have engaged another advocate." and event.actor_id == creditor.id
    assert client.get(f"/mandates/{mandate.id}/revoke").status_code == 404  # gone: nothing to revoke
    with pytest.raises(Exception, match="administrator has not yet accepted"):
        services.approve(advocate, in_review(creditor, case), pyotp.TOTP(advocate.totp_secret).now())

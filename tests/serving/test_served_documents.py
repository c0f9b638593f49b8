"""A served document in its own right (an award here): its lifecycle through the dispatch pipeline
(serving, received on proof, unserved when every channel fails), its personal link and its delivery
pages, and the migration that turned the old award-carrying notices into served documents."""
from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from notices.serving import dispatch as dispatching
from notices.serving import documents, receipts
from notices.serving.bounces import Bounce
from notices.serving.documents import DocumentKind, ServedDocument
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from notices.serving.states import DispatchStatus, ServedDocumentStatus
from portal.audit import AuditEvent
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from tests.awards.helpers import awarding_case
from tests.conftest import csrf_from
from tests.serving.helpers import delivered


def award_document(a) -> ServedDocument:
    """A signed award's served document, ready (the award row itself is the awards package's)."""
    from evidence.services import store_pdf

    sha = store_pdf(b"%PDF-1.7 the signed award\n%%EOF\n")
    return documents.create(a.neutral, a.case, DocumentKind.AWARD, 1, sender="the arbitral tribunal",
                            signatory=a.neutral.name, signed_at=utcnow(), signed_pdf_sha256=sha)


def actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.case_seq)))


def test_served_received_on_proof_through_the_pipeline(db_session, outbox):
    a = awarding_case()
    document = award_document(a)
    assert document.status == ServedDocumentStatus.READY and document.pdf_name.startswith("arbitral-award-")
    dispatching.serve(a.neutral, document, {ChannelKind.EMAIL})
    assert document.status == ServedDocumentStatus.SERVING
    commit()  # the dispatch goes after the commit
    (sent,) = dispatching.dispatches_for(document)
    assert sent.status == DispatchStatus.SENT and sent.notice_id is None and sent.served is document
    mail = next(m for m in outbox() if sent.address in m["To"])
    assert mail["Subject"].startswith("Arbitral award in arbitration")
    assert [p.get_filename() for p in mail.iter_attachments()] == [document.pdf_name]
    assert f"/verify/{document.verification_code}" in mail.get_body(("plain",)).get_content()
    sent.designated = True
    delivered(document)
    assert document.status == ServedDocumentStatus.RECEIVED and document.received_at is not None
    assert {"served_document.created", "served_document.serve", "delivery.dispatched",
            "served_document.received"} <= set(actions(a.case))
    with pytest.raises(DomainError, match="received already"):
        dispatching.serve(a.neutral, document, {ChannelKind.POST})


def test_every_channel_bouncing_leaves_it_unserved_and_it_may_be_served_again(db_session, outbox):
    a = awarding_case()
    document = award_document(a)
    dispatching.serve(a.neutral, document, {ChannelKind.EMAIL})
    commit()
    (sent,) = dispatching.dispatches_for(document)
    receipts.bounce(Bounce(token=sent.bounce_token, action="failed", status="5.1.1",
                           recipient=sent.address, diagnostic="no such user", message_id="<b1@mx>"),
                    b"the DSN")
    assert sent.status == DispatchStatus.FAILED and document.status == ServedDocumentStatus.UNSERVED
    assert "served_document.unserved" in actions(a.case)
    a.case.debtor.postal_address = "12 Mill Road, Surat 395003"
    dispatching.serve(a.neutral, document, {ChannelKind.POST})  # serve it again, by post
    assert document.status == ServedDocumentStatus.SERVING


def test_its_delivery_pages_for_the_case_side_and_no_one_else(client, auth, db_session, outbox):
    from tests.factories import CreditorFactory

    a = awarding_case()
    document = award_document(a)
    dispatching.serve(a.neutral, document, {ChannelKind.EMAIL})
    commit()
    auth.login_as(a.staff)
    page = client.get(f"/served/{document.id}/delivery")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Service of the arbitral award" in body and "the arbitral tribunal" in body
    assert client.get(f"/served/{document.id}/delivery-proof.pdf").status_code == 200
    assert client.get("/served/999999/delivery").status_code == 404
    auth.login_as(CreditorFactory())  # another organisation's staff
    assert client.get(f"/served/{document.id}/delivery").status_code in (403, 404)
    assert client.get(f"/served/{document.id}/delivery-proof.pdf").status_code in (403, 404)


def test_the_personal_link_opens_the_document_and_counts_as_receipt(client, db_session, outbox):
    a = awarding_case()
    document = award_document(a)
    dispatching.serve(a.neutral, document, {ChannelKind.EMAIL})
    commit()
    mail = next(m for m in outbox() if "/n/" in m.get_body(("plain",)).get_content()
                and m["Subject"].startswith("Arbitral award"))
    token = mail.get_body(("plain",)).get_content().split("/n/")[1].split()[0]
    page = client.get(f"/n/{token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Arbitral award" in body and "legal notice on you" not in body
    sent = client.post(f"/n/{token}/code", data={"csrf_token": csrf_from(page), "destination": "0"})
    assert sent.status_code == 302
    from tests.debtor.guest import code_from

    code = code_from(outbox(), document.case.debtor.contacts[0].value)
    page = client.get(f"/n/{token}")
    done = client.post(f"/n/{token}/verify", data={"csrf_token": csrf_from(page), "code": code})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServedDocument, document.id).status == ServedDocumentStatus.RECEIVED
    assert db.session.scalar(select(DeliveryEvent.kind).where(DeliveryEvent.document_id == document.id,
                                                              DeliveryEvent.kind == EventKind.VIEWED))


def test_old_award_notices_become_served_documents_and_back(app, database_url, tmp_path):
    """zb28: each award's carrier notice becomes its served document, with its dispatches, timeline,
    certificates and personal links; the downgrade gives the carrier notice back."""
    from flask_migrate import downgrade, upgrade

    from portal.debtor.models import DebtorLink
    from tests.scratch_db import scratch_app, scratch_database

    with (scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as scratch,
          scratch.app_context()):
        upgrade(revision="heads")
        a = awarding_case()
        from arbitration.awards import making

        award = making.start(a.neutral, a.case)
        document = award_document(a)
        award.served_document_id, award.signed_pdf_sha256 = document.id, document.signed_pdf_sha256
        sent = Dispatch(document_id=document.id, channel=ChannelKind.EMAIL, address="debtor@example.in",
                        idempotency_key=secrets.token_hex(32), status=DispatchStatus.SENT,
                        created_by_id=a.neutral.id, bounce_token=secrets.token_hex(12),
                        pixel_token=secrets.token_hex(12), sent_at=utcnow())
        db.session.add(sent)
        db.session.flush()
        db.session.add_all([
            DeliveryEvent(document_id=document.id, dispatch_id=sent.id, kind=EventKind.DISPATCHED,
                          occurred_at=utcnow(), source="smtp", payload_sha256="a" * 64),
            DebtorLink(token_sha256=secrets.token_hex(32), case_id=a.case.id, document_id=document.id,
                       dispatch_id=sent.id, expires_at=utcnow())])
        db.session.commit()
        award_id, case_id, code, arbitrator = award.id, a.case.id, document.verification_code, a.neutral.name
        db.session.remove()

        downgrade(revision="za27_outbox_messages")
        with db.engine.connect() as conn:
            notice_id = conn.scalar(sa.text("SELECT notice_id FROM awards WHERE id = :a"), {"a": award_id})
            assert conn.scalar(sa.text("SELECT kind FROM notices WHERE id = :n"), {"n": notice_id}) == \
                "arbitral_award"
            for table in ("dispatches", "delivery_events", "debtor_links"):
                assert conn.scalar(sa.text(f"SELECT COUNT(*) FROM {table} WHERE notice_id = :n"),  # noqa: S608
                                   {"n": notice_id}) == 1, table

        upgrade(revision="heads")
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT COUNT(*) FROM notices WHERE case_id = :c"), {"c": case_id}) == 0
        migrated = db.session.scalar(select(ServedDocument).where(ServedDocument.case_id == case_id))
        assert migrated.kind == DocumentKind.AWARD and migrated.verification_code == code
        assert migrated.status == ServedDocumentStatus.SERVING and migrated.signatory == arbitrator
        assert [d.channel for d in dispatching.dispatches_for(migrated)] == [ChannelKind.EMAIL]
        assert db.session.scalar(select(DebtorLink.document_id).where(DebtorLink.case_id == case_id)) == migrated.id
        from arbitration.awards.models import Award

        assert db.session.get(Award, award_id).served_document_id == migrated.id
        db.session.remove()

"""Withdrawal is soft, needs a reason, and is impossible once a signed notice relies on the document,
whether the notices package froze it or registered its own check."""
import io

import pytest
from sqlalchemy import select

import evidence
from evidence.models import Document
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from tests.conftest import csrf_for
from tests.evidence.builders import PDF
from tests.factories import CaseFactory, CreditorFactory


@pytest.fixture
def stored(db_session):
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    doc = evidence.add_document(creditor, case, io.BytesIO(PDF), "invoice.pdf", evidence.DocumentKind.INVOICE)
    return creditor, case, doc


def post_withdraw(client, case, doc, reason):
    return client.post(f"/cases/{case.reference}/evidence/{doc.id}/withdraw",
                       data={"csrf_token": csrf_for(client), "reason": reason})


def test_frozen_document_cannot_be_withdrawn(client, auth, stored, db_session):
    creditor, case, doc = stored
    evidence.freeze(case, [doc])
    assert evidence.cited_by_signed_notice(doc)
    auth.login_as(creditor)
    resp = post_withdraw(client, case, doc, "Wrong invoice scanned")
    assert resp.status_code == 409
    assert "A signed notice cites this document" in resp.get_data(as_text=True)
    assert db_session.scalar(select(Document.withdrawn_at).where(Document.id == doc.id)) is None


def test_a_registered_citation_check_also_guards(stored, monkeypatch):
    creditor, case, doc = stored
    assert not evidence.cited_by_signed_notice(doc)
    monkeypatch.setattr(evidence.services, "CITATION_CHECKS", [lambda d: d.id == doc.id])
    assert evidence.cited_by_signed_notice(doc)
    with pytest.raises(DomainError, match="signed notice cites"):
        evidence.withdraw(creditor, case, doc, "Changed my mind")
    assert doc.withdrawn_at is None


def test_freeze_keeps_the_first_time(stored):
    _, case, doc = stored
    evidence.freeze(case, [doc])
    first = doc.frozen_at
    evidence.freeze(case, [doc])
    assert doc.frozen_at == first


@pytest.mark.parametrize("reason,message", [("", "Give a reason."), ("   ", "Say briefly why"),
                                            ("no", "Say briefly why")])
def test_withdrawal_needs_a_reason(client, auth, stored, db_session, reason, message):
    creditor, case, doc = stored
    auth.login_as(creditor)
    resp = post_withdraw(client, case, doc, reason)
    assert resp.status_code in (409, 422) and message in resp.get_data(as_text=True)
    assert db_session.scalar(select(Document.withdrawn_at).where(Document.id == doc.id)) is None


def test_withdrawn_twice_is_refused_and_nothing_is_ever_deleted(client, auth, stored, db_session):
    creditor, case, doc = stored
    auth.login_as(creditor)
    assert post_withdraw(client, case, doc, "Superseded by the signed copy").status_code == 302
    again = post_withdraw(client, case, doc, "Superseded again")
    assert again.status_code == 409 and "already withdrawn" in again.get_data(as_text=True)
    row = db_session.scalar(select(Document).where(Document.id == doc.id))
    assert row.withdraw_reason == "Superseded by the signed copy" and row.withdrawn_by_id == creditor.id
    assert evidence.store().exists(row.sha256)  # the blob stays
    for method in (client.delete, client.put):
        resp = method(f"/cases/{case.reference}/evidence/{doc.id}")
        assert resp.status_code == 405

"""Who may list, upload, download, withdraw and export, route by route: the case's parties as the
policy allows, strangers get 404 (the case does not exist for them), parties without the right 403.
And every upload, withdrawal and download is on the ledger; refused requests leave no trace."""
import io
import json

import pytest
from sqlalchemy import func, select

from evidence import services
from evidence.models import Document, DocumentKind, DownloadLog
from portal import audit
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from tests.accounts.parties import ACTORS, Parties
from tests.conftest import csrf_for
from tests.evidence.builders import PDF

OK = {"list": 200, "upload": 302, "download": 200, "withdraw": 302, "bundle": 200}
STRANGER = dict.fromkeys(OK, 404)
# Expected status per actor on a case whose notice has been served.
EXPECTED = {
    "anonymous": dict.fromkeys(OK, 302),  # to the login page
    "creditor_admin": OK,
    "creditor_staff": OK,
    "advocate": {**OK, "withdraw": 403},
    "debtor": {**OK, "upload": 403, "withdraw": 403, "bundle": 403},
    "neutral": {**OK, "upload": 403, "withdraw": 403, "bundle": 403},
    "admin": {**OK, "upload": 403, "withdraw": 403},
    "other_creditor": STRANGER,
    "unengaged_advocate": STRANGER,
    "unassigned_advocate": STRANGER,
    "other_debtor": STRANGER,
    "other_neutral": STRANGER,
}
assert set(EXPECTED) == set(ACTORS)


def call(client, route: str, case, doc_id: int):
    base = f"/cases/{case.reference}/evidence"
    if route == "list":
        return client.get(base)
    if route == "download":
        return client.get(f"{base}/{doc_id}")
    if route == "bundle":
        return client.get(f"{base}/bundle.zip")
    if route == "upload":
        return client.post(base, content_type="multipart/form-data",
                           data={"csrf_token": csrf_for(client), "kind": "other",
                                 "file": (io.BytesIO(PDF + b"% new"), "new.pdf")})
    return client.post(f"{base}/{doc_id}/withdraw", data={"csrf_token": csrf_for(client),
                                                         "reason": "Uploaded to the wrong case"})


@pytest.fixture
def parties(db_session):
    return Parties()


def stored_document(parties, case):
    return services.add_document(parties.creditor_admin, case, io.BytesIO(PDF), "invoice.pdf",
                                 DocumentKind.INVOICE, "Tax invoice 1")


@pytest.mark.parametrize("route", list(OK))
@pytest.mark.parametrize("actor", ACTORS)
def test_route_access(client, auth, parties, actor, route):
    case = parties.case(CaseStatus.NOTICE_SERVED)
    doc = stored_document(parties, case)
    user = parties.user(actor)
    if user is not None:
        auth.login_as(user)
    resp = call(client, route, case, doc.id)
    resp.close()
    assert resp.status_code == EXPECTED[actor][route], resp.get_data(as_text=True)[:300]
    if actor == "anonymous":
        assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize("route,expected", [("list", 403), ("download", 403), ("upload", 403),
                                            ("withdraw", 403), ("bundle", 403)])
def test_debtor_sees_nothing_before_service(client, auth, parties, route, expected):
    case = parties.case(CaseStatus.FILED)
    doc = stored_document(parties, case)
    auth.login_as(parties.debtor)
    resp = call(client, route, case, doc.id)
    resp.close()
    assert resp.status_code == expected


@pytest.mark.parametrize("route", ["download", "withdraw"])
def test_a_document_of_another_case_is_not_found_here(client, auth, parties, route):
    mine, theirs = parties.case(CaseStatus.FILED), parties.new_case(CaseStatus.FILED)
    other_doc = stored_document(parties, theirs)
    auth.login_as(parties.creditor_admin)
    resp = call(client, route, mine, other_doc.id)
    resp.close()
    assert resp.status_code == 404


def test_refused_download_leaves_no_log(client, auth, parties, db_session):
    case = parties.case(CaseStatus.FILED)
    doc = stored_document(parties, case)
    events = db_session.scalar(select(func.count(AuditEvent.id)))
    auth.login_as(parties.other_creditor)
    assert call(client, "download", case, doc.id).status_code == 404
    assert db_session.scalar(select(func.count(DownloadLog.id))) == 0
    assert db_session.scalar(select(func.count(AuditEvent.id))) == events


def test_upload_download_and_withdrawal_are_logged_and_on_the_ledger(client, auth, parties, db_session):
    case = parties.case(CaseStatus.NOTICE_SERVED)
    auth.login_as(parties.advocate)
    assert call(client, "upload", case, 0).status_code == 302
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (debtor's phone)"
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    auth.login_as(parties.debtor)  # after the headers: "strong" session protection binds to them
    doc = db_session.scalar(select(Document).where(Document.case_id == case.id))
    doc_id = doc.id
    got = call(client, "download", case, doc_id)
    assert got.status_code == 200 and got.data.startswith(b"%PDF")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment")
    got.close()
    log = db_session.scalar(select(DownloadLog).where(DownloadLog.document_id == doc_id))
    assert (log.user_id, log.ip, log.user_agent) == (parties.debtor.id, "203.0.113.7",
                                                     "Mozilla/5.0 (debtor's phone)")
    assert log.at is not None and log.at.utcoffset().total_seconds() == 0
    auth.login_as(parties.creditor_staff)
    assert call(client, "withdraw", case, doc_id).status_code == 302
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                .order_by(AuditEvent.seq)).all()
    ours = [(e.action, e.actor_id) for e in events if e.action.startswith("evidence.")]
    assert ours == [("evidence.uploaded", parties.advocate.id), ("evidence.downloaded", parties.debtor.id),
                    ("evidence.withdrawn", parties.creditor_staff.id)]
    uploaded = json.loads(events[[e.action for e in events].index("evidence.uploaded")].payload)
    assert uploaded["sha256"] == doc.sha256
    assert audit.verify().ok

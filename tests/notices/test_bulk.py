"""Bulk notices: the creditor's request drafted case by case (tasks run eagerly, as in every test),
partial failures, progress, and the advocate's sampled batch approval with one TOTP code."""
from datetime import date

import pyotp
import pytest
from sqlalchemy import func, select

from notices.bulk import batches as bulk
from notices.bulk.models import NoticeBatch
from notices.bulk.states import BatchItemStatus
from notices.bulk.tasks import draft_batch_item
from notices.drafting import workflow as services
from notices.models import NoticeLanguage
from notices.states import NoticeStatus
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.cases.transitions import fire
from portal.imports import services as import_services
from portal.imports.parsing import template_csv
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory


@pytest.fixture
def parties(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    return creditor, advocate


def filed_case(creditor, advocate=None, **kw):
    return CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, created_by_id=creditor.id,
                       advocate_id=advocate.id if advocate else None, stated_interest_rate=18, **kw)


def post(client, url, data=None):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})})


def test_creditor_requests_notices_and_failures_do_not_stop_the_rest(client, auth, parties, db_session):
    creditor, advocate = parties
    good = [filed_case(creditor, advocate) for _ in range(2)]
    barred = filed_case(creditor, advocate)
    barred.invoices[0].invoice_date, barred.invoices[0].due_date = date(2021, 1, 1), date(2021, 2, 1)
    orphan = filed_case(creditor)  # no advocate: drafting works, submitting for review cannot
    auth.login_as(creditor)
    page = client.get("/notices/batches/new")
    assert page.status_code == 200
    assert all(c.reference in page.get_data(as_text=True) for c in [*good, barred, orphan])

    resp = post(client, "/notices/batches/new", {
        "case_id": [str(c.id) for c in [*good, barred, orphan]], "language": "en",
        "pay_within_days": "21", "submit_for_review": "y"})
    assert resp.status_code == 302
    batch = db_session.scalar(select(NoticeBatch).where(NoticeBatch.org_id == creditor.org_id))
    by_case = {i.case_id: i for i in batch.items}
    for case in good:
        item = by_case[case.id]
        assert item.status == BatchItemStatus.DRAFTED and item.notice.status == NoticeStatus.IN_REVIEW
        assert item.notice.pay_within_days == 21 and case.status == CaseStatus.NOTICE_IN_REVIEW
    assert by_case[barred.id].status == BatchItemStatus.FAILED
    assert "Time-barred" in by_case[barred.id].reason and barred.status == CaseStatus.FILED
    assert by_case[orphan.id].status == BatchItemStatus.FAILED
    assert "Assign an advocate" in by_case[orphan.id].reason
    # The failed case's own transaction was rolled back whole: no half-made notice is left.
    assert orphan.status == CaseStatus.FILED and services.active_notice(orphan) is None

    show = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert '<progress id="batch-progress" max="4" value="4">' in show
    assert "2 drafted · 2 could not be drafted · 0 waiting" in show and 'http-equiv="refresh"' not in show
    assert client.get(f"/notices/batches/{batch.id}/progress.json").get_json() == {
        "batch_id": batch.id, "total": 4, "queued": 0, "drafted": 2, "failed": 2, "done": 4,
        "running": False}
    assert str(batch.id) in client.get("/notices/batches/").get_data(as_text=True)
    failures = db_session.scalar(select(func.count()).where(AuditEvent.action == "notice_batch.item_failed"))
    assert failures == 2


def test_progress_while_drafting_and_retries_are_harmless(client, auth, parties, db_session):
    creditor, advocate = parties
    cases = [filed_case(creditor, advocate) for _ in range(2)]
    batch = bulk.request_notices(creditor, [c.id for c in cases], language=NoticeLanguage.HINDI,
                                 pay_within_days=15, submit_for_review=False)
    auth.login_as(creditor)
    page = client.get(f"/notices/batches/{batch.id}").get_data(as_text=True)
    assert 'http-equiv="refresh" content="3"' in page and 'value="0"' in page
    assert client.get(f"/notices/batches/{batch.id}/progress.json").get_json()["running"] is True

    first = batch.items[0].id
    assert draft_batch_item(first) == "drafted"
    assert draft_batch_item(first) == "skipped"  # a redelivered task finds the item done
    status = client.get(f"/notices/batches/{batch.id}/progress.json").get_json()
    assert (status["drafted"], status["queued"], status["running"]) == (1, 1, True)
    db_session.expire_all()
    notice = db_session.get(NoticeBatch, batch.id).items[0].notice
    assert notice.language == NoticeLanguage.HINDI and notice.status == NoticeStatus.DRAFTING


def test_unexpected_error_is_recorded_on_its_item(db_session, parties, monkeypatch, caplog):
    creditor, advocate = parties
    cases = [filed_case(creditor, advocate) for _ in range(2)]
    batch = bulk.request_notices(creditor, [c.id for c in cases], language=NoticeLanguage.ENGLISH,
                                 pay_within_days=15, submit_for_review=False)

    def broken(html, **_options):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(bulk, "render_notice_pdf", broken)
    assert draft_batch_item(batch.items[0].id) == "failed"
    monkeypatch.undo()
    assert draft_batch_item(batch.items[1].id) == "drafted"
    db_session.expire_all()  # the task worked in its own session
    first, second = db_session.get(NoticeBatch, batch.id).items
    assert first.status == BatchItemStatus.FAILED and "unexpected error" in first.reason
    assert cases[0].status == CaseStatus.FILED and second.status == BatchItemStatus.DRAFTED
    assert "renderer crashed" in caplog.text


def test_cases_of_an_import_and_select_all(client, auth, parties, db_session):
    creditor, advocate = parties
    other = filed_case(creditor, advocate)
    auth.login_as(creditor)
    staged = import_services.stage(__import__("io").BytesIO(template_csv().encode()), "invoices.csv",
                                  creditor.org_id)
    batch, _ = import_services.confirm(creditor, staged.path, staged.filename, staged.sha256)
    imported = bulk.cases_of_import(batch)
    assert len(imported) == batch.cases_created >= 1 and other.id not in imported
    from portal.cases.models import Case

    for case in db_session.scalars(select(Case).where(Case.id.in_(imported))):
        fire(case, "file", creditor)
    page = client.get(f"/notices/batches/new?import={batch.id}&all=1").get_data(as_text=True)
    assert page.count(" checked>") == len(imported) and other.reference not in page
    assert client.get("/notices/batches/new?import=999999").status_code == 404


@pytest.mark.parametrize("data,status,message", [
    ({"case_id": "abc"}, 400, "not understood"),
    ({}, 422, "Select at least one case"),
    ({"pay_within_days": "3"}, 422, "Between 7 and 60"),
])
def test_bad_requests_are_refused_clearly(client, auth, parties, data, status, message):
    creditor, advocate = parties
    auth.login_as(creditor)
    resp = post(client, "/notices/batches/new", {"language": "en", "pay_within_days": "15", **data})
    assert resp.status_code == status and message in resp.get_data(as_text=True)


def test_cases_of_another_organisation_cannot_be_requested(client, auth, parties, db_session):
    creditor, advocate = parties
    stranger_case = filed_case(CreditorFactory())
    auth.login_as(creditor)
    resp = post(client, "/notices/batches/new", {"case_id": str(stranger_case.id), "language": "en",
                                                 "pay_within_days": "15"})
    assert resp.status_code == 422 and "not your organisation" in resp.get_data(as_text=True)
    assert db_session.scalar(select(func.count(NoticeBatch.id))) == 0


@pytest.mark.parametrize("n,k", [(1, 1), (4, 4), (5, 5), (6, 5), (50, 5), (51, 6), (200, 20), (1000, 100)])
def test_sample_rule(n, k):
    assert bulk.sample_size(n) == k


@pytest.fixture
def in_review(db_session, parties):
    """A batch of six notices in review for the advocate (drafted as the task would, minus the PDF)."""
    creditor, advocate = parties
    cases = [filed_case(creditor, advocate) for _ in range(6)]
    batch = bulk.request_notices(creditor, [c.id for c in cases], language=NoticeLanguage.ENGLISH,
                                 pay_within_days=15, submit_for_review=True)
    for item in batch.items:
        notice = services.start_notice(creditor, item.case, today_ist())
        services.submit(creditor, notice)
        item.status, item.notice_id = BatchItemStatus.DRAFTED, notice.id
    db_session.flush()
    return creditor, advocate, batch


def test_batch_approval_after_the_sample(client, auth, in_review, db_session):
    creditor, advocate, batch = in_review
    services.grant_mandate(creditor, advocate)
    auth.login_as(advocate)
    url = f"/notices/batches/{batch.id}"
    code = pyotp.TOTP(advocate.totp_secret).now
    resp = post(client, f"{url}/approve", {"code": code()})
    assert resp.status_code == 422 and "a sample is drawn for you there" in resp.get_data(as_text=True)

    assert str(batch.id) in client.get("/notices/batches/review").get_data(as_text=True)
    page = client.get(f"{url}/review").get_data(as_text=True)
    sample = [i for i in db_session.get(NoticeBatch, batch.id).items if i.sampled_by_id == advocate.id]
    assert len(sample) == 5 and "Opened: 0 of 5" in page
    assert client.get(f"{url}/review").status_code == 200  # reloading keeps the same draw
    assert sum(i.sampled_by_id == advocate.id for i in db_session.get(NoticeBatch, batch.id).items) == 5
    drawn = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "notice_batch.sample_drawn"))
    assert sorted(drawn.data["sample"]) == sorted(i.notice_id for i in sample)

    for item in sample[:4]:
        assert client.get(f"{url}/sample/{item.id}").status_code == 200
    resp = post(client, f"{url}/approve", {"code": code()})
    assert resp.status_code == 422 and "1 of 5 not opened yet" in resp.get_data(as_text=True)
    shown = client.get(f"{url}/sample/{sample[4].id}").get_data(as_text=True)
    assert sample[4].case.reference in shown

    resp = post(client, f"{url}/approve", {"code": "000000"})
    assert resp.status_code == 422 and "not valid" in resp.get_data(as_text=True)
    assert all(i.notice.status == NoticeStatus.IN_REVIEW for i in batch.items)
    resp = post(client, f"{url}/approve", {"code": code()})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:400]
    assert all(i.notice.status == NoticeStatus.APPROVED for i in db_session.get(NoticeBatch, batch.id).items)
    approvals = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.approved")).all()
    assert len(approvals) == 6 and {e.data["batch_id"] for e in approvals} == {batch.id}
    assert {e.case_id for e in approvals} == {i.case_id for i in batch.items}


def test_batch_approval_needs_the_mandate(client, auth, in_review, db_session):
    creditor, advocate, batch = in_review
    for item in bulk.sample(advocate, batch):
        bulk.view_sample(advocate, item)
    auth.login_as(advocate)
    resp = post(client, f"/notices/batches/{batch.id}/approve",
                {"code": pyotp.TOTP(advocate.totp_secret).now()})
    assert resp.status_code == 422 and "mandate" in resp.get_data(as_text=True)
    assert all(i.notice.status == NoticeStatus.IN_REVIEW for i in batch.items)


def test_notices_submitted_after_the_draw_are_not_approved_unseen(db_session, in_review):
    creditor, advocate, batch = in_review
    services.grant_mandate(creditor, advocate)
    late = batch.items[0]
    services.request_changes(advocate, late.notice, "Add the PO number.")
    for item in bulk.sample(advocate, batch):
        bulk.view_sample(advocate, item)
    services.revise(creditor, late.notice, today_ist())
    services.submit(creditor, late.notice)  # back in review, but after the sample was drawn
    approved = bulk.approve_batch(advocate, batch, pyotp.TOTP(advocate.totp_secret).now())
    assert len(approved) == 5 and late.notice.status == NoticeStatus.IN_REVIEW


def test_strangers_to_a_batch(client, auth, in_review, db_session):
    creditor, advocate, batch = in_review
    url = f"/notices/batches/{batch.id}"
    other_advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=other_advocate.id)
    auth.login_as(other_advocate)  # engaged by the creditor, but not these cases' advocate
    assert client.get(f"{url}/review").status_code == 404
    assert post(client, f"{url}/approve", {"code": "123456"}).status_code == 404
    assert client.get(url).status_code == 403
    auth.login_as(advocate)
    sampled = bulk.sample(advocate, batch)
    assert client.get(url).status_code == 403  # the progress page is the creditor's
    auth.login_as(CreditorFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/progress.json").status_code == 404
    auth.login_as(creditor)
    assert client.get(f"{url}/review").status_code == 403
    assert client.get(f"{url}/sample/{sampled[0].id}").status_code == 403
    auth.login_as(other_advocate)
    assert client.get(f"{url}/sample/{sampled[0].id}").status_code == 404

"""The notifications through the real services and screens: the notice review cycle opens and closes
the advocate's and the creditor's items; a settlement made by the settlement service; the case's
end closes everything; a superseding event replaces an item."""
from __future__ import annotations

import pyotp
from sqlalchemy import select

from arbitration.settlement import instalments
from notices.drafting import workflow as notices
from notices.models import Notice
from portal import audit
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.cases.transitions import fire
from portal.database import commit
from portal.notifications import opening
from tests.conftest import csrf_from
from tests.factories import CaseFactory, EngagementFactory
from tests.notifications.helpers import in_window, items, mailed, record, who, world
from tests.settlement.helpers import agreement_for


def post(client, url, **data):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **data})


def test_notice_review_cycle_tells_each_side_in_turn(client, auth, db_session, outbox):
    w = world(CaseStatus.FILED)
    EngagementFactory(org_id=w.filer.org_id, advocate_id=w.advocate.id)
    w.case.stated_interest_rate = 18
    auth.login_as(w.filer)
    assert post(client, f"/cases/{w.case.reference}/notices/new", language="en", pay_within_days="15").status_code == 302
    notice = db_session.scalar(select(Notice).where(Notice.case_id == w.case.id))
    assert items(w.case) == []  # drafting waits on the creditor, who is doing it
    assert post(client, f"/notices/{notice.id}/submit").status_code == 302
    assert who(w, items(w.case)) == {"advocate": "notice_review"}
    assert mailed(w, outbox()) == {"advocate"}

    auth.login_as(w.advocate)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Needs your attention" in page and f"submitted the notice in {w.case.reference}" in page
    assert f'href="/notices/{notice.id}"' in page
    assert post(client, f"/notices/{notice.id}/return", comment="Give 21 days to pay.").status_code == 302
    assert who(w, items(w.case)) == {"filer": "notice_redraft", "org_admin": "notice_redraft"}
    assert mailed(w, outbox()) == {"advocate", "filer", "org_admin"}

    auth.login_as(w.filer)
    assert post(client, f"/notices/{notice.id}/revise").status_code == 302
    assert post(client, f"/notices/{notice.id}/submit").status_code == 302
    assert who(w, items(w.case)) == {"advocate": "notice_review"}

    notices.grant_mandate(w.filer, w.advocate)
    auth.login_as(w.advocate)
    code = pyotp.TOTP(w.advocate.totp_secret).now()
    assert post(client, f"/notices/{notice.id}/approve", code=code).status_code == 302
    assert who(w, items(w.case)) == {"advocate": "notice_sign", "filer": "notice_approved",
                                      "org_admin": "notice_approved"}
    closed = {i.kind: i.resolved_by for i in items(w.case, open_only=False) if i.resolved_at}
    assert closed == {"notice_review": "notice.approved", "notice_redraft": "case.submit_notice"}


def test_settlement_service_and_its_completion(app, db_session, outbox, monkeypatch):
    in_window(monkeypatch)
    w = world(CaseStatus.IN_NEGOTIATION)
    agreement = agreement_for(w.case, w.filer)
    commit()
    assert who(w, items(w.case)) == {"filer": "settlement_to_sign", "org_admin": "settlement_to_sign",
                                      "debtor": "settlement_to_sign"}
    assert mailed(w, outbox()) == {"org_admin", "debtor"}  # the filer made it: no mail to itself
    record("settlement.agreed", w.case, None, agreement_id=agreement.id, side="debtor")
    assert who(w, items(w.case)) == {"filer": "settlement_to_sign", "org_admin": "settlement_to_sign"}
    instalments.create_rows(agreement)
    record("settlement.signed", w.case, None, agreement_id=agreement.id, version=1)
    found = who(w, items(w.case))
    assert found == {"filer": "settlement_complete", "org_admin": "settlement_complete",
                     "advocate": "settlement_complete", "debtor": "settlement_complete"}
    debtor_item = next(i for i in items(w.case) if i.party_id)
    assert debtor_item.due_at is not None and "10 Dec 2026" in debtor_item.may


def test_the_case_ending_closes_every_item(db_session, outbox):
    w = world(CaseStatus.RESPONDED)
    record("debtor.dispute", w.case, None, response_id=1)
    assert len(items(w.case)) == 3
    fire(w.case, "withdraw", w.filer)
    commit()
    assert items(w.case) == []
    assert {i.resolved_by for i in items(w.case, open_only=False)} == {"case.withdraw"}


def test_a_newer_item_of_the_same_kind_replaces_the_older(db_session, outbox):
    w = world()
    record("offer.made", w.case, None, offer=1, side="debtor", parent=None)
    record("offer.made", w.case, None, offer=2, side="debtor", parent=None)
    open_ = items(w.case)
    assert len(open_) == 3 and {i.kind for i in open_} == {"offer_received"}
    assert all(i.resolved_by == "superseded:offer.made" for i in items(w.case, open_only=False) if i.resolved_at)


def test_answering_an_offer_closes_it_for_that_side_only(db_session, outbox):
    w = world()
    record("bidding.agreed", w.case, None, agreement=1, side="debtor")
    record("bidding.figure_sealed", w.case, w.filer, agreement=1, round=1, side="creditor")
    assert who(w, items(w.case)) == {"debtor": "bidding_round"}
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    record("offer.accepted", w.case, None, offer=1, side="debtor", total="50000.00")
    assert "offer_received" not in {i.kind for i in items(w.case)}


def test_a_failure_in_the_listener_never_stops_the_recorded_step(db_session, outbox, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("rules broke")

    monkeypatch.setattr(opening, "apply", broken)
    w = world()
    record("debtor.dispute", w.case, None, response_id=1)
    assert items(w.case) == [] and "could not apply debtor.dispute" in caplog.text
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.case_id == w.case.id)) == "debtor.dispute"


def test_a_batch_approved_at_once_makes_one_mail_per_person(db_session, outbox):
    w = world(CaseStatus.NOTICE_IN_REVIEW)
    second = CaseFactory(creditor=w.case.creditor, created_by_id=w.filer.id, advocate_id=w.advocate.id,
                         _status=CaseStatus.NOTICE_IN_REVIEW)
    audit.record_many([("notice.approved", w.case, {"notice_id": None}),
                       ("notice.approved", second, {"notice_id": None})], actor=w.advocate)
    commit()
    to_filer = [m for m in outbox() if m["To"] == w.filer.email]
    assert len(to_filer) == 1 and to_filer[0]["Subject"] == "2 steps on Sulah wait for you"
    body = to_filer[0].get_body(("plain",)).get_content()
    assert w.case.reference in body and second.reference in body
    assert len(items(w.case)) == 3 and len(items(second)) == 3  # filer, org admin, advocate (to sign)


def test_in_one_append_a_later_event_closes_what_an_earlier_one_opened(db_session, outbox):
    """The events of one append are applied together (their case's open items read once), and in
    order: the second offer supersedes the first's items, whose mail is dropped, as when each event
    was recorded on its own."""
    w = world()
    audit.record_many([("offer.made", w.case, {"offer": 1, "side": "debtor", "parent": None}),
                       ("offer.made", w.case, {"offer": 2, "side": "debtor", "parent": None})], actor=None)
    commit()
    open_ = items(w.case)
    assert len(open_) == 3 and {i.kind for i in open_} == {"offer_received"}
    closed = [i for i in items(w.case, open_only=False) if i.resolved_at]
    assert len(closed) == 3 and {i.resolved_by for i in closed} == {"superseded:offer.made"}
    to_filer = [m for m in outbox() if m["To"] == w.filer.email]
    assert len(to_filer) == 1 and "steps on Sulah" not in to_filer[0]["Subject"]  # the first was dropped


def test_a_batch_that_fails_is_applied_one_event_at_a_time(db_session, outbox, monkeypatch, caplog):
    """An event whose items cannot be made does not take the other events' items with it."""
    real = opening.apply

    def fussy(event, case, actor, batch=None):
        if event.action == "debtor.dispute":
            raise RuntimeError("rules broke")
        return real(event, case, actor, batch)

    monkeypatch.setattr(opening, "apply", fussy)
    w = world()
    other = CaseFactory(creditor=w.case.creditor, created_by_id=w.filer.id, advocate_id=w.advocate.id,
                        _status=CaseStatus.NOTICE_SERVED)
    audit.record_many([("debtor.dispute", w.case, {"response_id": 1}),
                       ("debtor.dispute", other, {"response_id": 2}),
                       ("offer.made", other, {"offer": 1, "side": "debtor", "parent": None})], actor=None)
    commit()
    assert items(w.case) == [] and "could not apply debtor.dispute" in caplog.text
    assert {i.kind for i in items(other)} == {"offer_received"}
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.case_id == w.case.id)) == "debtor.dispute"

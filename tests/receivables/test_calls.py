"""Calls a follow-up level asks for: the staff member the level names gets the call on their Today
list (else the debtor's owner, else anyone of the staff), records what came of it, and a call with no
answer comes back the next day; who may record it, and bad input refused."""
from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.receivables import calls, queue, sending
from portal.receivables.models import CallOutcome, ReminderCall
from portal.receivables.policies import update_level
from portal.receivables.tasks import run_once
from portal.types import utcnow
from tests.conftest import csrf_for
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

NOON = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


@pytest.fixture
def called(db_session):
    """The +7 level (a call level) names Kavya; its reminder went to the debtor a moment ago."""
    creditor, policy = creditor_with_reminders()
    kavya = CreditorFactory(organization=creditor.organization, is_org_admin=False, name="Kavya Menon")
    level = next(lv for lv in policy.levels if lv.offset_days == 7)
    assert level.call_task
    update_level(creditor, level, offset_days=7, channels=["email"], include_interest=False, call_task=True,
                 subject_en=level.subject_en, body_en=level.body_en, subject_hi=level.subject_hi,
                 body_hi=level.body_hi, call_user=kavya)
    case = debtor_case(creditor, invoice("C-7", TODAY - timedelta(days=8)))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON) == "sent"
    return creditor, kavya, level, case


def url(case, level) -> str:
    return f"/collections/debtors/{case.debtor_party_id}/calls/{level.id}"


def test_the_named_person_gets_the_call_whoever_follows_the_debtor(called):
    creditor, kavya, level, case = called
    mine = queue.today_for(creditor.organization, kavya, TODAY)
    assert [(r.party_id, c.level_id, c.caller_id) for r, c in mine.calls] == [
        (case.debtor_party_id, level.id, kavya.id)]
    # The administrator follows the debtor up; the call stays Kavya's and is not on its own list.
    queue.allocate(creditor, creditor.org_id, case.debtor_party_id, creditor)
    assert queue.today_for(creditor.organization, creditor, TODAY).calls == []
    assert len(queue.today_for(creditor.organization, kavya, TODAY).calls) == 1
    assert len(queue.today_for(creditor.organization, creditor, TODAY, everyone=True).calls) == 1


def test_without_a_named_person_the_owner_gets_it_and_unowned_calls_are_anyones(called):
    creditor, kavya, level, case = called
    level.call_user_id = None
    ravi = CreditorFactory(organization=creditor.organization, is_org_admin=False)
    assert len(queue.today_for(creditor.organization, ravi, TODAY).calls) == 1  # nobody follows it
    queue.allocate(creditor, creditor.org_id, case.debtor_party_id, kavya)
    assert queue.today_for(creditor.organization, ravi, TODAY).calls == []
    assert [c.caller_id for _, c in queue.today_for(creditor.organization, kavya, TODAY).calls] == [kavya.id]


def test_no_answer_comes_back_the_next_day_and_an_answer_closes_the_call(called):
    creditor, kavya, level, case = called
    owners = {case.debtor_party_id: None}
    call = calls.open_calls(creditor.org_id, owners, utcnow())[0]
    calls.record(kavya, call, "no_answer", "rang twice", creditor.org_id)
    assert calls.open_calls(creditor.org_id, owners, utcnow()) == []
    tomorrow = calls.open_calls(creditor.org_id, owners, utcnow() + timedelta(days=1))
    assert len(tomorrow) == 1 and tomorrow[0].tried.note == "rang twice"
    calls.record(kavya, tomorrow[0], "reached", "will pay on Friday", creditor.org_id)
    assert calls.open_calls(creditor.org_id, owners, utcnow() + timedelta(days=1)) == []
    # Three days after the reminder the call leaves the queue whatever happened.
    assert calls.open_calls(creditor.org_id, owners, utcnow() + timedelta(days=calls.CALL_DAYS + 1)) == []
    recorded = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "receivables.call_recorded"))
    assert [(e.data["outcome"], e.data["party_id"]) for e in recorded] == [
        ("no_answer", case.debtor_party_id), ("reached", case.debtor_party_id)]


def test_the_today_page_offers_the_call_and_records_its_outcome(client, auth, called):
    creditor, kavya, level, case = called
    auth.login_as(kavya)
    page = text(client.get("/collections/today"))
    assert "Calls to make (1)" in page and "For Kavya Menon." in page
    assert f"What came of the call to {case.debtor.legal_name}" in page
    resp = client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "wrong_number",
                                               "note": "the number is a fax"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/collections/today")
    row = db.session.scalar(select(ReminderCall))
    assert (row.outcome, row.note, row.by_id) == (CallOutcome.WRONG_NUMBER, "the number is a fax", kavya.id)
    assert "Calls to make (0)" in text(client.get("/collections/today"))
    # Recorded already: there is no open call any more.
    again = client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "reached"})
    assert again.status_code == 404


def test_a_promise_on_the_call_goes_on_to_the_promise_form(client, auth, called):
    creditor, kavya, level, case = called
    auth.login_as(kavya)
    resp = client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "promised"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/collections/debtors/{case.debtor_party_id}#promise")


@pytest.mark.parametrize("data,says", [({}, "Choose what came of the call."),
                                       ({"outcome": "shouted"}, "Not a valid choice"),
                                       ({"outcome": "reached", "note": "x" * 2001}, "2000")])
def test_bad_input_is_a_422_and_nothing_is_stored(client, auth, called, data, says):
    creditor, kavya, level, case = called
    auth.login_as(kavya)
    resp = client.post(url(case, level), data={"csrf_token": csrf_for(client), **data})
    assert resp.status_code == 422 and says in text(resp)
    assert db.session.scalar(select(ReminderCall)) is None


def test_someone_elses_call_is_403_unless_the_administrator_records_it(client, auth, called):
    creditor, kavya, level, case = called
    ravi = CreditorFactory(organization=creditor.organization, is_org_admin=False)
    auth.login_as(ravi)
    assert client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "reached"}
                       ).status_code == 403
    auth.login_as(creditor)
    assert client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "reached"}
                       ).status_code == 302


@pytest.mark.parametrize("factory,status", [(AdvocateFactory, 403), (DebtorUserFactory, 403),
                                            (CreditorFactory, 404)])
def test_other_roles_403_and_other_organisations_404(client, auth, called, factory, status):
    _, _, level, case = called
    auth.login_as(factory())
    resp = client.post(url(case, level), data={"csrf_token": csrf_for(client), "outcome": "reached"})
    assert resp.status_code == status


def test_the_level_names_only_its_own_staff_as_caller(client, auth, called):
    creditor, kavya, level, case = called
    auth.login_as(creditor)
    page = text(client.get(f"/collections/levels/{level.id}"))
    assert "Who makes the call" in page and f'<option selected value="{kavya.id}">' in page
    stranger = CreditorFactory()
    form = {"csrf_token": csrf_for(client), "offset_days": "7", "channels": "email", "call_task": "y",
            "call_user_id": str(stranger.id), "subject_en": level.subject_en, "body_en": level.body_en,
            "subject_hi": level.subject_hi, "body_hi": level.body_hi}
    assert client.post(f"/collections/levels/{level.id}", data=form).status_code == 422
    form["call_user_id"] = ""
    assert client.post(f"/collections/levels/{level.id}", data=form).status_code == 302
    assert level.call_user_id is None
    assert "A call to make." in text(client.get("/collections/"))


def test_the_call_waits_in_the_named_persons_attention_list_until_recorded(called):
    from portal.notifications.models import AttentionItem

    creditor, kavya, level, case = called
    items = db.session.scalars(select(AttentionItem).where(AttentionItem.kind == "collections_call")).all()
    assert [(i.user_id, i.case_id, i.resolved_at, i.endpoint) for i in items] == [
        (kavya.id, case.id, None, "receivables.today")]
    assert items[0].what == f"A reminder that asks for a call went to {case.debtor.legal_name} ({case.reference})."
    assert items[0].lapses and items[0].due_at is not None
    call = calls.open_calls(creditor.org_id, {case.debtor_party_id: None}, utcnow())[0]
    calls.record(kavya, call, "reached", "", creditor.org_id)
    db.session.flush()
    assert items[0].resolved_at is not None and items[0].resolved_by == "receivables.call_recorded"

"""The creditor's collections pages: who may open them, what they save, and bad input refused."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.receivables.models import DebtorSetting, Mode, Promise
from portal.receivables.policies import policy_for
from tests.conftest import csrf_for
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = date.today()


@pytest.fixture
def setup(db_session):
    creditor, policy = creditor_with_reminders(enabled=False)
    case = debtor_case(creditor, invoice("V-1", TODAY - timedelta(days=5)))
    return creditor, policy, case


def test_staff_see_levels_and_debtors(client, auth, setup):
    creditor, policy, case = setup
    auth.login_as(creditor)
    page = client.get("/collections/")
    assert page.status_code == 200
    assert b"7 days after the due date" in page.data and case.debtor.legal_name.encode() in page.data
    assert client.get(f"/collections/debtors/{case.debtor_party_id}").status_code == 200


@pytest.mark.parametrize("factory", [AdvocateFactory, DebtorUserFactory])
def test_other_roles_get_403(client, auth, setup, factory):
    _, policy, case = setup
    auth.login_as(factory())
    assert client.get("/collections/").status_code == 403
    assert client.get(f"/collections/debtors/{case.debtor_party_id}").status_code == 403
    assert client.get(f"/collections/levels/{policy.levels[0].id}").status_code == 403
    token = csrf_for(client)
    assert client.post("/collections/enabled", data={"enabled": "on", "csrf_token": token}).status_code == 403


def test_anonymous_is_sent_to_log_in(client, setup):
    assert client.get("/collections/").status_code in (302, 401)


def test_another_organisations_debtor_level_and_promise_are_not_found(client, auth, setup, db_session):
    creditor, policy, case = setup
    other = CreditorFactory()
    policy_for(other.org_id)
    auth.login_as(other)
    assert client.get(f"/collections/debtors/{case.debtor_party_id}").status_code == 404
    assert client.get(f"/collections/levels/{policy.levels[0].id}").status_code == 404
    token = csrf_for(client)
    assert client.post(f"/collections/debtors/{case.debtor_party_id}/settings",
                       data={"mode": "manual", "language": "en", "csrf_token": token}).status_code == 404
    promise = Promise(org_id=creditor.org_id, party_id=case.debtor_party_id, case_id=case.id,
                      invoice_id=case.invoices[0].id, amount=1, promised_for=TODAY, paid_before=0,
                      made_how="test")
    db_session.add(promise)
    db_session.flush()
    assert client.post(f"/collections/promises/{promise.id}/cancel",
                       data={"csrf_token": token}).status_code == 404


def test_only_the_administrator_turns_reminders_on_and_edits_levels(client, auth, setup, db_session):
    creditor, policy, _ = setup
    clerk = CreditorFactory(organization=creditor.organization, is_org_admin=False)
    auth.login_as(clerk)
    token = csrf_for(client)
    assert client.post("/collections/enabled", data={"enabled": "on", "csrf_token": token}).status_code == 403
    auth.login_as(creditor)
    token = csrf_for(client)
    assert client.post("/collections/enabled", data={"enabled": "maybe", "csrf_token": token}).status_code == 400
    assert client.post("/collections/enabled", data={"enabled": "on"}).status_code == 400  # no CSRF
    response = client.post("/collections/enabled", data={"enabled": "on", "csrf_token": token})
    assert response.status_code == 302
    db_session.refresh(policy)
    assert policy.enabled


def test_editing_a_level_checks_its_placeholders_and_channels(client, auth, setup, db_session):
    creditor, policy, _ = setup
    level = policy.levels[1]
    auth.login_as(creditor)
    token = csrf_for(client)
    good = {"offset_days": "2", "channels": ["email", "sms"], "subject_en": "Reminder: {creditor}",
            "body_en": "Dear {debtor}, {amount} is due. {link}", "subject_hi": "अनुस्मारक: {creditor}",
            "body_hi": "प्रिय {debtor}, {amount} बकाया है। {link}", "csrf_token": token}
    bad = dict(good, body_en="Pay {threat} now")
    response = client.post(f"/collections/levels/{level.id}", data=bad)
    assert response.status_code == 422 and "is not a placeholder" in response.get_data(as_text=True)
    response = client.post(f"/collections/levels/{level.id}", data=dict(good, channels=["whatsapp"]))
    assert response.status_code == 422 and "only together with e-mail" in response.get_data(as_text=True)
    response = client.post(f"/collections/levels/{level.id}", data=dict(good, offset_days="7"))
    assert response.status_code == 422 and "already falls on that day" in response.get_data(as_text=True)
    assert client.post(f"/collections/levels/{level.id}", data=dict(good, offset_days="x")).status_code == 422
    # A number past a float's range: WTForms' own IntegerField and NumberRange failed on it (a 500).
    assert client.post(f"/collections/levels/{level.id}", data=dict(good, offset_days="9" * 400)).status_code == 422
    assert client.post(f"/collections/levels/{level.id}", data=good).status_code == 302
    db_session.refresh(level)
    assert level.offset_days == 2 and level.channels == "email,sms"
    assert client.get("/collections/levels/999999").status_code == 404


def test_debtor_settings_and_a_promise_after_a_call(client, auth, setup, db_session):
    creditor, _, case = setup
    auth.login_as(creditor)
    token = csrf_for(client)
    url = f"/collections/debtors/{case.debtor_party_id}"
    past = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(url + "/settings", data={"mode": "manual", "language": "hi",
                                                     "paused_until": past, "csrf_token": token})
    assert response.status_code == 422 and "A pause ends today or later" in response.get_data(as_text=True)
    assert client.post(url + "/settings", data={"mode": "bogus", "language": "en",
                                                 "csrf_token": token}).status_code == 422
    assert client.post(url + "/settings", data={"mode": "manual", "language": "hi",
                                                 "csrf_token": token}).status_code == 302
    setting = db_session.scalar(select(DebtorSetting).where(DebtorSetting.party_id == case.debtor_party_id))
    assert setting.mode == Mode.MANUAL
    promise = {"invoice_id": str(case.invoices[0].id), "amount": "50000",
               "promised_for": (TODAY + timedelta(days=5)).isoformat(), "csrf_token": token}
    assert client.post(url + "/promises", data=dict(promise, amount="lots")).status_code == 422
    assert client.post(url + "/promises", data=dict(promise, amount="999999")).status_code == 422
    assert client.post(url + "/promises", data=dict(promise, promised_for=past)).status_code == 422
    assert client.post(url + "/promises", data=dict(promise, invoice_id="999999")).status_code == 422
    assert client.post(url + "/promises", data=promise).status_code == 302
    made = db_session.scalar(select(Promise).where(Promise.case_id == case.id))
    assert made.made_how == "staff after a call" and made.by_id == creditor.id
    assert client.post(url + "/promises", data=promise).status_code == 422  # one open promise per invoice
    assert client.post(f"/collections/promises/{made.id}/cancel", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/collections/promises/{made.id}/cancel", data={"csrf_token": token}).status_code == 409


def test_today_portfolio_and_their_csv(client, auth, setup, db_session):
    creditor, policy, case = setup
    other_staff = CreditorFactory(organization=creditor.organization, is_org_admin=False)
    auth.login_as(creditor)
    today = client.get("/collections/today")
    assert today.status_code == 200
    text = today.get_data(as_text=True)
    assert case.debtor.legal_name in text and "₹1,18,000.00 outstanding (+15)" in text
    assert client.get("/collections/today?all=1").status_code == 200
    page = client.get("/collections/portfolio")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    assert "₹1,18,000.00" in page.get_data(as_text=True)
    csv_page = client.get("/collections/portfolio.csv?figure=ageing")
    assert csv_page.mimetype == "text/csv" and "118000.00" in csv_page.get_data(as_text=True)
    for figure in ("summary", "debtors", "monthly", "funnel"):
        assert client.get(f"/collections/portfolio.csv?figure={figure}").status_code == 200
    assert client.get("/collections/portfolio.csv?figure=../etc").status_code == 400
    # Allocation: the administrator gives the debtor to a colleague; it leaves the creditor's own queue.
    token = csrf_for(client)
    url = f"/collections/debtors/{case.debtor_party_id}"
    assert client.post(url + "/owner", data={"owner_id": "999999", "csrf_token": token}).status_code == 422
    assert client.post(url + "/owner", data={"owner_id": str(other_staff.id), "csrf_token": token}).status_code == 302
    assert case.debtor.legal_name not in client.get("/collections/today").get_data(as_text=True).split("Debtors by priority")[1]
    assert client.post(url + "/priority", data={"value": "500", "reason": "", "csrf_token": token}).status_code == 422
    assert client.post(url + "/priority", data={"value": "5000", "reason": "x", "csrf_token": token}).status_code == 422
    assert client.post(url + "/priority", data={"value": "500", "reason": "their owner asked us to call",
                                                "csrf_token": token}).status_code == 302
    assert "set by the creditor: their owner asked us to call" in client.get(url).get_data(as_text=True)
    auth.login_as(other_staff)
    token = csrf_for(client)
    assert client.post(url + "/owner", data={"owner_id": "", "csrf_token": token}).status_code == 403


@pytest.mark.parametrize("factory", [AdvocateFactory, DebtorUserFactory])
def test_queue_and_portfolio_refuse_other_roles(client, auth, setup, factory):
    _, _, case = setup
    auth.login_as(factory())
    token = csrf_for(client)
    assert client.get("/collections/today").status_code == 403
    assert client.get("/collections/portfolio").status_code == 403
    assert client.get("/collections/portfolio.csv").status_code == 403
    assert client.post(f"/collections/debtors/{case.debtor_party_id}/priority",
                       data={"value": "1", "reason": "x", "csrf_token": token}).status_code == 403
    assert client.post("/collections/disputes/1/answer", data={"answer": "x", "csrf_token": token}).status_code == 403


def test_answering_a_dispute(client, auth, setup, db_session):
    from portal.receivables.models import InvoiceHold

    creditor, _, case = setup
    hold = InvoiceHold(org_id=creditor.org_id, party_id=case.debtor_party_id, invoice_id=case.invoices[0].id,
                       kind="dispute", text="Damaged goods", made_how="test")
    db_session.add(hold)
    db_session.flush()
    auth.login_as(creditor)
    assert "Damaged goods" in client.get("/collections/today").get_data(as_text=True)
    token = csrf_for(client)
    assert client.post(f"/collections/disputes/{hold.id}/answer", data={"answer": "", "csrf_token": token}).status_code == 422
    assert client.post(f"/collections/disputes/{hold.id}/answer",
                       data={"answer": "Replaced the goods on 3 Dec", "csrf_token": token}).status_code == 302
    assert client.post(f"/collections/disputes/{hold.id}/answer",
                       data={"answer": "again", "csrf_token": token}).status_code == 409
    other = CreditorFactory()
    auth.login_as(other)
    token = csrf_for(client)
    assert client.post(f"/collections/disputes/{hold.id}/answer",
                       data={"answer": "x", "csrf_token": token}).status_code == 404


def test_confirming_and_rejecting_what_the_debtor_reported(client, auth, setup, db_session):
    from portal.payments.models import PaymentReport, ReportStatus

    creditor, _, case = setup
    reports = [PaymentReport(case_id=case.id, amount=Decimal("1000.00"), utr=f"41234567890{n}", paid_on=TODAY,
                             status=ReportStatus.REPORTED) for n in (1, 2)]
    db_session.add_all(reports)
    db_session.flush()
    auth.login_as(CreditorFactory())
    token = csrf_for(client)
    assert client.post(f"/collections/reports/{reports[0].id}/confirm", data={"csrf_token": token}).status_code == 404
    auth.login_as(creditor)
    token = csrf_for(client)
    page = client.get(f"/collections/debtors/{case.debtor_party_id}").get_data(as_text=True)
    assert "Confirm ₹1,000.00 with UTR 412345678901 was received" in page
    assert client.post(f"/collections/reports/{reports[0].id}/confirm", data={}).status_code == 400
    assert client.post(f"/collections/reports/{reports[0].id}/confirm", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/collections/reports/{reports[0].id}/confirm", data={"csrf_token": token}).status_code == 409
    assert client.post(f"/collections/reports/{reports[1].id}/reject",
                       data={"csrf_token": token, "reason": ""}).status_code == 422
    assert client.post(f"/collections/reports/{reports[1].id}/reject",
                       data={"csrf_token": token, "reason": "Not in our bank statement"}).status_code == 302
    db_session.refresh(reports[0])
    db_session.refresh(reports[1])
    assert reports[0].status == ReportStatus.CONFIRMED and reports[1].status == ReportStatus.REJECTED
    assert client.post("/collections/reports/999999/confirm", data={"csrf_token": token}).status_code == 404

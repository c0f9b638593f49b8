"""The debtor's other answers: an instalment plan (recorded and made its live offer), paying in
full (recorded, then the payment page), a call back inside the contact rules."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from arbitration.odr.offers import live_offers
from arbitration.odr.states import OfferStatus
from portal.accounts.policy import Side
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.debtor.models import ResponseKind
from portal.extensions import db
from portal.types import IST
from tests.debtor.claims import as_account, as_guest, next_weekday, post_form, responses, served_claim

S = CaseStatus


@pytest.fixture
def claim(db_session):
    return served_claim()


@pytest.fixture(params=["guest", "account"])
def debtor_in(request, client, auth, outbox, claim):
    _creditor, case = claim
    if request.param == "guest":
        as_guest(client, case, outbox)
    else:
        as_account(auth, case)
    return request.param


def plan_form(**over) -> dict:
    return {"count": "3", "frequency": "monthly", "first_due": (today_ist() + timedelta(days=10)).isoformat(),
            "down_payment": "", "note": "Our season's receipts come in from January.", **over}


def test_a_plan_becomes_the_debtors_live_offer(client, claim, debtor_in, outbox):
    creditor, case = claim
    page = client.get(f"/d/{case.reference}/plan")
    assert page.status_code == 200 and "₹1,77,000.00" in page.get_data(as_text=True)
    resp = post_form(client, f"/d/{case.reference}/plan", plan_form(down_payment="27000"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    (answer,) = responses(case)
    terms = answer.terms
    assert answer.kind == ResponseKind.PROPOSE_PLAN and terms.total == Decimal("177000.00")
    assert [p.amount for p in terms.instalments] == [Decimal("27000.00")] + [Decimal("50000.00")] * 3
    assert terms.instalments[0].due_on == today_ist()
    (offer,) = live_offers(case)
    assert offer.side == Side.DEBTOR and offer.status == OfferStatus.LIVE and offer.terms == terms
    db.session.refresh(case)
    assert case.status == S.IN_NEGOTIATION
    assert "50,000.00" in next(m for m in outbox() if creditor.email in m["To"]).get_body(("plain",)).get_content()


def test_weekly_plans_split_the_paise_onto_the_last_instalment(client, claim, debtor_in):
    _creditor, case = claim
    first = today_ist() + timedelta(days=1)
    assert post_form(client, f"/d/{case.reference}/plan",
                     plan_form(count="7", frequency="weekly", first_due=first.isoformat())).status_code == 302
    terms = responses(case)[0].terms
    assert [p.due_on for p in terms.instalments] == [first + timedelta(weeks=i) for i in range(7)]
    assert terms.instalments[0].amount == Decimal("25285.71")
    assert terms.instalments[-1].amount == Decimal("25285.74") and terms.total == Decimal("177000.00")


@pytest.mark.parametrize("change,message", [
    ({"count": "1"}, "between 2 and 12"),
    ({"count": "13"}, "between 2 and 12"),
    ({"count": "three"}, "Not a valid integer"),
    ({"first_due": (today_ist() - timedelta(days=1)).isoformat()}, "cannot be due in the past"),
    ({"first_due": (today_ist() + timedelta(days=61)).isoformat()}, "within 60 days"),
    ({"first_due": "31/12/2026"}, "Not a valid date"),
    ({"frequency": "daily"}, "Not a valid choice"),
    ({"down_payment": "177000"}, "pay in full instead"),
    ({"down_payment": "-5"}, "cannot be negative"),
    ({"down_payment": "50", "first_due": today_ist().isoformat()}, "start the instalments from tomorrow"),
    ({"note": "x" * 1001}, "1000"),
])
def test_bad_plans_are_refused(client, claim, debtor_in, change, message):
    _creditor, case = claim
    resp = post_form(client, f"/d/{case.reference}/plan", plan_form(**change))
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert responses(case) == [] and live_offers(case) == []


def test_paying_in_full_is_recorded_then_goes_to_the_payment_page(client, app, claim, debtor_in, outbox):
    creditor, case = claim
    resp = post_form(client, f"/d/{case.reference}/pay-in-full", {})
    assert resp.status_code == 302
    if "payments.pay" in app.view_functions:
        assert "amount=177000.00" in resp.headers["Location"]
    else:
        assert resp.headers["Location"].endswith(f"/d/{case.reference}#responses")
    (answer,) = responses(case)
    assert answer.kind == ResponseKind.PAY_IN_FULL and answer.admitted_amount == Decimal("177000.00")
    db.session.refresh(case)
    assert case.status == S.RESPONDED  # no ODR: the debtor is paying
    assert any(creditor.email in m["To"] for m in outbox())


def callback_form(**over) -> dict:
    return {"day": next_weekday().isoformat(), "slot": "11:00", "phone": "098123 45678",
            "note": "Please ask for Mr Rao in accounts.", **over}


def test_a_call_back_is_booked_inside_the_contact_window(client, claim, debtor_in, outbox):
    creditor, case = claim
    page = client.get(f"/d/{case.reference}/call-back")
    assert page.status_code == 200 and "08:00–19:00 IST" in page.get_data(as_text=True)
    resp = post_form(client, f"/d/{case.reference}/call-back", callback_form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    (answer,) = responses(case)
    starts = answer.callback_from.astimezone(IST)
    assert answer.kind == ResponseKind.CALL_BACK and answer.callback_phone == "+919812345678"
    assert (starts.date(), starts.hour, starts.minute) == (next_weekday(), 11, 0)
    assert answer.callback_until - answer.callback_from == timedelta(hours=1)
    db.session.refresh(case)
    assert case.status == S.RESPONDED
    assert "+919812345678" in next(m for m in outbox() if creditor.email in m["To"]).get_body(
        ("plain",)).get_content()


def next_sunday():
    day = today_ist() + timedelta(days=1)
    return day + timedelta(days=(6 - day.weekday()) % 7)


@pytest.mark.parametrize("change,message", [
    ({"slot": "19:00"}, "only be made between 08:00 and 19:00 IST"),
    ({"slot": "07:00"}, "only be made between 08:00 and 19:00 IST"),
    ({"slot": "23:59"}, "only be made between 08:00 and 19:00 IST"),
    ({"slot": "noon"}, "Choose a time from the list"),
    ({"day": next_sunday().isoformat()}, "No calls are made on Sundays"),
    ({"day": (today_ist() - timedelta(days=1)).isoformat()}, "That date has passed"),
    ({"day": (today_ist() + timedelta(days=45)).isoformat()}, "within the next 30 days"),
    ({"phone": "12345"}, "not valid"),
    ({"phone": "call me"}, "not a phone number we can read"),
    ({"phone": ""}, "Give the number to call"),
])
def test_call_backs_outside_the_rules_are_refused(client, claim, debtor_in, change, message):
    _creditor, case = claim
    resp = post_form(client, f"/d/{case.reference}/call-back", callback_form(**change))
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert responses(case) == []


def test_a_narrower_organisation_window_is_kept(client, claim, debtor_in):
    _creditor, case = claim
    case.creditor.contact_from_minute, case.creditor.contact_until_minute = 10 * 60, 17 * 60
    db.session.flush()
    assert "10:00–17:00 IST" in client.get(f"/d/{case.reference}/call-back").get_data(as_text=True)
    resp = post_form(client, f"/d/{case.reference}/call-back", callback_form(slot="09:00"))
    assert resp.status_code == 422 and "between 10:00 and 17:00 IST" in resp.get_data(as_text=True)

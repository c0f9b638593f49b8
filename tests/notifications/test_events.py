"""One test per event that waits on someone: who gets an attention item, who gets the notify
e-mail (and the debtor's SMS), and who gets nothing. Events are recorded on the audit ledger as the
services record them (same action names and payload keys); the services' own flows are covered in
test_flows.py."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for

from portal.cases.states import CaseStatus
from portal.database import commit
from portal.notifications import delivery
from portal.types import utcnow
from tests.debtor.guest import signed_notice_record
from tests.factories import DebtorUserFactory
from tests.notifications.helpers import (
    MOBILE,
    in_window,
    items,
    mailed,
    record,
    sms_files,
    sms_sent,
    who,
    world,
)

CREDITOR = ("filer", "org_admin")
CREDITOR_SIDE = ("filer", "org_admin", "advocate")
SOON = (utcnow() + timedelta(days=5)).isoformat()


def _to(keys, kind):
    return {k: kind for k in keys}


# id: (action, actor key, payload, {who: item kind}, {who is mailed by this module})
EVENTS = {
    "advocate assigned": ("case.advocate_assigned", "filer", {"advocate_id": None},
                          {"advocate": "case_assigned"}, {"advocate"}),
    "advocate reassigned": ("case.advocate_reassigned", "org_admin", {"advocate_id": None, "previous_advocate_id": 1},
                            {"advocate": "case_assigned"}, {"advocate"}),
    "advocate declined": ("case.advocate_declined", "advocate", {"advocate_id": None,
                                                                 "reason": "I act for the debtor elsewhere."},
                          _to(CREDITOR, "case_declined"), set(CREDITOR)),
    "notice submitted": ("case.submit_notice", "filer", {"notice_id": None},
                         {"advocate": "notice_review"}, {"advocate"}),
    "s21 notice submitted": ("notice.submitted", "filer", {"notice_id": None},
                             {"advocate": "notice_review"}, {"advocate"}),
    "notice returned": ("notice.changes_requested", "advocate", {"notice_id": None, "comment": "Give 21 days."},
                        _to(CREDITOR, "notice_redraft"), set(CREDITOR)),
    "notice approved": ("notice.approved", "advocate", {"notice_id": None},
                        {**_to(CREDITOR, "notice_approved"), "advocate": "notice_sign"}, set(CREDITOR)),
    "notice signed": ("notice.signed", "advocate", {"notice_id": None},
                      _to(CREDITOR, "notice_serve"), set(CREDITOR)),
    "notice served": ("case.serve_notice", None, {"notice_id": None},
                      {**_to(CREDITOR, "notice_served"), "debtor": "notice_answer"}, set(CREDITOR)),
    "notice received": ("notice.received", None, {"notice_id": None, "respond_by": "2026-12-17",
                                                  "how": "a read receipt (email to a@debtor.in)"},
                        {**_to(CREDITOR, "notice_received"), "debtor": "notice_answer"}, set(CREDITOR)),
    "cheque notice received": ("notice.received", None, {
        "notice_id": None, "complaint_from": "2026-12-18", "complaint_by": "2027-01-18",
        "pay_by_text": "17 Dec 2026", "complaint_from_text": "18 Dec 2026"},
        _to(CREDITOR_SIDE, "cheque_complaint"), set(CREDITOR_SIDE)),
    "every channel failed": ("notice.service_failed", None, {"notice_id": None, "channels": ["email to a@b.in"]},
                             _to(CREDITOR, "notice_reserve"), set()),
    "debtor disputed": ("debtor.dispute", None, {"response_id": 1, "reason": "quality"},
                        _to(CREDITOR_SIDE, "debtor_responded"), {"advocate"}),
    "debtor admitted part": ("debtor.admit_part", None, {"response_id": 1, "admitted_amount": "5000.00"},
                             _to(CREDITOR_SIDE, "debtor_responded"), {"advocate"}),
    "debtor's offer": ("offer.made", None, {"offer": 1, "side": "debtor", "parent": None, "valid_until": SOON},
                       _to(CREDITOR_SIDE, "offer_received"), set(CREDITOR_SIDE)),
    "debtor's counter-offer": ("offer.made", None, {"offer": 2, "side": "debtor", "parent": 1, "valid_until": SOON},
                               _to(CREDITOR_SIDE, "counter_offer_received"), set(CREDITOR_SIDE)),
    "creditor's offer": ("offer.made", "filer", {"offer": 1, "side": "creditor", "parent": None},
                         {"debtor": "offer_received"}, {"debtor"}),
    "creditor's counter-offer": ("offer.made", "filer", {"offer": 2, "side": "creditor", "parent": 1,
                                                         "valid_until": SOON},
                                 {"debtor": "counter_offer_received"}, {"debtor"}),
    "conciliator's proposal": ("proposal.made", "neutral", {"offer": 3, "side": "neutral", "parent": None},
                               {**_to(CREDITOR_SIDE, "proposal_received"), "debtor": "proposal_received"},
                               {*CREDITOR_SIDE, "debtor"}),
    "blind bidding proposed by the creditor": ("bidding.proposed", "filer", {"agreement": 1, "side": "creditor"},
                                               {"debtor": "bidding_proposed"}, {"debtor"}),
    "blind bidding proposed by the debtor": ("bidding.proposed", None, {"agreement": 1, "side": "debtor"},
                                             _to(CREDITOR_SIDE, "bidding_proposed"), set(CREDITOR_SIDE)),
    "bidding round opened": ("bidding.agreed", None, {"agreement": 1, "side": "debtor"},
                             {**_to(CREDITOR_SIDE, "bidding_round"), "debtor": "bidding_round"}, set(CREDITOR_SIDE)),
    "bidding round closed": ("bidding.round_failed", None, {"agreement": 1, "round": 1},
                             {**_to(CREDITOR_SIDE, "bidding_round"), "debtor": "bidding_round"},
                             {*CREDITOR_SIDE, "debtor"}),
    "bidding exhausted": ("bidding.exhausted", None, {"agreement": 1, "round": 3},
                          {**_to(CREDITOR_SIDE, "bidding_closed"), "debtor": "bidding_closed"},
                          {*CREDITOR_SIDE, "debtor"}),
    "debtor accepted the creditor's offer": ("offer.accepted", None, {"offer": 1, "side": "debtor", "total": "1.00"},
                                             _to(CREDITOR_SIDE, "offer_answered"), set(CREDITOR_SIDE)),
    "debtor declined the creditor's offer": ("offer.rejected", None, {"offer": 1, "side": "debtor"},
                                             _to(CREDITOR_SIDE, "offer_answered"), set(CREDITOR_SIDE)),
    "creditor declined the debtor's offer": ("offer.rejected", "filer", {"offer": 1, "side": "creditor"}, {}, set()),
    "debtor accepted the proposal": ("proposal.accepted_by_party", None, {"offer": 3, "side": "debtor"},
                                     _to(CREDITOR_SIDE, "proposal_received"), set(CREDITOR_SIDE)),
    "debtor sealed its figure": ("bidding.figure_sealed", None, {"agreement": 1, "round": 1, "side": "debtor"},
                                 _to(CREDITOR_SIDE, "bidding_round"), set(CREDITOR_SIDE)),
    "debtor declined bidding": ("bidding.declined", None, {"agreement": 1, "side": "debtor"},
                                _to(CREDITOR_SIDE, "bidding_closed"), set(CREDITOR_SIDE)),
    "debtor withdrew bidding": ("bidding.withdrawn", None, {"agreement": 1, "side": "debtor"},
                                _to(CREDITOR_SIDE, "bidding_closed"), set(CREDITOR_SIDE)),
    "bidding settled": ("bidding.settled", None, {"agreement": 1, "round": 2, "amount": "1.00"},
                        _to(CREDITOR_SIDE, "bidding_closed"), set(CREDITOR_SIDE)),
    "instalment due": ("settlement.instalment_reminder", None, {"agreement_id": 1, "instalment": 1,
                                                                "due_on": "2026-12-10"},
                       {"debtor": "instalment_due"}, set()),
    "instalment missed": ("settlement.instalment_defaulted", None, {"agreement_id": 1, "instalment": 1,
                                                                    "unpaid": "30000.00"},
                          {**_to(CREDITOR_SIDE, "instalment_missed"), "debtor": "instalment_missed"}, set()),
    "payment reported": ("payment.reported", None, {"report_id": 1, "amount": "30000.00"},
                         _to(CREDITOR, "payment_to_confirm"), set(CREDITOR)),
    "conciliation requested": ("odr.conciliation_requested", "filer", {"request_id": 1},
                               {"admin": "conciliation_request"}, {"admin"}),
    "conciliator appointed": ("odr.neutral_appointed", "admin", {"requests": [1]},
                              {"neutral": "conciliator_accept"}, set()),
    "conciliator accepted": ("odr.conciliator_accepted", "neutral", {"acceptance_id": 1, "side": "neutral"},
                             {**_to(CREDITOR_SIDE, "conciliator_ready"), "debtor": "conciliator_ready"},
                             {*CREDITOR_SIDE, "debtor"}),
    # No agreement names the institution in the world's case: the parties choose, or the court (s.11).
    "arbitration invoked": ("case.invoke_arbitration", "filer", {"from": "responded", "to": "in_arbitration"},
                            {**_to(CREDITOR_SIDE, "tribunal_choose"), "debtor": "tribunal_choose"},
                            {"advocate", "org_admin", "debtor"}),
    "arbitrator nominated": ("arbitration.arbitrator_nominated", "admin", {"appointment_id": 1, "neutral_id": None,
                                                                          "how": "institution"},
                             {"neutral": "tribunal_invitation"}, set()),
    "arbitrator proposed by the creditor": (
        "arbitration.arbitrator_proposed", "filer", {"neutral_name": "Justice (retd.) Meera Rao", "side": "creditor"},
        {"debtor": "tribunal_proposal"}, {"debtor"}),
    "arbitrator proposed by the debtor": (
        "arbitration.arbitrator_proposed", None, {"neutral_name": "Justice (retd.) Meera Rao", "side": "debtor"},
        _to(CREDITOR_SIDE, "tribunal_proposal"), set(CREDITOR_SIDE)),
    "arbitrator challenged": ("arbitration.arbitrator_challenged", None, {"appointment_id": 1},
                              {"neutral": "tribunal_challenge"}, {"neutral"}),
    "tribunal constituted": ("arbitration.arbitrator_accepted", "neutral", {"appointment_id": 1,
                                                                           "neutral_name": "Meera Rao",
                                                                           "challenge_deadline": SOON},
                             {**_to(CREDITOR_SIDE, "tribunal_constituted"), "debtor": "tribunal_constituted"},
                             {*CREDITOR_SIDE, "debtor"}),
    "disclosure updated": ("arbitration.disclosure_updated", "neutral", {"appointment_id": 1, "update_id": 1,
                                                                        "challenge_deadline": SOON},
                           {**_to(CREDITOR_SIDE, "tribunal_disclosure"), "debtor": "tribunal_disclosure"},
                           {*CREDITOR_SIDE, "debtor"}),
    "challenge upheld": ("arbitration.challenge_decided", "neutral", {"challenge_id": 1, "decision": "upheld"},
                         {**_to(CREDITOR_SIDE, "tribunal_challenge_decided"),
                          "debtor": "tribunal_challenge_decided"}, {*CREDITOR_SIDE, "debtor"}),
    "challenge rejected": ("arbitration.challenge_decided", "neutral", {"challenge_id": 1, "decision": "rejected"},
                           {**_to(CREDITOR_SIDE, "tribunal_challenge_decided"),
                            "debtor": "tribunal_challenge_decided"}, {*CREDITOR_SIDE, "debtor"}),
    "arbitrator ineligible": ("arbitration.arbitrator_ineligible", "neutral", {"appointment_id": 1},
                              {**_to(CREDITOR_SIDE, "tribunal_ended"), "debtor": "tribunal_ended"},
                              {*CREDITOR_SIDE, "debtor"}),
    "defence date set": ("arbitration.step_set", "neutral", {"step_id": 1, "kind": "defence", "party": "respondent",
                                                            "title": "Statement of defence", "due_on": "2026-12-30"},
                         {"debtor": "step_due"}, {"debtor"}),
    "claim date extended": ("arbitration.step_extended", "neutral", {
        "step_id": 1, "party": "claimant", "title": "Statement of claim", "due_on": "2026-12-30"},
        _to(CREDITOR_SIDE, "step_due"), set(CREDITOR_SIDE)),
    "hearing set": ("arbitration.hearing_scheduled", "neutral", {"hearing_id": 1, "starts_at": SOON},
                    {**_to(CREDITOR_SIDE, "hearing_set"), "debtor": "hearing_set"}, set()),
    "order made": ("arbitration.procedural_order", "neutral", {"order_id": 1, "number": 2},
                   {**_to(CREDITOR_SIDE, "order_made"), "debtor": "order_made"}, set()),
    "limitation near": ("case.limitation_alert", None, {"invoice": "INV-1", "threshold": 30,
                                                        "deadline": "2027-01-04", "days_left": 29},
                        _to(CREDITOR_SIDE, "limitation_near"), set(CREDITOR_SIDE)),
    "award served": ("award.served", "neutral", {"award_id": 1, "notice_id": None},
                     {**_to(CREDITOR_SIDE, "award_served"), "debtor": "award_served"}, set()),
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_each_event_tells_whoever_must_act_and_no_one_else(app, db_session, outbox, monkeypatch, event):
    in_window(monkeypatch)
    action, actor_key, payload, expected_items, expected_mail = EVENTS[event]
    w = world()
    payload = dict(payload)
    if "notice_id" in payload:
        payload["notice_id"] = signed_notice_record(w.case).id
    if payload.get("neutral_id", 0) is None:
        payload["neutral_id"] = w.neutral.id
    if payload.get("advocate_id", 0) is None:
        payload["advocate_id"] = w.advocate.id
    before = sms_files(app)
    record(action, w.case, w.user(actor_key) if actor_key else None, **payload)

    found = items(w.case)
    assert who(w, found) == expected_items
    assert "staff" not in who(w, found)  # creditor staff who neither filed nor administer hear nothing
    messages = outbox()
    assert mailed(w, messages) == expected_mail
    for message in messages:
        body = message.get_body(("plain",)).get_content()
        if "Needs your attention" in body:  # the notify mail: what, what to do, the link, in both languages
            assert w.case.reference in message["Subject"] and "What you may do:" in body
            assert "आप क्या कर सकते हैं:" in body and "http" in body
    texts = sms_sent(app, before)
    if "debtor" in expected_mail:
        assert [t["to"] for t in texts] == [MOBILE] and w.case.reference in texts[0]["text"]
        assert texts[0]["template"] == "attention"
    else:
        assert texts == []
    for item in found:  # each says what happened and what to do, and links to a real page
        assert item.what and item.may and "{" not in item.what + item.may
        with app.test_request_context():
            assert url_for(item.endpoint, **item.link_values).startswith("/")
    with app.test_request_context():  # put into words again from its rule and event: as stored, or in Hindi
        assert delivery.item_words(found, "en") == {item.id: (item.what, item.may) for item in found}
        hindi = delivery.item_words(found, "hi")
    for item in found:
        assert hindi[item.id] != (item.what, item.may) and "%(" not in "".join(hindi[item.id])


def test_the_debtor_s_days_to_pay_run_from_receipt(db_session, outbox):
    """Dispatch tells the debtor the number of days; receipt (IT Act s.13(2)) gives the date."""
    w = world(CaseStatus.NOTICE_SIGNED)
    notice = signed_notice_record(w.case)
    notice.pay_within_days = 15
    record("case.serve_notice", w.case, None, notice_id=notice.id, dispatch_id=1)
    answer = next(i for i in items(w.case) if i.party_id)
    assert answer.due_at is None and "within 15 days of receiving it" in answer.may
    record("notice.received", w.case, None, notice_id=notice.id, respond_by="2026-12-17", how="a read receipt")
    answer = next(i for i in items(w.case) if i.party_id)
    assert answer.due_at == datetime(2026, 12, 17, 18, 29, tzinfo=UTC)  # 23:59 IST
    assert "Pay, admit part, propose a plan or dispute the claim by 17 Dec 2026" in answer.may


def test_the_debtor_is_told_only_inside_the_contact_window(app, db_session, outbox, monkeypatch):
    in_window(monkeypatch, hour=22)  # 22:00 IST: outside 08:00-19:00
    w = world()
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    item = next(i for i in items(w.case) if i.party_id)
    assert item.told_at is None and mailed(w, outbox()) == set() and sms_sent(app, before) == []
    # The next morning the worker's retry goes through.
    morning = in_window(monkeypatch, hour=9)
    assert delivery.deliver_to_debtor(item.id, morning)[0] == "sent"
    commit()
    assert mailed(w, outbox()) == {"debtor"} and len(sms_sent(app, before)) == 1
    assert delivery.deliver_to_debtor(item.id, morning)[0] == "done"  # never twice


def test_the_daily_cap_holds_the_debtor_messages(app, db_session, outbox, monkeypatch):
    in_window(monkeypatch)
    w = world()
    w.case.creditor.daily_contact_cap = 2  # one notify message on two channels uses it up
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    record("bidding.proposed", w.case, w.filer, agreement=1, side="creditor")
    debtor_items = [i for i in items(w.case) if i.party_id]
    assert [i.told_channels for i in debtor_items] == [2, 0]
    assert [m["To"] for m in outbox()].count("accounts@debtor.example.in") == 1


def test_tribunal_constituted_is_mailed_once_to_a_debtor_with_an_account(app, db_session, outbox, monkeypatch):
    """The tribunal's own mail (tribunal_constituted.txt) is folded into the notifications: one mail."""
    in_window(monkeypatch)
    w = world()
    w.case.debtor.user_id = DebtorUserFactory().id
    record("arbitration.arbitrator_accepted", w.case, w.neutral, appointment_id=1, challenge_deadline=SOON)
    assert who(w, items(w.case))["debtor"] == "tribunal_constituted"
    assert "debtor" in mailed(w, outbox())
    assert len([m for m in outbox() if "tribunal" in m["Subject"] and "debtor" in m["To"]]) == 1


def test_no_mail_to_the_person_who_acted(db_session, outbox):
    w = world(CaseStatus.IN_NEGOTIATION)
    record("settlement.created", w.case, w.filer, agreement_id=1, version=1, source="offer")
    assert who(w, items(w.case)) == {"filer": "settlement_to_sign", "org_admin": "settlement_to_sign",
                                      "debtor": "settlement_to_sign"}
    assert "filer" not in mailed(w, outbox()) and "org_admin" in mailed(w, outbox())


def test_events_that_wait_on_no_one_open_nothing(db_session, outbox):
    w = world()
    record("evidence.uploaded", w.case, w.filer, document_id=1)
    record("odr.message_posted", w.case, w.filer, message_id=1)
    assert items(w.case) == [] and mailed(w, outbox()) == set()


def test_the_sweep_finds_debtor_messages_still_owed(app, db_session, outbox, monkeypatch):
    from portal.notifications import tasks

    in_window(monkeypatch, hour=22)
    w = world()
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    record("debtor.dispute", w.case, None, response_id=1)  # creditor side only: nothing owed to the debtor
    item = next(i for i in items(w.case) if i.party_id)
    assert item.to_tell and tasks.owed_ids(utcnow()) == [item.id]
    in_window(monkeypatch, hour=10)
    assert tasks.tell_debtor.run(item.id)["result"] == "sent"
    assert tasks.owed_ids(utcnow()) == [] and mailed(w, outbox()) == {"debtor", "advocate"}


def test_the_institution_is_told_to_appoint_only_where_it_may(app, db_session, outbox, monkeypatch):
    """s.11: once both parties agreed in writing that the institution appoints, the second consent (or
    invoking, or a mandate ended) opens the admin's item; without that, only the parties are told."""
    from arbitration.tribunal.models import InstitutionConsent
    from portal.accounts.policy import Side
    from portal.extensions import db

    in_window(monkeypatch)
    w = world()
    record("arbitration.institution_consent", w.case, w.filer, consent_id=1, side="creditor")
    assert "admin" not in who(w, items(w.case))
    for side in Side.CREDITOR, Side.DEBTOR:
        db.session.add(InstitutionConsent(case_id=w.case.id, side=side, given_by_name="x", statement="Agreed."))
    db.session.flush()
    record("arbitration.institution_consent", w.case, None, consent_id=2, side="debtor")
    assert who(w, items(w.case))["admin"] == "tribunal_awaiting"
    record("case.invoke_arbitration", w.case, w.filer, **{"from": "responded", "to": "in_arbitration"})
    assert "tribunal_choose" not in who(w, items(w.case)).values()


def test_an_assignment_item_closes_when_the_advocate_declines_and_the_decline_on_the_next_assignment(
        db_session, outbox):
    w = world(CaseStatus.FILED)
    record("case.advocate_assigned", w.case, w.filer, advocate_id=w.advocate.id)
    assert who(w, items(w.case)) == {"advocate": "case_assigned"}
    record("case.advocate_declined", w.case, w.advocate, advocate_id=w.advocate.id, reason="A conflict.",
           staff_id=w.filer.id)
    found = items(w.case)
    assert who(w, found) == {"filer": "case_declined", "org_admin": "case_declined"}
    assert all("Adv. Nandini Rao declined" in i.what and "A conflict." in i.what for i in found)
    record("case.advocate_assigned", w.case, w.org_admin, advocate_id=w.advocate.id)
    assert who(w, items(w.case)) == {"advocate": "case_assigned"}
    record("case.submit_notice", w.case, w.filer, notice_id=signed_notice_record(w.case).id)
    assert who(w, items(w.case)) == {"advocate": "notice_review"}

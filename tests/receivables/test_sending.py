"""Sending reminders: one message per channel to the debtor's own addresses, inside the contact
window, under one daily cap shared with the notices, and the words in English and Hindi."""
from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.receivables import messages, sending
from portal.receivables.defaults import DEFAULT_LEVELS
from portal.receivables.models import Language, Reminder, ReminderLevel, ReminderMessage
from portal.receivables.policies import setting_for
from portal.receivables.states import ReminderStatus
from portal.receivables.tasks import run_once, waiting_pairs
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

SNAPSHOTS = Path(__file__).parent.parent / "snapshots" / "email"
NOON_IST = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)      # 12:00 IST
EVENING_IST = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)   # 19:30 IST
TODAY = date(2026, 12, 7)


def sms_sent(app) -> list[dict]:
    folder = Path(app.config["OUTBOX_PATH"]) / "sms"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.exists() else []


def statuses(case) -> list[ReminderStatus]:
    return [r.status for r in db.session.scalars(select(Reminder).where(Reminder.case_id == case.id)
                                                 .order_by(Reminder.id))]


def test_one_email_and_one_sms_carry_all_the_debtors_reminders(app, db_session, outbox):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("S-1", TODAY - timedelta(days=1)),
                       invoice("S-2", TODAY - timedelta(days=2), "5000.00"))
    before = len(sms_sent(app))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "sent"
    mails = outbox()
    assert len(mails) == 1 and mails[0]["To"] == "accounts@debtor.example.in"
    body = mails[0].get_body(("plain",)).get_content()
    assert "S-1" in body and "S-2" in body and "₹1,23,000.00" in body
    assert re.search(r"http://[^/]+/r/[A-Za-z0-9_-]{32}", body)
    texts = sms_sent(app)[before:]
    assert len(texts) == 1 and texts[0]["to"] == "+919812345678"
    assert texts[0]["template"] == "collection_reminder"
    assert statuses(case) == [ReminderStatus.SENT, ReminderStatus.SENT]
    assert db_session.scalar(select(ReminderMessage.id).where(
        ReminderMessage.party_id == case.debtor_party_id)) is not None
    # Sent is sent: another worker, a retry or the next run sends nothing.
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "nothing due"
    assert run_once(TODAY, queue_sending=False)["created"] == 0


def test_quiet_hours_defer_to_the_next_window(db_session, outbox):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("Q-1", TODAY - timedelta(days=1)))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, case.debtor_party_id, EVENING_IST) == "deferred"
    assert outbox() == []
    reminder = db_session.scalar(select(Reminder).where(Reminder.case_id == case.id))
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.not_before == datetime(2026, 12, 8, 2, 30, tzinfo=UTC)  # 08:00 IST next day
    assert "next attempt 08 Dec 2026 08:00 IST" in reminder.detail


def test_the_daily_cap_counts_every_message_to_the_debtor(db_session, outbox, monkeypatch):
    # Sent at noon IST on TODAY, as the calls below say: the message is recorded at the clock's time
    # (a real clock past TODAY's IST day would count it on another day).
    monkeypatch.setattr(sending, "utcnow", lambda: NOON_IST)
    creditor, _ = creditor_with_reminders()
    creditor.organization.daily_contact_cap = 1
    case = debtor_case(creditor, invoice("C-1", TODAY - timedelta(days=1)))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "sent"
    assert len(outbox()) == 1  # the cap of one left room for the e-mail only, not the SMS
    second = debtor_case(creditor, invoice("C-2", TODAY - timedelta(days=8)), party=case.debtor)
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, second.debtor_party_id, NOON_IST) == "deferred"
    assert len(outbox()) == 1


def test_only_the_debtors_own_addresses_and_none_means_failed(db_session, outbox):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("N-1", TODAY - timedelta(days=1)))
    case.debtor.contacts.clear()
    db_session.flush()
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "no address"
    assert statuses(case) == [ReminderStatus.FAILED]
    assert outbox() == []


def test_a_reminder_paid_before_it_went_is_skipped(db_session, outbox):
    from decimal import Decimal

    from portal.cases.models import Payment, PaymentMethod

    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("K-1", TODAY - timedelta(days=1), "1000.00"))
    run_once(TODAY, queue_sending=False)
    db_session.add(Payment(case_id=case.id, amount=Decimal("1000.00"), paid_on=TODAY,
                           method=PaymentMethod.UPI, recorded_by_id=creditor.id))
    db_session.flush()
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "no longer due"
    assert statuses(case) == [ReminderStatus.SKIPPED]
    assert outbox() == []


def test_a_dead_senders_lease_runs_out_and_the_sweep_sends_again(db_session, outbox):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("W-1", TODAY - timedelta(days=1)))
    run_once(TODAY, queue_sending=False)
    claimed = sending.claim(creditor.org_id, case.debtor_party_id, NOON_IST)  # then the worker dies
    assert isinstance(claimed, tuple)
    assert waiting_pairs(NOON_IST) == []  # held by the lease
    reminder = db_session.scalar(select(Reminder).where(Reminder.case_id == case.id))
    reminder.claimed_until = NOON_IST - timedelta(seconds=1)  # the lease has run out
    db_session.flush()
    assert waiting_pairs(NOON_IST) == [[creditor.org_id, case.debtor_party_id]]
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "sent"
    assert statuses(case) == [ReminderStatus.SENT]


def test_the_debtors_language_is_used(db_session, outbox):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("H-1", TODAY - timedelta(days=1)), mobile=False)
    setting_for(creditor.org_id, case.debtor_party_id).language = Language.HINDI
    run_once(TODAY, queue_sending=False)
    sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST)
    (mail,) = outbox()
    assert mail["Subject"].startswith("भुगतान अनुस्मारक")
    assert "बिल H-1" in mail.get_body(("plain",)).get_content()


def _level(offset: int) -> ReminderLevel:
    d = next(d for d in DEFAULT_LEVELS if d.offset_days == offset)
    return ReminderLevel(offset_days=d.offset_days, tone=d.tone, channels=d.channels,
                         include_interest=d.include_interest, last_before_notice=d.last_before_notice,
                         call_task=d.call_task, subject_en=d.subject_en, body_en=d.body_en,
                         subject_hi=d.subject_hi, body_hi=d.body_hi)


ITEMS = [messages.Item("KT/2026/118", date(2026, 9, 1), date(2026, 10, 16), __import__("decimal").Decimal("118000.00")),
         messages.Item("KT/2026/131", date(2026, 9, 20), date(2026, 11, 4), __import__("decimal").Decimal("45250.50"))]


@pytest.mark.parametrize("offset,lang", [(o, lang) for o in (-3, 1, 7, 15, 30) for lang in ("en", "hi")])
def test_reminder_text_matches_its_snapshot(offset, lang):
    from decimal import Decimal

    composed = messages.compose(_level(offset), Language(lang), debtor="Shree Garments", creditor="Kaveri Textiles",
                                items=ITEMS, interest=Decimal("9876.54"), msefc=True,
                                link="https://sulah.example/r/TOKEN")
    text = f"Subject: {composed.subject}\n\n{composed.text}\n\n--- SMS ---\n{composed.sms}\n"
    path = SNAPSHOTS / f"receivables_reminder_{offset:+d}_{lang}.txt"
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: run with SULAH_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_messages_other_packages_sent_today_count_against_the_cap(db_session, outbox, monkeypatch):
    from notices.conduct import other_contacts

    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("O-1", TODAY - timedelta(days=1)))
    run_once(TODAY, queue_sending=False)
    # As portal.notifications would provide its count: the debtor already had four messages today.
    monkeypatch.setitem(other_contacts._parts, "notifications", lambda party_ids, now: dict.fromkeys(party_ids, 4))
    assert sending.send_for(creditor.org_id, case.debtor_party_id, NOON_IST) == "deferred"
    assert outbox() == []

"""Cheque dishonour (NI Act s.138, s.142; issue 17.3): the recitals checked against the dates, the
30 days to send the notice counted from receipt of the return memo and enforced when serving, the
drawer's 15 days from receipt of the notice, and the complaint window. Dates worked by hand."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from notices import cheque
from notices.drafting import workflow as services
from notices.models import NoticeKind, NoticeLanguage
from notices.serving import dispatch as dispatching
from notices.serving import postal
from notices.serving.models import ChannelKind, ServiceTerms
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import day
from portal.notifications.models import AttentionItem
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory
from tests.serving.helpers import delivered, signed_notice


def test_validity_and_the_thirty_days_by_hand():
    # A cheque dated 15 Sep 2026 may be presented until 14 Dec 2026 (three months, RBI 2012).
    assert cheque.last_valid_day(date(2026, 9, 15)) == date(2026, 12, 14)
    assert cheque.last_valid_day(date(2026, 11, 30)) == date(2027, 2, 27)  # no 30 Feb: 28 Feb, less a day
    # Memo received 3 Nov 2026: the notice must be sent by 3 Dec 2026 (s.138(b), first day excluded).
    assert cheque.notice_last_day(date(2026, 11, 3)) == date(2026, 12, 3)


def test_complaint_window_by_hand():
    # Notice received 2 Dec 2026: 15 days to pay end 17 Dec; cause of action 18 Dec; complaint by
    # 18 Jan 2027 (s.142(1)(b): one month, the first day excluded; Saketh India, (1999) 3 SCC 1).
    w = cheque.complaint_window(date(2026, 12, 2))
    assert (w.pay_by, w.opens_on, w.closes_on) == (date(2026, 12, 17), date(2026, 12, 18), date(2027, 1, 18))
    assert [w.state(d) for d in (date(2026, 12, 17), date(2026, 12, 18), date(2027, 1, 18),
                                 date(2027, 1, 19))] == ["not_yet", "open", "open", "closed"]
    # Received 15 Jan 2027: pay by 30 Jan, cause of action 31 Jan, complaint by 28 Feb 2027.
    w = cheque.complaint_window(date(2027, 1, 15))
    assert (w.pay_by, w.opens_on, w.closes_on) == (date(2027, 1, 30), date(2027, 1, 31), date(2027, 2, 28))


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("presented, memo, received, message", [
    (date(2026, 12, 15), date(2026, 12, 1), date(2026, 12, 2), "after its validity ended on 14 Dec 2026"),
    (date(2026, 9, 10), date(2026, 11, 1), date(2026, 11, 2), "before its date"),
    (date(2026, 11, 1), date(2026, 10, 30), date(2026, 11, 2), "dated before the cheque was presented"),
    (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 1), "received before its date"),
    (date(2026, 11, 1), date(2026, 11, 2), date(2026, 12, 7), "in the future"),
    (date(2026, 10, 1), date(2026, 10, 20), date(2026, 11, 5), "by 05 Dec 2026; it can no longer go"),
    (None, date(2026, 11, 2), date(2026, 11, 3), "date the cheque was presented"),
    (date(2026, 11, 1), date(2026, 11, 2), None, "received the bank's return memo"),
])
def test_recitals_the_dates_do_not_support_are_refused(presented, memo, received, message):
    problems = cheque.recital_problems(date(2026, 9, 15), presented, memo, received, TODAY)
    assert any(message in p for p in problems), problems


def test_recitals_that_hold():
    # Dated 3 Aug, presented on its last valid day (2 Nov), memo of 3 Nov received 6 Nov; 6 Dec is the
    # thirtieth day after.
    assert cheque.last_valid_day(date(2026, 8, 3)) == date(2026, 11, 2)
    assert cheque.recital_problems(date(2026, 8, 3), date(2026, 11, 2), date(2026, 11, 3),
                                   date(2026, 11, 6), date(2026, 12, 6)) == []


@pytest.fixture
def parties(db_session):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id)
    return creditor, advocate, case


@pytest.mark.parametrize("language", [NoticeLanguage.ENGLISH, NoticeLanguage.HINDI])
def test_the_30_days_run_from_receipt_of_the_memo_and_the_drawer_always_has_15(db_session, parties, language):
    creditor, _adv, case = parties
    today = today_ist()
    # The memo is dated 40 days ago but reached the payee 25 days ago: still in time (s.138(b)).
    details = services.ChequeDetails("123456", "SBI Pune", today - timedelta(days=60), 10000,
                                     today - timedelta(days=40), "Funds insufficient",
                                     presented_on=today - timedelta(days=45),
                                     memo_received_on=today - timedelta(days=25))
    notice = services.start_notice(creditor, case, today, language=language, pay_within_days=30, cheque=details)
    assert notice.pay_within_days == 15  # s.138(c), whatever was asked
    assert (notice.cheque_presented_on, notice.memo_received_on) == (details.presented_on, details.memo_received_on)
    text = notice.current.body_text
    received = day(details.memo_received_on, language.value, "%d %b %Y")   # 12 Nov 2026 / 12 नवंबर 2026
    presented = day(details.presented_on, language.value, "%d %b %Y")
    assert received in text and presented in text
    assert ("within thirty days" in text) if language == NoticeLanguage.ENGLISH else ("तीस दिनों" in text)


@pytest.fixture
def cheque_notice(db_session, outbox):
    """A signed s.138 notice whose payee received the return memo 30 days ago (the last day to send)."""
    creditor, _adv, case, notice = signed_notice(mobile=None)
    notice.kind = NoticeKind.CHEQUE_DISHONOUR
    notice.memo_received_on = today_ist() - timedelta(days=30)
    notice.pay_within_days = 30  # a stale setting: s.138(c) gives 15 whatever it says
    return creditor, case, notice


def test_service_is_refused_by_email_alone_and_after_the_thirty_days(cheque_notice):
    creditor, _case, notice = cheque_notice
    with pytest.raises(DomainError, match="registered post as well"):
        dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    notice.memo_received_on = today_ist() - timedelta(days=31)
    with pytest.raises(DomainError, match="that period has ended"):
        dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.POST})
    assert dispatching.dispatches_for(notice) == []


def test_a_posting_booked_after_the_thirty_days_is_refused(cheque_notice):
    creditor, _case, notice = cheque_notice
    created = dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.POST})
    post = next(d for d in created if d.channel == ChannelKind.POST)
    notice.memo_received_on = today_ist() - timedelta(days=31)
    with pytest.raises(postal.PostalInputError, match="within 30 days of receiving the return memo"):
        postal.record_posting(creditor, post, "RK123456785IN", "registered_post", today_ist())


def test_fifteen_days_and_the_complaint_window_run_from_receipt(cheque_notice, outbox):
    creditor, case, notice = cheque_notice
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.POST})
    commit()
    terms = db.session.get(ServiceTerms, notice.id)
    assert terms.respond_by is None
    # The DSN: delivered 2 Dec 2026, 11:00 IST. Fifteen days: pay by 17 Dec; complaint 18 Dec–18 Jan.
    delivered(notice, datetime(2026, 12, 2, 5, 30, tzinfo=UTC))
    assert terms.respond_by == date(2026, 12, 17)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.received",
                                                       AuditEvent.case_id == case.id))
    assert (event.data["complaint_from"], event.data["complaint_by"]) == ("2026-12-18", "2027-01-18")
    alert = db.session.scalar(select(AttentionItem).where(AttentionItem.case_id == case.id,
                                                          AttentionItem.kind == "cheque_complaint"))
    assert alert.due_at == datetime(2027, 1, 18, 18, 29, tzinfo=UTC)  # 23:59 IST on the last day
    assert "17 Dec 2026" in alert.what and "18 Dec 2026" in alert.may and "s.142(1)(b)" in alert.may
    # The mail's Hindi half writes each date the Hindi way, in its sentences and on its due line.
    commit()
    mail = next(m for m in outbox() if "s.142(1)(b)" in m.get_body(("plain",)).get_content())
    hindi = mail.get_body(("plain",)).get_content().split("प्रिय ", 1)[1]
    assert "17 दिसंबर 2026" in hindi and "18 दिसंबर 2026" in hindi and "अंतिम तिथि: 18 जनवरी 2027, 23:59 IST" in hindi
    assert "Dec 2026" not in hindi and "Jan 2027" not in hindi

"""The notice period, checked by Celery beat. It runs from receipt, not dispatch (IT Act s.13(2);
`ServiceTerms.respond_by` is set by notices/serving/receipt.py, and stays empty while no receipt is
proven, so nothing here runs for a notice that never arrived). Days are IST calendar days: a notice
received at 23:30 IST on 1 December with 15 days to pay must be paid by the end of 16 December IST.

- REMINDER_DAYS_BEFORE days before the last day, a reminder goes to the addresses the notice
  reached (through the dispatch pipeline, so the contact window and the daily cap apply).
- The day after the last day, an unanswered case (still `notice_served`) moves into the ODR room
  if the creditor chose so, and both parties are invited.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select

from notices.serving.dispatch import dispatches_for, follow_up
from notices.serving.models import ChannelKind, Purpose, ServiceTerms
from notices.serving.states import DispatchStatus
from portal import audit
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.cases import CaseStatus, fire
from portal.extensions import db
from portal.types import IST, utcnow

REMIND_ON = (ChannelKind.EMAIL, ChannelKind.SMS)


def today_ist(now: datetime) -> date:
    return now.astimezone(IST).date()


def check(now: datetime | None = None) -> dict:
    now = now or utcnow()
    today = today_ist(now)
    days_before = current_app.config["REMINDER_DAYS_BEFORE"]
    report = {"reminders": 0, "escalated": 0}
    open_terms = db.session.scalars(select(ServiceTerms).where(
        ServiceTerms.respond_by.is_not(None), ServiceTerms.escalated_at.is_(None))).all()
    for terms in open_terms:
        case = terms.notice.case
        if case.status != CaseStatus.NOTICE_SERVED:
            continue  # answered, paid or moved on: no reminder, no escalation
        if terms.reminder_sent_at is None and terms.respond_by - timedelta(days=days_before) <= today \
                <= terms.respond_by:
            # Marked only when a reminder was queued: none goes where the notice itself never went.
            if follow_up(terms.notice, Purpose.REMINDER, REMIND_ON):
                terms.reminder_sent_at = now
                report["reminders"] += 1
        elif today > terms.respond_by and terms.escalate_to_odr:
            if not _reached_by_email(terms.notice):
                continue  # no invitation could go: the creditor decides (the case page says so)
            escalate(terms, now)
            report["escalated"] += 1
    return report


def _reached_by_email(notice) -> bool:
    """The ODR invitation goes by e-mail to an address the notice went to and did not bounce from."""
    return any(d.channel == ChannelKind.EMAIL and d.status == DispatchStatus.SENT
               for d in dispatches_for(notice))


def escalate(terms: ServiceTerms, now: datetime) -> None:
    notice, case = terms.notice, terms.notice.case
    fire(case, "open_negotiation", None, payload={
        "notice_id": notice.id, "reason": f"the period to pay ended on {terms.respond_by:%d %b %Y} "
                                          "(IST) without a response"})
    terms.escalated_at = now
    follow_up(notice, Purpose.ODR_INVITE, (ChannelKind.EMAIL,))
    requester = db.session.get(User, terms.requested_by_id)
    if requester is not None:
        url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/cases/{case.reference}"
        queue_mail(MailMessage(
            to=[requester.email], subject=f"{case.reference}: moved to online dispute resolution",
            text=render_template("email/odr_opened_creditor.txt", case=case, terms=terms, url=url)))
    audit.record("notice.escalated_to_odr", actor=None, case=case,
                 payload={"notice_id": notice.id, "respond_by": terms.respond_by.isoformat()})

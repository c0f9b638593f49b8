"""Reminders of the procedural calendar: once a day, each party whose step falls due within
REMINDER_DAYS and is not filed gets an e-mail (once ahead, once more on the day itself). Scheduled in
portal/celery.py's beat schedule; each step commits on its own, so one failure does not undo the rest."""
from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from flask import render_template
from sqlalchemy import select

from arbitration.proceedings.conduct import PARTY_LABELS
from arbitration.proceedings.mail import page_url, recipients
from arbitration.proceedings.models import CalendarStep
from portal import audit
from portal.adapters import MailMessage, queue_mail
from portal.cases import Case, CaseStatus
from portal.database import commit, rollback
from portal.extensions import db
from portal.types import to_ist, utcnow

log = logging.getLogger(__name__)
REMINDER_DAYS = 3


def due_for_reminder(step: CalendarStep, today: date) -> bool:
    """Unfiled, due within REMINDER_DAYS, and not yet reminded at this stage (ahead / on the day)."""
    left = (step.due_on - today).days
    if step.filed_at is not None or not 0 <= left <= REMINDER_DAYS:
        return False
    if step.last_reminded_on is None:
        return True
    return left == 0 and step.last_reminded_on < step.due_on


def remind(step: CalendarStep, today: date) -> bool:
    case = db.session.get(Case, step.case_id)
    to = recipients(case, step.party)
    url = page_url(case)
    if to:
        text = render_template("email/proceedings_step_reminder.txt", case=case, step=step,
                               party=PARTY_LABELS[step.party], today=today, url=url)
        subject = f"{case.reference}: {step.title} due on {step.due_on:%d %b %Y}"
        queue_mail(MailMessage(to=to, subject=subject, text=text))
    step.last_reminded_on = today
    audit.record("arbitration.step_reminder", actor=None, case=case, payload={
        "step_id": step.id, "due_on": step.due_on.isoformat(), "sent_to": len(to)})
    return bool(to)


def run(today: date) -> dict:
    ids = db.session.scalars(select(CalendarStep.id).join(Case, Case.id == CalendarStep.case_id).where(
        CalendarStep.filed_at.is_(None), Case._status == CaseStatus.IN_ARBITRATION,
        CalendarStep.due_on >= today).order_by(CalendarStep.id)).all()
    sent = 0
    for step_id in ids:
        step = db.session.get(CalendarStep, step_id, with_for_update={"key_share": True})
        try:
            if step is not None and due_for_reminder(step, today):  # re-checked under the row lock
                sent += remind(step, today)
            commit()
        except Exception:  # one step's failure (a template, the mail queue) must not stop the others
            rollback()
            log.exception("calendar reminder failed for step %s", step_id)
    return {"checked": len(ids), "sent": sent}


@shared_task(name="arbitration.remind_calendar_steps")
def remind_calendar_steps() -> dict:
    return run(to_ist(utcnow()).date())

"""The scheduled side of instalment tracking: a reminder before each due date, and the default after
the grace period, each sent once and only inside the contact window (08:00-19:00 IST by default,
notices/serving/contact_rules.py). Called by the beat task in tasks.py; each instalment commits on its own.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, render_template

from arbitration.settlement import instalments
from arbitration.settlement.models import InstalmentRow
from notices import ContactPolicy, next_contact_time
from portal import audit, formatting, outbox
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.cases import Case, CaseStatus, ContactKind
from portal.database import commit, rollback
from portal.extensions import db
from portal.types import to_ist

log = logging.getLogger(__name__)


def reminder_days() -> int:
    return int(current_app.config.get("SETTLEMENT_REMINDER_DAYS", 3))


def _url(case: Case) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/odr/{case.reference}/settlement"


def _window_open(case: Case, now: datetime) -> bool:
    return next_contact_time(now, ContactPolicy.of(case.creditor), 0) is None


def debtor_emails(case: Case) -> list[str]:
    return [c.value for c in sorted(case.debtor.contacts, key=lambda c: not c.designated)
            if c.kind == ContactKind.EMAIL]


def debtor_mobiles(case: Case) -> list[str]:
    return [c.value for c in case.debtor.contacts if c.kind != ContactKind.EMAIL]


def creditor_emails(case: Case) -> list[str]:
    creator = db.session.get(User, case.created_by_id)
    return [u.email for u in (creator, case.advocate) if u is not None and u.email]


def remind(row: InstalmentRow, now: datetime) -> bool:
    """E-mail the debtor about one instalment falling due; False when outside the contact window."""
    case, today = row.agreement.case, to_ist(now).date()
    if not _window_open(case, now):
        return False
    state = next(s for s in instalments.schedule(row.agreement, today) if s.row.id == row.id)
    to = debtor_emails(case)
    if to:
        queue_mail(MailMessage(to=to, subject=f"{case.reference}: instalment {row.number} due on "
                                               f"{row.due_on:%d %b %Y}",
                                text=render_template("email/settlement_reminder.txt", case=case, row=row,
                                                     state=state, grace_days=instalments.grace_days(),
                                                     url=_url(case))))
    phones = debtor_mobiles(case)
    for phone in phones:
        _queue_sms(phone, row, state.unpaid)
    row.reminded_at = now
    audit.record("settlement.instalment_reminder", actor=None, case=case, payload={
        "agreement_id": row.agreement_id, "instalment": row.number, "due_on": row.due_on.isoformat(),
        "sent_to": len(to) + len(phones)})
    return True


def _queue_sms(phone: str, row: InstalmentRow, amount) -> None:
    """The reminder by SMS, after commit through the SMS task (its DLT template: settlement_reminder)."""
    case = row.agreement.case
    variables = [formatting.amount(amount), case.creditor.legal_name[:30], case.reference,
                 f"{row.due_on:%d %b %Y}", _url(case)]
    text = render_template("sms/settlement_reminder.txt", amount=variables[0], creditor=variables[1],
                           reference=variables[2], due=variables[3], url=variables[4]).strip()
    payload = {"to": phone, "template": "settlement_reminder", "variables": variables, "text": text,
               "idempotency_key": f"settlement-reminder-{row.id}-{phone[-4:]}"}
    outbox.enqueue("portal.tasks.send_sms", payload)


def default(row: InstalmentRow, now: datetime) -> bool:
    """Mark the case in default for this instalment and tell both parties; False outside the window."""
    case, today = row.agreement.case, to_ist(now).date()
    if not _window_open(case, now):
        return False
    state = next(s for s in instalments.schedule(row.agreement, today) if s.row.id == row.id)
    instalments.mark_default(row, today, now)
    text = render_template("email/settlement_default.txt", case=case, row=row, state=state,
                           grace_days=instalments.grace_days(), outstanding=instalments.outstanding(case),
                           url=_url(case))
    for to in (debtor_emails(case), creditor_emails(case)):
        if to:
            queue_mail(MailMessage(to=to, subject=f"{case.reference}: the settlement is in default",
                                    text=text))
    return True


def run(now: datetime) -> dict:
    """One pass: reminders, then defaults. A failure on one instalment is logged and skips only it."""
    today = to_ist(now).date()
    report = {"reminded": 0, "defaulted": 0, "held": 0, "failed": 0}
    reminders = [r.id for r in instalments.due_for_reminder(today, reminder_days())]
    defaults = [r.id for r in instalments.overdue(today)]
    for step, key, ids in ((remind, "reminded", reminders), (default, "defaulted", defaults)):
        for row_id in ids:
            try:
                row = db.session.get(InstalmentRow, row_id)
                if step is default and row.agreement.case.status != CaseStatus.SETTLED:
                    continue  # an earlier instalment of the same case already put it in default
                done = step(row, now)
                commit()
            except Exception:
                rollback()
                log.exception("settlement instalment %s", row_id)
                report["failed"] += 1
                continue
            report[key if done else "held"] += 1
    return report

"""Telling people: the notify e-mail (English, then Hindi) to users, queued after the commit; and the
debtor's e-mail and SMS, sent by a task only inside the creditor's contact window and under the
daily cap that notices.serving keeps (DOMAIN 24, 28)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import func, select

from notices.serving.contact_rules import ContactPolicy, ist_day_bounds, next_contact_time
from notices.serving.dispatch_runner import contacts_today
from portal.accounts.models import User
from portal.adapters import mail
from portal.audit import AuditEvent
from portal.cases.models import Case
from portal.database import after_commit
from portal.extensions import db
from portal.notifications import addressees, rules
from portal.notifications.facts import gather
from portal.notifications.models import AttentionItem
from portal.notifications.rules import Tell
from portal.tasks import send_sms
from portal.types import utcnow
from portal.urls import public_url
from portal.web.filters import ist

SMS_TEMPLATE = "attention"  # DLT: "Sulah: {#var#} (ref {#var#}). See {#var#}"


def clock() -> datetime:
    """Now; tests replace it to stand inside or outside the contact window."""
    return utcnow()


def render(tell_kind: str, lang: str, *, name: str, what: str, may: str, due: str, url: str) -> str:
    template = "email/notify_attention.txt" if lang == "en" else "email/notify_attention_hi.txt"
    return render_template(template, kind=tell_kind, name=name, what=what, may=may, due=due, url=url)


def bilingual(tell: Tell, facts: dict, due: datetime | None, url: str, name: str) -> str:
    due_text = ist(due)
    parts = []
    for lang in ("en", "hi"):
        what, may = rules.words(tell, facts, lang, due_text)
        parts.append(render(tell.kind, lang, name=name, what=what, may=may, due=due_text, url=url))
    return "\n\n".join(parts)


def subject(what: str) -> str:
    return what if len(what) <= 140 else what[:139] + "…"


def mail_user(user: User, tell: Tell, case: Case, facts: dict, due: datetime | None, args: dict) -> None:
    url = public_url(tell.endpoint, **args)
    what, _ = rules.words(tell, facts, "en", ist(due))
    mail.queue(mail.Message(to=[user.email], subject=subject(what),
                            text=bilingual(tell, facts, due, url, user.name)))


def _told_today(party_id: int, now: datetime) -> int:
    start, end = ist_day_bounds(now)
    return db.session.scalar(select(func.coalesce(func.sum(AttentionItem.told_channels), 0)).where(
        AttentionItem.party_id == party_id, AttentionItem.told_at >= start, AttentionItem.told_at < end)) or 0


def debtor_wait(case: Case, now: datetime) -> datetime | None:
    """None when a message to the debtor may go now, else the earliest instant it may (IST-aware).
    Counts the notices' dispatches and these messages against the one daily cap."""
    used = contacts_today(case.debtor_party_id, now, excluding=0) + _told_today(case.debtor_party_id, now)
    return next_contact_time(now, ContactPolicy.of(case.creditor), used)


def deliver_to_debtor(item_id: int, now: datetime) -> tuple[str, datetime | None]:
    """Send one debtor item's e-mail and SMS if the contact rules allow it now. Returns
    ("sent" | "done" | "deferred", when to try again). Flushes; the caller commits."""
    item = db.session.get(AttentionItem, item_id)
    if item is None or item.resolved_at is not None or item.told_at is not None:
        return "done", None
    case = db.session.get(Case, item.case_id)
    wait = debtor_wait(case, now)
    if wait is not None:
        return "deferred", wait
    tell = next(t for t in rules.RULES[item.action] if t.kind == item.kind)
    args = json.loads(item.link_args)
    url = public_url(item.endpoint, **args)
    facts = gather(db.session.get(AuditEvent, item.event_id), case)
    sent = 0
    emails = addressees.debtor_emails(case)
    if emails:
        mail.queue(mail.Message(to=emails, subject=subject(item.what),
                                text=bilingual(tell, facts, item.due_at, url, case.debtor.legal_name)))
        sent += 1
    mobile = addressees.debtor_mobile(case)
    if mobile:
        _queue_sms(item, case, mobile, url)
        sent += 1
    item.told_at, item.told_channels = now, sent
    db.session.flush()
    return "sent", None


def sms_text(reference: str, what: str, url: str) -> tuple[list[str], str]:
    """The SMS's DLT variables and text: no figures, only that something waits and where."""
    variables = [what[:60], reference, url]
    text = render_template("sms/attention.txt", what=variables[0], reference=reference, url=url)
    return variables, text.strip()


def _queue_sms(item: AttentionItem, case: Case, phone: str, url: str) -> None:
    short = rules.SMS_HEADLINES.get(item.kind, "a step in your case waits for you")
    variables, text = sms_text(case.reference, short, url)
    payload: dict[str, Any] = {"to": phone, "template": SMS_TEMPLATE, "variables": variables, "text": text,
                               "idempotency_key": f"attention-{item.id}-{phone[-4:]}"}
    after_commit(lambda: send_sms.delay(payload))

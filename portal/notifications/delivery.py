"""Telling people: the notify e-mail (English, then Hindi) to users, queued after the commit; and the
debtor's e-mail, SMS and WhatsApp, sent by a task only inside the creditor's contact window and under
the daily cap that notices.serving keeps, each channel counting as a message (DOMAIN 24, 28);
WhatsApp only beside the e-mail (DOMAIN 7) and only on a number the debtor took the notice on."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import func, select

from notices import ContactPolicy, contacts_today, debtor_language, ist_day_bounds, next_contact_time
from portal import outbox
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.audit import AuditEvent
from portal.cases import Case
from portal.database import before_commit
from portal.debtor import chosen_language
from portal.extensions import db
from portal.i18n import force_locale, gettext
from portal.notifications import addressees, rules
from portal.notifications.facts import gather
from portal.notifications.models import AttentionItem
from portal.notifications.rules import Tell
from portal.types import utcnow
from portal.urls import public_url
from portal.web.filters import ist

LANGUAGES = ("en", "hi")
_DIGEST = "sulah_notify_digest"
# The SMS's DLT registration in each language, the Hindi registered as its own (as the Hindi notice's
# SMS are): "Sulah: {#var#} (ref {#var#}). See {#var#}" and "सुलह: {#var#} (संदर्भ {#var#})। देखें {#var#}".
# WhatsApp's templates have the same names and the same three body parameters.
TEXT_TEMPLATES = {"en": "attention", "hi": "attention_hi"}


def clock() -> datetime:
    """Now; tests replace it to stand inside or outside the contact window."""
    return utcnow()


@dataclass(frozen=True)
class Entry:
    """One item as a mail tells it, in each language."""
    what: dict[str, str]
    may: dict[str, str]
    due: dict[str, str]  # the date it waits until, as each language writes it ("" when none)
    url: str
    item_id: int | None = None  # the item it tells of: closed before the commit, it is not mailed


def words_in(language: str, tell: Tell, facts: Mapping[str, Any], due_text: str) -> tuple[str, str]:
    """(what happened, what they may do) in `language`: the table's messages from the catalogue."""
    with force_locale(language):
        return rules.words(tell, facts, language, due_text, gettext)


def entry(tell: Tell, facts: Mapping[str, Any], due: datetime | None, url: str) -> Entry:
    """The item in each language, its due time written as that language writes it (20 Dec 2026,
    17:00 IST; 20 दिसंबर 2026, 17:00 IST), in its sentences and on its own line."""
    due_text = {lang: ist(due, language=lang) for lang in LANGUAGES}
    texts = {lang: words_in(lang, tell, facts, due_text[lang]) for lang in LANGUAGES}
    return Entry({k: v[0] for k, v in texts.items()}, {k: v[1] for k, v in texts.items()}, due_text, url)


def render(lang: str, *, name: str, entries: list[Entry]) -> str:
    template = "email/notify_attention.txt" if lang == "en" else "email/notify_attention_hi.txt"
    return render_template(template, name=name, entries=entries, lang=lang)


def compose(name: str, entries: list[Entry], language: str = "en") -> tuple[str, str]:
    """(subject, text): the text English, then Hindi; the subject in the addressee's `language` (a
    debtor's; users read English). Several items of one transaction in one mail (users only)."""
    if len(entries) == 1:
        what = entries[0].what.get(language, entries[0].what["en"])
        title = what if len(what) <= 140 else what[:139] + "…"
    else:
        title = f"{len(entries)} steps on Sulah wait for you"
    return title, "\n\n".join(render(lang, name=name, entries=entries) for lang in LANGUAGES)


def mail_user(user: User, tell: Tell, facts: Mapping[str, Any], due: datetime | None, args: dict,
              item_id: int | None = None) -> None:
    """Queue the item for `user`'s mail of this transaction, sent after the commit. A bulk action
    (a batch of notices approved at once) makes one mail listing them, not one mail per case."""
    session = db.session()
    root = session.get_transaction()
    held = session.info.get(_DIGEST)
    if held is None or held[0] is not root:  # a new transaction: the last one's list went or was dropped
        held = session.info[_DIGEST] = (root, {})
        pending = held[1]
        before_commit(lambda: _send(pending))
    name, entries = held[1].setdefault(user.email, (user.name, []))
    entries.append(replace(entry(tell, facts, due, public_url(tell.endpoint, **args)), item_id=item_id))


def forget(item_ids: set[int]) -> None:
    """Items closed in the transaction that opened them (submitted, approved and signed in one go):
    their mail, not yet sent, is dropped."""
    held = db.session().info.get(_DIGEST)
    if not item_ids or held is None or held[0] is not db.session().get_transaction():
        return
    for _name, entries in held[1].values():
        entries[:] = [e for e in entries if e.item_id not in item_ids]


def _send(pending: dict[str, tuple[str, list[Entry]]]) -> None:
    """Runs just before the commit: each mail goes into the outbox with the rest of the transaction."""
    for address, (name, entries) in pending.items():
        if not entries:
            continue
        title, text = compose(name, entries)
        queue_mail(MailMessage(to=[address], subject=title, text=text))


def told_today(party_ids: frozenset[int], now: datetime) -> dict[int, int]:
    """Attention messages (each channel one) sent to each of these parties on `now`'s IST day;
    provided to notices.conduct.other_contacts, which sums them over each debtor's parties."""
    start, end = ist_day_bounds(now)
    return dict(db.session.execute(
        select(AttentionItem.party_id, func.coalesce(func.sum(AttentionItem.told_channels), 0)).where(
            AttentionItem.party_id.in_(sorted(party_ids)), AttentionItem.told_at >= start,
            AttentionItem.told_at < end).group_by(AttentionItem.party_id)).all())


def _used_today(case: Case, now: datetime) -> int:
    """Every message to the case's debtor today: notices', reminders', these (DOMAIN 28)."""
    return contacts_today(case.debtor_party_id, now)


def debtor_wait(case: Case, now: datetime) -> datetime | None:
    """None when a message to the debtor may go now, else the earliest instant it may (IST-aware).
    Counts every message to the debtor against the one daily cap."""
    return next_contact_time(now, ContactPolicy.of(case.creditor), _used_today(case, now))


def channels(has_email: bool, mobile: bool, whatsapp: bool, allowed: int) -> list[str]:
    """Which channels an item goes on: e-mail, SMS, WhatsApp in that order, no more than the messages
    the daily cap leaves (`allowed`); WhatsApp never without the e-mail (DOMAIN 7)."""
    wanted = [name for name, ok in (("email", has_email), ("sms", mobile),
                                    ("whatsapp", whatsapp and has_email)) if ok]
    chosen = wanted[:max(allowed, 0)]
    return chosen if "email" in chosen else [c for c in chosen if c != "whatsapp"]


def deliver_to_debtor(item_id: int, now: datetime) -> tuple[str, datetime | None]:
    """Send one debtor item's e-mail, SMS and WhatsApp if the contact rules allow it now. Returns
    ("sent" | "done" | "deferred", when to try again). Flushes; the caller commits."""
    item = db.session.get(AttentionItem, item_id)
    if item is None or item.resolved_at is not None or item.told_at is not None:
        return "done", None
    case = db.session.get(Case, item.case_id)
    policy = ContactPolicy.of(case.creditor)
    used = _used_today(case, now)
    wait = next_contact_time(now, policy, used)
    if wait is not None:
        return "deferred", wait
    # The debtor's own rule: an offer's kind is also the creditor side's, worded for that side.
    facts = gather(db.session.get(AuditEvent, item.event_id), case)
    tell = rules.rule_for(item.action, item.kind, item.audience, facts)
    if tell is None:  # the table no longer has the rule that opened it: nothing to say
        return "done", None
    args = json.loads(item.link_args)
    url = public_url(item.endpoint, **args)
    emails, mobile = addressees.debtor_emails(case), addressees.debtor_mobile(case)
    whatsapp = addressees.debtor_whatsapp(case) if mobile and emails else None
    chosen = channels(bool(emails), bool(mobile), bool(whatsapp), policy.daily_cap - used)
    # The language the debtor chose on its pages, else its recorded one (that of its demand notice).
    language = chosen_language(case.id) or debtor_language(case)
    if "email" in chosen:
        title, text = compose(case.debtor.legal_name, [entry(tell, facts, item.due_at, url)], language)
        queue_mail(MailMessage(to=emails, subject=title, text=text))
    if "sms" in chosen:
        _queue_text("portal.tasks.send_sms", item, case, mobile, url, language)
    if "whatsapp" in chosen:
        _queue_text("portal.tasks.send_whatsapp", item, case, whatsapp, url, language)
    item.told_at, item.told_channels = now, len(chosen)
    db.session.flush()
    return "sent", None


def headline(kind: str, language: str) -> str:
    """What an SMS or WhatsApp message says of an item of `kind`, in `language` (the catalogue's)."""
    with force_locale(language):
        return gettext(rules.SMS_HEADLINES.get(kind, rules.SMS_HEADLINE_OTHERWISE))


def item_words(items: list[AttentionItem], language: str) -> dict[int, tuple[str, str]]:
    """(what happened, what they may do) of each item in `language`, put into words again from the
    rule and the event that opened it (its facts read as the listener read them); the stored English
    where the rule is gone. Two statements for the events and cases, and the facts' own look-ups."""
    out = {item.id: (item.what, item.may) for item in items}
    if not items:
        return out
    events = {e.id: e for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.id.in_({item.event_id for item in items})))}
    cases = {c.id: c for c in db.session.scalars(
        select(Case).where(Case.id.in_({item.case_id for item in items})))}
    for item in items:
        event, case = events.get(item.event_id), cases.get(item.case_id)
        if event is None or case is None:
            continue
        facts = gather(event, case)
        tell = rules.rule_for(item.action, item.kind, item.audience, facts)
        if tell is not None:
            out[item.id] = words_in(language, tell, facts, ist(item.due_at, language=language))
    return out


def sms_text(reference: str, what: str, url: str, language: str = "en") -> tuple[str, list[str], str]:
    """The SMS's DLT template in `language`, its variables and its text: no figures, only that
    something waits and where."""
    template = TEXT_TEMPLATES.get(language, TEXT_TEMPLATES["en"])
    variables = [what[:60], reference, url]
    text = render_template(f"sms/{template}.txt", what=variables[0], reference=reference, url=url)
    return template, variables, text.strip()


def _queue_text(task: str, item: AttentionItem, case: Case, phone: str, url: str, language: str) -> None:
    """An SMS or WhatsApp message in the debtor's language: that something waits and where, never a
    figure or the terms."""
    template, variables, text = sms_text(case.reference, headline(item.kind, language), url, language)
    channel = "whatsapp" if task.endswith("whatsapp") else "sms"
    payload: dict[str, Any] = {"to": phone, "template": template, "variables": variables, "text": text,
                               "idempotency_key": f"attention-{item.id}-{channel}-{phone[-4:]}"}
    outbox.enqueue(task, payload)

"""Sending one debtor's pending reminders: one message per channel carrying every reminder due,
inside the contact window and under the daily cap, to the debtor's own addresses only.

Three short transactions, as the notice dispatcher does: claim (a lease on the reminders, so two
workers never both send), send (no transaction held while a provider answers), finish. A worker
killed after claiming leaves a lease that expires; the sweep then sends again.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import or_, select, update

from notices import lock_debtors
from portal.accounts import Organization
from portal.adapters import MailMessage, OutgoingMessage, PermanentFailure, TransientFailure, send_mail
from portal.cases import Case, ClaimType, ContactKind, Invoice, Party, compute_case
from portal.database import commit, rollback
from portal.extensions import db
from portal.i18n import N_
from portal.rates import rate_table
from portal.receivables import conduct, evaluation, links, messages
from portal.receivables.calls import CALL_DAYS
from portal.receivables.models import Channel, Language, Reminder, ReminderMessage
from portal.receivables.policies import setting_for
from portal.receivables.states import ReminderStatus
from portal.receivables.transitions import fire
from portal.types import IST, to_ist, utcnow

log = logging.getLogger(__name__)
ORDER = (Channel.EMAIL, Channel.SMS, Channel.WHATSAPP)


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    address: str
    subject: str
    text: str
    sms_variables: tuple[str, ...]
    key: str


def _lock_party(party_id: int) -> Mapping[int, frozenset[int]]:
    """Lock the debtor (each of its parties); returns its parties, for the day's count."""
    if db.session.get_bind().dialect.name == "sqlite":
        # Take SQLite's write lock first (see notices.serving.dispatch_runner._locked).
        db.session.execute(update(Reminder).where(Reminder.party_id == party_id, Reminder.id == -1)
                           .values(detail=""))
    return lock_debtors({party_id})  # each party of the debtor: the daily cap is the debtor's (DOMAIN 28)


def _waiting(org_id: int, party_id: int, now: datetime) -> list[Reminder]:
    return list(db.session.scalars(select(Reminder).where(
        Reminder.org_id == org_id, Reminder.party_id == party_id,
        or_((Reminder._status == ReminderStatus.PENDING)
            & or_(Reminder.not_before.is_(None), Reminder.not_before <= now),
            (Reminder._status == ReminderStatus.SENDING) & (Reminder.claimed_until <= now)))
        .order_by(Reminder.id)))


def _still_due(reminders: list[Reminder], party_id: int, today: date) -> tuple[list[Reminder], dict]:
    """Those whose invoice reminders still follow (not paid, disputed, promised or paused since)."""
    left = evaluation.still_followed(today, party_id)
    keep = []
    for r in reminders:
        if r.invoice_id in left:
            keep.append(r)
        else:
            r.claimed_until, r.detail = None, N_("Not needed any more: paid, disputed, promised or paused.")
            fire(r, "skip", None, payload={"why": "no longer due"}, case=db.session.get(Case, r.case_id))
    return keep, left


def _addresses(party: Party, kind: ContactKind) -> list[str]:
    contacts = sorted((c for c in party.contacts if c.kind == kind), key=lambda c: not c.designated)
    return [c.value for c in contacts]


def _channels(reminders: list[Reminder], party: Party, preferred: Channel | None,
              allowed: int) -> list[tuple[Channel, str]]:
    wanted = {c for r in reminders for c in r.level.channel_list}
    emails, mobiles = _addresses(party, ContactKind.EMAIL), _addresses(party, ContactKind.MOBILE)
    out = []
    order = sorted(ORDER, key=lambda c: c != preferred) if preferred in wanted else list(ORDER)
    for ch in order:
        if ch not in wanted:
            continue
        address = (emails or [None])[0] if ch == Channel.EMAIL else (mobiles or [None])[0]
        if address is None:
            continue
        if ch == Channel.WHATSAPP and not emails:
            continue  # WhatsApp never alone (DOMAIN 7): only beside an e-mail
        out.append((ch, address))
    out = out[:allowed]
    if not any(ch == Channel.EMAIL for ch, _ in out):
        out = [(ch, a) for ch, a in out if ch != Channel.WHATSAPP]
    return out


def _interest(case_ids: set[int], numbers: set[str], today: date) -> Decimal | None:

    total = Decimal("0.00")
    table = rate_table()
    for case_id in case_ids:
        case = db.session.get(Case, case_id)
        if case.claim_type != ClaimType.MSMED_INVOICE:
            continue
        try:
            computation = compute_case(case, today, rate_table=table)
        except Exception:  # noqa: BLE001  (a missing Bank Rate leaves the line out, never the reminder)
            log.warning("interest for case %s could not be computed", case_id, exc_info=True)
            return None
        total += sum((i.interest_outstanding for i in computation.invoices if i.number in numbers),
                     Decimal("0.00"))
    return total


def _compose(org: Organization, party: Party, reminders: list[Reminder], left: dict,
             language: Language, link_url: str, today: date):
    level = max((r.level for r in reminders), key=lambda lv: lv.offset_days)
    invoices = {i.id: i for i in db.session.scalars(
        select(Invoice).where(Invoice.id.in_([r.invoice_id for r in reminders])))}
    items = [messages.Item(invoices[r.invoice_id].number, invoices[r.invoice_id].invoice_date,
                           invoices[r.invoice_id].due_date, left.get(r.invoice_id, Decimal("0.00")))
             for r in sorted(reminders, key=lambda r: invoices[r.invoice_id].due_date)]
    interest = None
    if level.include_interest and org.msmed_eligible:
        interest = _interest({r.case_id for r in reminders}, {i.number for i in items}, today)
    return messages.compose(level, language, debtor=party.legal_name, creditor=org.legal_name,
                            items=items, interest=interest, msefc=org.msmed_eligible, link=link_url)


def claim(org_id: int, party_id: int, now: datetime) -> tuple[list[int], list[Outgoing]] | str:
    """Lease the debtor's due reminders and build the messages; commits. A string says why not."""
    debtor = _lock_party(party_id)
    reminders = _waiting(org_id, party_id, now)
    if not reminders:
        rollback()
        return "nothing due"
    today = to_ist(now).date()
    reminders, left = _still_due(reminders, party_id, today)
    if not reminders:
        commit()
        return "no longer due"
    org, party = db.session.get(Organization, org_id), db.session.get(Party, party_id)
    allowed, wait = conduct.allowance(org, party_id, now, debtor)
    if wait is not None:
        for r in reminders:
            if r.status == ReminderStatus.SENDING:
                fire(r, "defer", None)
            r.not_before, r.claimed_until = wait, None
            r.detail = f"Outside the contact rules; next attempt {wait.astimezone(IST):%d %b %Y %H:%M} IST"
        commit()
        return "deferred"
    setting = setting_for(org_id, party_id)
    channels = _channels(reminders, party, setting.preferred_channel, allowed)
    if not channels:
        for r in reminders:
            r.detail = N_("No e-mail or mobile number of the debtor's own to send to.")
            fire(r, "fail", None, payload={"why": "no address"}, case=db.session.get(Case, r.case_id))
        commit()
        return "no address"
    lease = now + timedelta(seconds=current_app.config["DISPATCH_LEASE_SECONDS"])
    for r in reminders:
        fire(r, "claim", None, case=db.session.get(Case, r.case_id))
        r.claimed_until = lease
    link, token = links.issue(org_id, party_id)
    link_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/r/{token}"
    composed = _compose(org, party, reminders, left, setting.language, link_url, today)
    ids = [r.id for r in reminders]
    key = "reminders-" + "-".join(map(str, ids))[:60]
    outgoing = [Outgoing(ch, address, composed.subject,
                         composed.text if ch == Channel.EMAIL else composed.sms,
                         composed.sms_variables, f"{key}-{ch.value}") for ch, address in channels]
    commit()
    return ids, outgoing


def deliver(out: Outgoing) -> str:
    """Hand one message to its adapter; returns the provider's message id."""
    if out.channel == Channel.EMAIL:
        try:
            return send_mail(MailMessage(to=[out.address], subject=out.subject, text=out.text))
        except OSError as exc:  # smtplib's errors are OSErrors
            raise TransientFailure(str(exc)) from exc
    if out.channel == Channel.SMS:
        from portal.adapters import sms_gateway as gateway
    else:
        from portal.adapters import whatsapp_gateway as gateway
    receipt = gateway(current_app.config).send(OutgoingMessage(
        to=out.address, template="collection_reminder", variables=out.sms_variables, text=out.text,
        idempotency_key=out.key))
    return receipt.message_id


def finish(org_id: int, party_id: int, ids: list[int], sent: list[tuple[Outgoing, str]],
           errors: list[str], transient: bool, language: Language) -> str:
    _lock_party(party_id)
    reminders = list(db.session.scalars(select(Reminder).where(Reminder.id.in_(ids))))
    now = utcnow()
    mine = [r for r in reminders if r.status == ReminderStatus.SENDING]
    if sent:
        owner = setting_for(org_id, party_id).owner_id
        for r in mine:
            r.sent_at, r.claimed_until, r.detail = now, None, ""
            payload = {"channels": [o.channel.value for o, _ in sent]}
            if r.level.call_task:  # who is to call, and by when (portal.notifications opens the item)
                payload.update(call=True, staff_id=r.level.call_user_id or owner,
                               call_by=(now + timedelta(days=CALL_DAYS)).isoformat())
            fire(r, "mark_sent", None, payload=payload, case=db.session.get(Case, r.case_id))
        for out, message_id in sent:
            db.session.add(ReminderMessage(org_id=org_id, party_id=party_id, channel=out.channel,
                                           address=out.address, language=language,
                                           reminder_ids=",".join(map(str, ids)),
                                           provider_message_id=message_id[:200], sent_at=now))
        result = "sent"
    elif transient:
        for r in mine:
            r.detail = ("; ".join(errors))[:300]  # the lease runs out and the sweep tries again
        result = "retry"
    else:
        for r in mine:
            r.detail = ("; ".join(errors))[:300]
            fire(r, "fail", None, payload={"why": r.detail}, case=db.session.get(Case, r.case_id))
        result = "failed"
    commit()
    return result


def send_for(org_id: int, party_id: int, now: datetime | None = None) -> str:
    now = now or utcnow()
    claimed = claim(org_id, party_id, now)
    if isinstance(claimed, str):
        return claimed
    ids, outgoing = claimed
    sent, errors, transient = [], [], False
    for out in outgoing:
        try:
            sent.append((out, deliver(out)))
        except TransientFailure as exc:
            transient = True
            errors.append(f"{out.channel.value}: {exc}")
        except PermanentFailure as exc:
            errors.append(f"{out.channel.value}: {exc}")
    language = setting_for(org_id, party_id).language
    return finish(org_id, party_id, ids, sent, errors, transient, language)

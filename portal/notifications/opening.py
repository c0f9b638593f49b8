"""The listener on the audit ledger: each recorded event closes the attention items it settles and
opens the ones the rules table names, in the writer's transaction; mail goes after the commit."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cases import Case
from portal.extensions import db
from portal.notifications import addressees, delivery, rules, tasks
from portal.notifications.facts import gather
from portal.notifications.models import AttentionItem
from portal.notifications.rules import SIDE, Audience, Mail, Tell
from portal.types import utcnow
from portal.web.filters import ist

log = logging.getLogger(__name__)


def on_recorded(event: AuditEvent, *, case: Any | None = None, actor: Any | None = None) -> None:
    """blinker receiver for portal.audit.recorded. A failure here is logged and undone on its own
    savepoint: telling people must never stop the legal step that was recorded."""
    if case is None or event.action not in rules.ACTIONS:
        return
    try:
        with db.session.begin_nested():
            apply(event, case, actor)
    except Exception:  # noqa: BLE001 — logged; the recorded step stands
        log.exception("notifications: could not apply %s on case %s", event.action, getattr(case, "id", None))


def apply(event: AuditEvent, case: Case, actor: Any | None) -> list[AttentionItem]:
    now = event.created_at or utcnow()
    if event.action in rules.ENDS_CASE:
        _close(select(AttentionItem).where(AttentionItem.case_id == case.id), event.action, now)
        return []
    facts = gather(event, case)
    side = str(facts.get("side") or "")
    for closes in rules.closes_for(event.action):
        stmt = select(AttentionItem).where(AttentionItem.case_id == case.id,
                                           AttentionItem.kind.in_(closes.kinds))
        if closes.same_side:
            stmt = stmt.where(AttentionItem.audience.in_([a.value for a, s in SIDE.items() if s == side]))
        _close(stmt, event.action, now)
    opened = []
    for tell, audience in rules.tells_for(event.action, facts):
        opened += _open(tell, audience, event, case, facts, actor, now)
    return opened


def _close(stmt, action: str, now) -> None:
    closed = set()
    for item in db.session.scalars(stmt.where(AttentionItem.resolved_at.is_(None))):
        item.resolved_at, item.resolved_by = now, action
        closed.add(item.id)
    delivery.forget(closed)


def _open(tell: Tell, audience: Audience, event: AuditEvent, case: Case, facts: dict, actor: Any | None,
          now) -> list[AttentionItem]:
    due = tell.due(facts)
    # The side that did it saw the result on its own page: no mail to it, only the item.
    mail_it = SIDE[audience] != str(facts.get("side") or "")
    what, may = rules.words(tell, facts, "en", ist(due))
    args = {name: facts.get(name) for name in tell.args}
    endpoint = tell.endpoint
    if any(value is None for value in args.values()):  # the event did not name the page: the case's
        endpoint = "debtor_case.home" if audience == Audience.DEBTOR else "cases.show_case"
        args = {"reference": case.reference}
        tell = replace(tell, endpoint=endpoint)
    common = dict(audience=audience.value, case_id=case.id, kind=tell.kind, action=event.action,
                  event_id=event.id,
                  what=what, may=may, due_at=due, lapses=tell.lapses, endpoint=endpoint,
                  link_args=json.dumps(args, sort_keys=True), opened_at=now)
    same = select(AttentionItem).where(AttentionItem.case_id == case.id, AttentionItem.kind == tell.kind)
    items = []
    if audience == Audience.DEBTOR:
        _close(same.where(AttentionItem.party_id == case.debtor_party_id), f"superseded:{event.action}", now)
        item = AttentionItem(party_id=case.debtor_party_id, **common)
        db.session.add(item)
        items.append(item)
        db.session.flush()
        if mail_it and (tell.mail == Mail.NEW or (tell.mail == Mail.EXISTING_IF_ACCOUNT
                                                  and not addressees.debtor_has_account(case))):
            item.to_tell = True
            tasks.tell_debtor_after_commit(item.id)
        return items
    actor_id = getattr(actor, "id", None)
    for user in addressees.users_for(audience, case, facts):
        _close(same.where(AttentionItem.user_id == user.id), f"superseded:{event.action}", now)
        item = AttentionItem(user_id=user.id, **common)
        db.session.add(item)
        db.session.flush()
        items.append(item)
        if mail_it and tell.mail == Mail.NEW and user.id != actor_id and user.email:
            delivery.mail_user(user, tell, facts, due, args, item.id)
    return items

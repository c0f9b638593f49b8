"""The listener on the audit ledger: the events of one append (one event, or a batch's many) close
the attention items they settle and open the ones the rules table names, in the writer's
transaction; mail goes after the commit. The open items of the events' cases are read once and kept
as the events close and open them in order; the new items go in together."""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
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


def on_recorded_many(recorded: list[tuple[AuditEvent, Any]], *, actor: Any | None = None) -> None:
    """blinker receiver for portal.audit.recorded_many: the (event, case) pairs of one append, in
    order. A failure here is logged and undone on its own savepoint: telling people must never stop
    the legal step that was recorded. A batch that fails is applied again one event at a time, so
    that an event that cannot be applied does not take the others' items with it."""
    todo = [(event, case) for event, case in recorded if case is not None and event.action in rules.ACTIONS]
    if not todo or _applied(todo, actor, alone=len(todo) == 1):
        return
    for one in todo:
        _applied([one], actor, alone=True)


def _applied(todo: list[tuple[AuditEvent, Any]], actor: Any | None, *, alone: bool) -> bool:
    try:
        with db.session.begin_nested():
            batch = Batch([case for _, case in todo])
            for event, case in todo:
                apply(event, case, actor, batch)
            batch.finish()
        return True
    except Exception:  # noqa: BLE001 — logged; the recorded step stands
        if alone:
            event, case = todo[0]
            log.exception("notifications: could not apply %s on case %s", event.action,
                          getattr(case, "id", None))
        else:
            log.warning("notifications: a batch of %d events failed; applying them one at a time",
                        len(todo), exc_info=True)
        return False


class Batch:
    """The open items of a batch's cases, read in one statement and kept as its events close and
    open them; the opened items inserted together; their mail and the debtor's messages queued
    afterwards in the order the events asked for them (as if each event had been applied alone)."""

    def __init__(self, cases: list[Any]) -> None:
        self.open: dict[int, list[AttentionItem]] = defaultdict(list)
        for item in db.session.scalars(select(AttentionItem).where(
                AttentionItem.case_id.in_(sorted({case.id for case in cases})),
                AttentionItem.resolved_at.is_(None)).order_by(AttentionItem.id)):
            self.open[item.case_id].append(item)
        self.closed: set[int] = set()         # stored items closed: mail queued for them is dropped
        self.opened: list[AttentionItem] = []
        self.later: list[tuple[AttentionItem, Callable[[AttentionItem], None]]] = []
        self.users: dict = {}                 # addressees.users_for's look-ups, for the batch

    def close(self, case_id: int, matches: Callable[[AttentionItem], bool], action: str, now) -> None:
        keep = []
        for item in self.open[case_id]:
            if not matches(item):
                keep.append(item)
                continue
            item.resolved_at, item.resolved_by = now, action
            if item.id is not None:
                self.closed.add(item.id)
        self.open[case_id] = keep

    def add(self, item: AttentionItem, then: Callable[[AttentionItem], None] | None = None) -> None:
        db.session.add(item)
        self.open[item.case_id].append(item)
        self.opened.append(item)
        if then is not None:
            self.later.append((item, then))

    def finish(self) -> None:
        db.session.flush()
        delivery.forget(self.closed)
        for item, then in self.later:
            then(item)


def apply(event: AuditEvent, case: Case, actor: Any | None,
          batch: Batch | None = None) -> list[AttentionItem]:
    """Close and open the items `event` settles and asks for; inside `batch` (see `Batch`), or on
    its own."""
    if batch is None:
        batch = Batch([case])
        opened = apply(event, case, actor, batch)
        batch.finish()
        return opened
    now = event.created_at or utcnow()
    if event.action in rules.ENDS_CASE:
        batch.close(case.id, lambda _item: True, event.action, now)
        return []
    facts = gather(event, case)
    side = str(facts.get("side") or "")
    for closes in rules.closes_for(event.action):
        sides = {a.value for a, s in SIDE.items() if s == side}
        batch.close(case.id, lambda item, closes=closes, sides=sides: item.kind in closes.kinds
                    and (not closes.same_side or item.audience in sides), event.action, now)
    opened = []
    for tell, audience in rules.tells_for(event.action, facts):
        opened += _open(tell, audience, event, case, facts, actor, now, batch)
    return opened


def _open(tell: Tell, audience: Audience, event: AuditEvent, case: Case, facts: dict, actor: Any | None,
          now, batch: Batch) -> list[AttentionItem]:
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
    superseded = f"superseded:{event.action}"
    items = []
    if audience == Audience.DEBTOR:
        party_id = case.debtor_party_id
        batch.close(case.id, lambda item: item.kind == tell.kind and item.party_id == party_id,
                    superseded, now)
        item = AttentionItem(party_id=party_id, **common)
        if mail_it and (tell.mail == Mail.NEW or (tell.mail == Mail.EXISTING_IF_ACCOUNT
                                                  and not addressees.debtor_has_account(case))):
            item.to_tell = True
            batch.add(item, lambda item: tasks.tell_debtor_after_commit(item.id))
        else:
            batch.add(item)
        return [item]
    actor_id = getattr(actor, "id", None)
    for user in addressees.users_for(audience, case, facts, batch.users):
        batch.close(case.id, lambda item, user_id=user.id: item.kind == tell.kind and item.user_id == user_id,
                    superseded, now)
        item = AttentionItem(user_id=user.id, **common)
        if mail_it and tell.mail == Mail.NEW and user.id != actor_id and user.email:
            def mail(item: AttentionItem, user=user) -> None:
                if item.resolved_at is None:  # not closed again later in the batch
                    delivery.mail_user(user, tell, facts, due, args, item.id)

            batch.add(item, mail)
        else:
            batch.add(item)
        items.append(item)
    return items

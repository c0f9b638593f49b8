"""One count of the messages a debtor had on an IST day (DOMAIN 24 and 28: one daily cap across
reminders, notices and ODR), for every sender that checks the cap: the notice dispatcher (one
dispatch or a burst), reminders and the debtor's attention messages.

The debtor is every party the creditor's claims name it by (portal.cases.debtor_groups: two claims
against one business are two rows). The count is the notices' dispatches (not post; those sent that
day or held by a live claim) plus each provided part: packages above notices that write to debtors
provide `other_contacts` at start-up, a function of (party ids, now) giving messages per party."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from notices.models import Notice
from notices.serving.contact_rules import ist_day_bounds
from notices.serving.documents import ServedDocument
from notices.serving.models import ChannelKind, Dispatch
from notices.serving.states import DispatchStatus
from portal.cases import Case, Party, debtor_groups
from portal.extensions import db
from portal.hooks import Parts

other_contacts: Parts[Callable[[frozenset[int], datetime], Mapping[int, int]]] = Parts("other_contacts")

Groups = Mapping[int, frozenset[int]]
"""Each party's debtor as the set of its parties (portal.cases.debtor_groups), as `lock_debtors`
returns them for the parties it locked."""


def dispatches_today(party_ids: Iterable[int], now: datetime, excluding: int = 0) -> Counter:
    """Per party: its notices' and served documents' dispatches (not post) sent on `now`'s IST day
    or held by a live claim, but `excluding` (the dispatch being claimed)."""
    start, end = ist_day_bounds(now)
    return Counter(dict(db.session.execute(
        select(Case.debtor_party_id, func.count(Dispatch.id)).select_from(Dispatch)
        .outerjoin(Notice, Notice.id == Dispatch.notice_id)
        .outerjoin(ServedDocument, ServedDocument.id == Dispatch.document_id)
        .join(Case, Case.id == func.coalesce(Notice.case_id, ServedDocument.case_id))
        .where(Case.debtor_party_id.in_(sorted(party_ids)), Dispatch.id != excluding,
               Dispatch.channel != ChannelKind.POST,
               or_(Dispatch.sent_at.between(start, end),
                   (Dispatch.status == DispatchStatus.SENDING) & (Dispatch.claimed_until > now)))
        .group_by(Case.debtor_party_id)).all()))


@dataclass
class Tally:
    """Messages today per debtor, kept current while a burst claims: `of` a party is its debtor's
    count, `add` counts one more message to it."""
    debtor: dict[int, int]  # party id -> its debtor's key (the lowest party id of its group)
    sent: Counter

    def of(self, party_id: int) -> int:
        return self.sent[self.debtor[party_id]]

    def add(self, party_id: int) -> None:
        self.sent[self.debtor[party_id]] += 1


def tally(groups: Groups, now: datetime, excluding: int = 0) -> Tally:
    """The messages each party's debtor had on `now`'s IST day, every sender counted; `groups`
    as `lock_debtors` returned them (or portal.cases.debtor_groups)."""
    everyone = frozenset().union(*groups.values()) if groups else frozenset()
    per_party = dispatches_today(everyone, now, excluding) if everyone else Counter()
    for counted in other_contacts.collect(everyone, now).values() if everyone else ():
        per_party.update(counted)
    debtor = {party_id: min(group) for party_id, group in groups.items()}
    sent: Counter = Counter()
    for party_id, group in groups.items():
        sent[debtor[party_id]] = sum(per_party[member] for member in group)
    return Tally(debtor, sent)


def lock_debtors(party_ids: Iterable[int], *, skip_locked: bool = False) -> dict[int, frozenset[int]]:
    """Lock every party of each party's debtor (in id order, as every sender does, so two senders
    never deadlock), the debtor's messages being counted and sent under the lock. Returns each
    party whose whole debtor was locked with its debtor's parties, for `tally` and `contacts_today`
    in the same transaction (they need not look the debtor up again); with `skip_locked`, those
    another transaction holds are left out."""
    groups = debtor_groups(party_ids)
    if not groups:
        return {}
    members = sorted(frozenset().union(*groups.values()))
    locked = set(db.session.scalars(select(Party.id).where(Party.id.in_(members)).order_by(Party.id)
                                    .with_for_update(skip_locked=skip_locked)))
    return {party_id: group for party_id, group in groups.items() if group <= locked}


def contacts_today(party_id: int, now: datetime, excluding: int = 0, groups: Groups | None = None) -> int:
    """Every message to this party's debtor on `now`'s IST day (all of its claims, every sender);
    `groups` as `lock_debtors` returned them, if it was locked in this transaction."""
    if groups is None or party_id not in groups:
        groups = debtor_groups({party_id})
    return tally({party_id: groups[party_id]}, now, excluding).of(party_id)

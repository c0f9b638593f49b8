"""The rolled-up positions follow the changes that move them. Any audited change to a case (an
invoice or payment recorded, a claim imported or filed, a reminder, a promise, a response) marks its
debtor; just before the writer's transaction commits, those debtors' rows and the organisation's
totals are recomputed in that same transaction (`rollup.debtors_changed`), and the snapshot's
look-back figures (DSO, months, funnels) are marked stale; a case's status change that neither ends
nor reopens it (a notice served) only marks them stale. A stale snapshot of a small organisation
is recomputed on its next page visit; a large one waits for the rollup beat, and the pages say how
old its figures are."""
from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.receivables import book, rollup
from portal.receivables.models import PortfolioSnapshot

_KEY = "receivables_touched"
_STALE = "receivables_stale"
# The ledger's actions that can move what a debtor owes, its ageing, score or the funnels.
MOVES = ("case.", "payment.", "receivables.", "promise.", "import.", "reminder.", "debtor_link.")
_ENDED = frozenset(status.value for status in book.ENDED)


def _moves_rows(audit_event) -> bool:
    """A case's own status change moves only the funnels (the look-back figures), unless the case
    ends or comes back: a debtor's rows count every claim that has not ended, whatever its status
    (portal.receivables.book.lines). Serving a notice recomputes no rows."""
    if not audit_event.action.startswith("case."):
        return True
    data = json.loads(audit_event.payload)
    if "from" not in data or "to" not in data:  # not a status change (created, an invoice added...)
        return True
    return data["from"] in _ENDED or data["to"] in _ENDED


def on_recorded(audit_event, case=None, actor=None, **_extra) -> None:
    if case is None or not audit_event.action.startswith(MOVES):
        return
    org_id, party_id = getattr(case, "creditor_org_id", None), getattr(case, "debtor_party_id", None)
    if not (org_id and party_id):
        return
    if _moves_rows(audit_event):
        db.session.info.setdefault(_KEY, set()).add((org_id, party_id))
    else:
        db.session.info.setdefault(_STALE, set()).add(org_id)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: the writer's commit comes later
        return
    touched = session.info.pop(_KEY, None) or set()
    stale = session.info.pop(_STALE, None) or set()
    if not (touched or stale) or session is not db.session():
        return
    by_org: dict[int, set[int]] = defaultdict(set)
    for org_id, party_id in touched:
        by_org[org_id].add(party_id)
    for org_id in stale:
        by_org.setdefault(org_id, set())
    for org_id, parties in sorted(by_org.items()):
        if parties:
            # The snapshot row the rollup locks and rewrites is marked stale in that same write.
            rollup.debtors_changed(org_id, parties, mark_stale=True)
            continue
        snap = db.session.scalar(select(PortfolioSnapshot).where(PortfolioSnapshot.org_id == org_id))
        if snap is not None:
            figures = json.loads(snap.figures)
            if not figures.get("stale"):
                snap.figures = json.dumps({**figures, "stale": True})
    db.session.flush()


def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_STALE, None)


def listen() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _forget)


def is_stale(snap: PortfolioSnapshot) -> bool:
    return bool(json.loads(snap.figures).get("stale"))

"""The rolled-up positions follow the changes that move them. Any audited change to a case (an
invoice or payment recorded, a claim imported or filed, a reminder, a promise, a response) marks its
debtor; just before the writer's transaction commits, those debtors' rows and the organisation's
totals are recomputed in that same transaction (`rollup.debtors_changed`), and the snapshot's
look-back figures (DSO, months, funnels) are marked stale. A stale snapshot of a small organisation
is recomputed on its next page visit; a large one waits for the rollup beat, and the pages say how
old its figures are."""
from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.receivables import rollup
from portal.receivables.models import PortfolioSnapshot

_KEY = "receivables_touched"
# The ledger's actions that can move what a debtor owes, its ageing, score or the funnels.
MOVES = ("case.", "payment.", "receivables.", "promise.", "import.", "reminder.", "debtor_link.")


def on_recorded(audit_event, case=None, actor=None, **_extra) -> None:
    if case is None or not audit_event.action.startswith(MOVES):
        return
    org_id, party_id = getattr(case, "creditor_org_id", None), getattr(case, "debtor_party_id", None)
    if org_id and party_id:
        db.session.info.setdefault(_KEY, set()).add((org_id, party_id))


def _before_commit(session: Session) -> None:
    touched = session.info.pop(_KEY, None)
    if not touched or session is not db.session():
        return
    by_org: dict[int, set[int]] = defaultdict(set)
    for org_id, party_id in touched:
        by_org[org_id].add(party_id)
    for org_id, parties in sorted(by_org.items()):
        # The snapshot row the rollup locks and rewrites is marked stale in that same write.
        rollup.debtors_changed(org_id, parties, mark_stale=True)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


def listen() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _forget)


def is_stale(snap: PortfolioSnapshot) -> bool:
    return bool(json.loads(snap.figures).get("stale"))

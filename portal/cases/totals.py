"""Each case's invoiced total and unpaid principal, stored on the case row (`invoiced_sum`,
`outstanding_sum`) and recomputed in SQL whenever a flush adds, changes or removes one of its
invoices or payments, whoever flushed it (the payment services, editing, the factories). Bulk Core
inserts bypass the flush: their writer either calls `refresh` for the cases it touched or writes the
same sums with the rows (portal.cases.rows.insert_new, which creates every new case).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import chain

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.cases.models import Case, Invoice, Payment

_cases, _invoices, _payments = Case.__table__, Invoice.__table__, Payment.__table__
_CHUNK = 10_000  # bound parameters per statement (PostgreSQL allows 65,535)


def refresh(session: Session, case_ids: Iterable[int]) -> None:
    """Recompute the stored sums of these cases (one UPDATE per 10,000) and of their loaded Case objects."""
    ids = sorted({i for i in case_ids if i is not None})
    for first in range(0, len(ids), _CHUNK):
        _refresh(session, ids[first:first + _CHUNK])


def _refresh(session: Session, ids: list[int]) -> None:
    invoiced = (select(func.coalesce(func.sum(_invoices.c.total), 0))
                .where(_invoices.c.case_id == _cases.c.id).scalar_subquery())
    paid = (select(func.coalesce(func.sum(_payments.c.amount), 0))
            .where(_payments.c.case_id == _cases.c.id).scalar_subquery())
    stmt = (update(_cases).where(_cases.c.id.in_(ids))
            # SQLite sums NUMERIC in binary floating point: round back to paise.
            .values(invoiced_sum=func.round(invoiced, 2), outstanding_sum=func.round(invoiced - paid, 2),
                    updated_at=_cases.c.updated_at)  # not an edit of the case: its time stays
            .returning(_cases.c.id, _cases.c.invoiced_sum, _cases.c.outstanding_sum))
    # Cases inserted by this flush enter the identity map only after it: look among the new ones too.
    pending = {o.id: o for o in session.new if isinstance(o, Case)}
    for case_id, invoiced_sum, outstanding_sum in session.connection().execute(stmt):
        case = session.identity_map.get(session.identity_key(Case, case_id)) or pending.get(case_id)
        if case is not None:
            set_committed_value(case, "invoiced_sum", _paise(invoiced_sum))
            set_committed_value(case, "outstanding_sum", _paise(outstanding_sum))


def _paise(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _touched(obj) -> set[int]:
    ids = {obj.case_id}
    history = inspect(obj).attrs.case_id.history
    ids.update(history.deleted or ())  # moved to another case: the old one changes too
    return ids


@event.listens_for(Session, "after_flush")
def _keep_sums(session: Session, _context) -> None:
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Invoice | Payment):
            ids |= _touched(obj)
    refresh(session, ids)

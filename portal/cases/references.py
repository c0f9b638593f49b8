"""Human-friendly case references (SUL-2026-000123) from a per-year counter row."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from portal.cases.models import ReferenceCounter
from portal.extensions import db
from portal.types import IST


def reserve_references(now: datetime, count: int = 1) -> list[str]:
    """Take `count` consecutive references for the IST year of `now` (one locked UPDATE)."""
    year = now.astimezone(IST).year
    session = db.session
    stmt = (update(ReferenceCounter).where(ReferenceCounter.year == year)
            .values(last_value=ReferenceCounter.last_value + count)
            .returning(ReferenceCounter.last_value)
            .execution_options(synchronize_session=False))
    last = session.execute(stmt).scalar()
    if last is None:
        ins = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)
        session.execute(ins(ReferenceCounter).values(year=year, last_value=0).on_conflict_do_nothing())
        last = session.execute(stmt).scalar()
    return [f"SUL-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_reference(now: datetime) -> str:
    return reserve_references(now, 1)[0]

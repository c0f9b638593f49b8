"""Case-list benchmark with collections on: N cases (default 100,000, one invoice each, one debtor
each) of one creditor, its debtors allocated to two staff members (a third each, the rest nobody's),
the day's reminders produced; times a page of 50 without filters, with the staff-owner filter, with
the owner filter sorted by outstanding, and the priority of the page's 50 cases with its reasons.
PostgreSQL (a throwaway database beside SULAH_TEST_PG_URL's) or SQLite (--sqlite).

    .venv/bin/python benchmarks/case_list.py [CASES] [--sqlite]

Each figure is the best of 3 runs (the first warms the caches).

Measured on the 2-core development machine (PostgreSQL 15, under load from other work), 6 Dec 2026,
100,000 cases: a page of 50 without filters 40 ms; with the staff-owner filter 47 ms; with the owner
filter sorted by outstanding 1,849 ms (the amount sort computes every listed case's outstanding, as
it does without the filter); the priority of the page's 50 cases with reasons 136 ms. Before ANALYZE
(statistics stale right after the bulk inserts) the owner filter took 588 ms: a hash join over every
case.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.reminders import seed  # noqa: E402


def best_of(fn, runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return min(times), out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cases = int(args[0]) if args else 100_000
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.cases import listing
    from portal.cases.intake import today_ist
    from portal.cases.services import visible_cases
    from portal.database import commit
    from portal.extensions import db
    from portal.receivables.case_parts import list_priorities
    from portal.receivables.models import DebtorSetting
    from portal.receivables.tasks import run_once

    with instance("case_list", sqlite="--sqlite" in sys.argv) as (app, _env), app.app_context():
        today = today_ist()
        started = time.perf_counter()
        seed(cases, cases, today)
        staff = db.session.scalar(sa.select(User).where(User.email == "bench@example.in"))
        other = User(email="bench2@example.in", name="Bench Two", password_hash="!unusable",  # noqa: S106
                     role=Role.CREDITOR, org_id=staff.org_id)
        db.session.add(other)
        db.session.flush()
        parties = list(db.session.scalars(sa.text("SELECT id FROM parties ORDER BY id")))
        db.session.execute(sa.insert(DebtorSetting), [
            {"org_id": staff.org_id, "party_id": p, "mode": "automatic", "language": "en",
             "owner_id": (staff.id, other.id, None)[n % 3]} for n, p in enumerate(parties)])
        commit()
        run_once(today, queue_sending=False)
        if db.engine.dialect.name == "postgresql":
            # Statistics as autovacuum keeps them in production; right after bulk inserts the
            # planner would guess (and pick a hash join over every case).
            db.session.execute(sa.text("ANALYZE"))
            commit()
        print(f"seeded {cases:,} cases on {db.engine.dialect.name} with the day's reminders in "
              f"{time.perf_counter() - started:.1f} s")
        visible = visible_cases(staff)
        for label, query in (
                ("page of 50, no filter", listing.ListQuery()),
                ("page of 50, staff-owner filter", listing.ListQuery(owner_id=other.id)),
                ("page of 50, owner filter, by outstanding", listing.ListQuery(owner_id=other.id,
                                                                               sort="amount"))):
            took, page = best_of(lambda q=query: listing.page(db.session, visible, q, today))
            print(f"{label}: {took * 1000:.0f} ms ({len(page.rows)} rows)")
        page = listing.page(db.session, visible, listing.ListQuery(owner_id=other.id), today)
        ids = [r.case.id for r in page.rows]
        took, scores = best_of(lambda: list_priorities(staff, ids, today))
        print(f"priority of the page's {len(ids)} cases, with reasons: {took * 1000:.0f} ms "
              f"({len(scores)} scored)")


if __name__ == "__main__":
    main()

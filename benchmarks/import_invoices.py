"""Bulk import benchmark: N invoice rows (default 10,000) planned and confirmed on the embedded
SQLite default (or PostgreSQL with --postgresql), in a throwaway instance folder. Prints rows/s,
wall time and memory peak.

    .venv/bin/python benchmarks/import_invoices.py [ROWS] [INVOICES_PER_DEBTOR] [--heap] [--postgresql]
                                                  [--existing=CASES]

--existing=CASES first gives the organisation that many filed cases (three invoices each, written
in bulk by benchmarks/bulk_cases.py, not timed): the import should take as long as into an empty one.

Timing runs without tracemalloc (it slows Python down ~2x); --heap adds the Python heap peak.
The process's max RSS is always printed.
"""
from __future__ import annotations

import csv
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.bulk_cases import seed_cases  # noqa: E402


def write_csv(path: Path, rows: int, per_debtor: int) -> None:
    from portal.identifiers import gstin_check_char
    from portal.imports.parsing import COLUMNS

    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for n in range(rows):
            d = n // per_debtor
            pan = f"AAB{'CFHPT'[d % 5]}{chr(65 + d // 10000 % 26)}{d % 10000:04d}{chr(65 + d % 26)}"
            first14 = f"27{pan}1Z"
            w.writerow([f"Debtor {d} Pvt Ltd", first14 + gstin_check_char(first14), "",
                        f"accounts{d}@debtor.example", "", "Mumbai", f"INV/{n:06d}", "2026-03-01",
                        "2026-03-03", "30", "", "10000.00", "1800.00", "11800.00", "commercial", "18"])


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    heap = "--heap" in sys.argv
    rows = int(args[0]) if args else 10_000
    per_debtor = int(args[1]) if len(args) > 1 else 5
    from portal.accounts import services as accounts
    from portal.database import commit
    from portal.imports import services

    with instance("import", sqlite="--postgresql" not in sys.argv) as (app, env), app.app_context():
        tmp = Path(env["SULAH_INSTANCE"])
        user = accounts.sign_up(accounts.OrgDetails(legal_name="Bench MSME", address="Pune"),
                                accounts.PersonDetails(name="Bench", email="bench@example.in",
                                                       password="Bench-Pass-2026"))  # noqa: S106
        commit()
        existing = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--existing=")), 0)
        if existing:
            from portal.cases.intake import today_ist
            from portal.extensions import db

            seed_cases(user, existing, today_ist(), prefix="OLD")
            if db.engine.dialect.name == "postgresql":
                db.session.execute(sa.text("ANALYZE"))
                commit()
            print(f"the organisation already has {existing:,} cases")
        src = tmp / "invoices.csv"
        write_csv(src, rows, per_debtor)
        if heap:
            tracemalloc.start()
        t0 = time.perf_counter()
        with src.open("rb") as fh:
            staged = services.stage(fh, "invoices.csv", user.org_id)
        plan = services.plan_file(user, staged.path, staged.filename)
        t1 = time.perf_counter()
        batch, _ = services.confirm(user, staged.path, staged.filename, staged.sha256)
        created = (batch.cases_created, batch.invoices_created)
        commit()
        t2 = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] if heap else None
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {rows}  cases: {created[0]}  invoices: {created[1]}  "
          f"errors: {len(plan.errors)}")
    print(f"preview (stage + parse + validate): {t1 - t0:.2f} s")
    print(f"confirm (re-plan + create, one transaction): {t2 - t1:.2f} s")
    print(f"total: {t2 - t0:.2f} s  ({rows / (t2 - t0):.0f} rows/s)  target: < 60 s")
    if peak is not None:
        print(f"Python heap peak (tracemalloc): {peak / 1e6:.1f} MB")
    print(f"process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()

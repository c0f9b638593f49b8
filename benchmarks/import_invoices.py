"""Bulk import benchmark: N invoice rows (default 10,000) planned and confirmed on the embedded
SQLite default (or PostgreSQL with --postgresql), in a throwaway instance folder. Prints rows/s,
wall time and memory peak.

    .venv/bin/python benchmarks/import_invoices.py [ROWS] [INVOICES_PER_DEBTOR] [--heap] [--postgresql]
                                                  [--existing=CASES] [--runs=N] [--no-verify]
                                                  [--statements] [--keep | --reuse URL DIR]

--runs=N: N imports of each kind in one run, each into a new empty organisation and into the same
organisation with CASES cases (a later run's file names other debtors, so it is new business there
too), then min/median/max of each figure and of their ratio.

--existing=CASES: in the same run, the same file is then imported again into a second organisation
that already has that many filed cases (three invoices each, written in bulk by
benchmarks/bulk_cases.py before the first timed import, not timed), and both figures are printed
with their ratio. Target (issue 22): 30,000 rows into an organisation with 100,000 cases <= 1.1x the
same into an empty one, and <= 10 s on PostgreSQL. The audit chains are verified after
(portal/audit_check.py) unless --no-verify.

--keep keeps the instance and the database and prints where they are; --reuse DATABASE_URL DIR
runs on them again without seeding (the organisation with the cases keeps what earlier runs
imported into it, and each file names debtors no earlier run's did). Seeding 100,000 cases takes
minutes. --statements times each statement of both imports (summed by its text, COPY included)
and prints those that grew most from the empty organisation to the full one.

The file is a ledger of unpaid invoices as a creditor would export it: INVOICES_PER_DEBTOR (default
5) rows per debtor, amounts that differ row by row, invoice dates spread over three years (so the
oldest reach the limitation reckoning of the rollup). Each import prints its wall time and the CPU
seconds of this process (time.process_time: the database server's work is not in it); on a machine
shared with other work, compare CPU seconds and the ratio of the two imports of one run.

Where the time goes (30,000 rows, 6,000 cases): the file is planned twice (the preview, then the
confirmation re-reads and re-checks it), the cases are written as rows by COPY, one statement per
table (portal/cases/rows.py, portal/database.py insert_rows), the 6,000 "case.created" events are
hash-chained in Python and written by COPY (portal/audit.py), and the 6,000 debtors' rolled-up rows
are recomputed once, just before the commit (portal/receivables/freshness.py). None of it reads
the organisation's other cases, so the second import costs what the first does: the duplicate
check reads the organisation's invoices of the file's debtors (found by GSTIN), not every invoice
with one of the file's numbers (INV/000001 is in every run's file, and in other creditors'), and
the debtors' rows read their cases' invoices by case, not by a join that PostgreSQL answers for a
large organisation by reading the whole invoices table.

Timing runs without tracemalloc (it slows Python down ~2x); --heap adds the Python heap peak.
The process's max RSS is always printed.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.bulk_cases import seed_cases  # noqa: E402

FIRST_DAY = date(2023, 11, 20)


def write_csv(path: Path, rows: int, per_debtor: int, run: int = 0) -> None:
    """`run` gives the debtors other PANs (the same rows otherwise): a later run's file is new
    business to an organisation that imported an earlier one."""
    from portal.identifiers import gstin_check_char
    from portal.imports.parsing import COLUMNS

    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for n in range(rows):
            d = n // per_debtor
            pan = f"AAB{'CFHPT'[d % 5]}{chr(65 + (d // 10000 + run) % 26)}{d % 10000:04d}{chr(65 + d % 26)}"
            first14 = f"27{pan}1Z"
            # As a real ledger: amounts differ row by row, and the dates spread over three years
            # (so nothing worked out once per distinct value looks cheaper than it is, and the
            # oldest invoices are near their limitation, which the rollup then reckons).
            invoiced = FIRST_DAY + timedelta(days=n * 7 % 1090)
            taxable = Decimal(5_000_00 + n * 7919 % 995_000_00) / 100
            gst = (taxable * 18 / 100).quantize(Decimal("0.01"))
            w.writerow([f"Debtor {d} Pvt Ltd", first14 + gstin_check_char(first14), "",
                        f"accounts{d}@debtor.example", "", "Mumbai", f"INV/{n:06d}", invoiced.isoformat(),
                        (invoiced + timedelta(days=2)).isoformat(), (30, 45, 60)[n % 3], "", taxable, gst,
                        taxable + gst, "commercial", "18"])


def timed_import(user, src: Path, heap: bool) -> tuple[float, float, tuple[int, int], int, float]:
    """(preview seconds, confirm seconds, (cases, invoices) created, plan errors, CPU seconds of this
    process) of one import. The CPU figure leaves out the database server's own work; on a shared
    machine it moves less than the wall time."""
    from portal.database import commit
    from portal.imports import services

    if heap:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    with src.open("rb") as fh:
        staged = services.stage(fh, "invoices.csv", user.org_id)
    plan = services.plan_file(user, staged.path, staged.filename)
    t1 = time.perf_counter()
    batch, _ = services.confirm(user, staged.path, staged.filename, staged.sha256)
    created = (batch.cases_created, batch.invoices_created)
    commit()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, created, len(plan.errors), time.process_time() - c0


def _report(label: str, rows: int, preview: float, confirm: float, created, errors: int, cpu: float) -> float:
    total = preview + confirm
    print(f"{label}: rows {rows}  cases {created[0]}  invoices {created[1]}  errors {errors}  "
          f"preview {preview:.2f} s  confirm {confirm:.2f} s  total {total:.2f} s "
          f"({rows / total:.0f} rows/s; CPU {cpu:.2f} s)")
    return total


class _Statements:
    """--statements: the time each statement of one import took, summed by its text (literal numbers
    and parameter lists folded), so the import into a large organisation can be set beside the one
    into an empty one statement by statement. COPY is counted too (portal.database.insert_rows
    tells the statement events about it)."""

    def __init__(self, engine) -> None:
        self.engine, self.times, self.started = engine, {}, []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args) -> None:
        self.started.append(time.perf_counter())

    def _after(self, _conn, _cursor, statement, *_args) -> None:
        key = re.sub(r"\s+", " ", re.sub(r"\b\d+\b", "N", statement))[:150]
        took, calls = self.times.get(key, (0.0, 0))
        self.times[key] = (took + time.perf_counter() - self.started.pop(), calls + 1)


def _compare(empty: dict, full: dict, top: int = 15) -> None:
    """The statements whose time grew the most from the empty organisation to the full one."""
    keys = sorted(set(empty) | set(full),
                  key=lambda k: full.get(k, (0, 0))[0] - empty.get(k, (0, 0))[0], reverse=True)
    print(f"  statements (ms empty -> ms full, calls), the {top} that grew most:")
    for k in keys[:top]:
        e, f = empty.get(k, (0.0, 0)), full.get(k, (0.0, 0))
        print(f"    {e[0] * 1000:8.1f} -> {f[0] * 1000:8.1f}  ({e[1]}/{f[1]})  {k}")
    print(f"  all statements: {sum(t for t, _ in empty.values()):.2f} s -> "
          f"{sum(t for t, _ in full.values()):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", nargs="?", type=int, default=10_000)
    ap.add_argument("per_debtor", nargs="?", type=int, default=5)
    ap.add_argument("--heap", action="store_true")
    ap.add_argument("--postgresql", action="store_true")
    ap.add_argument("--existing", type=int, default=0, metavar="CASES")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--statements", action="store_true",
                    help="time each statement of the imports and print those that grew most")
    ap.add_argument("--keep", action="store_true", help="keep the instance and database (to --reuse)")
    ap.add_argument("--reuse", nargs=2, metavar=("DATABASE_URL", "INSTANCE_DIR"),
                    help="the database and instance a --keep run printed: the organisation with "
                         "--existing cases is not seeded again (it keeps what earlier runs imported)")
    opts = ap.parse_args()
    rows, per_debtor, heap, existing, runs = opts.rows, opts.per_debtor, opts.heap, opts.existing, opts.runs
    from portal import audit
    from portal.accounts import User
    from portal.accounts import services as accounts
    from portal.cases import Case
    from portal.cases.intake import today_ist
    from portal.database import commit
    from portal.extensions import db
    from portal.imports.models import ImportBatch

    tag = f"{os.getpid()}"  # a reused database already has the organisations of earlier runs

    def organisation(n: int):
        user = accounts.sign_up(accounts.OrgDetails(legal_name=f"Bench MSME {n}", address="Pune"),
                                accounts.PersonDetails(name="Bench", email=f"bench{n}.{tag}@example.in",
                                                       password="Bench-Pass-2026"))  # noqa: S106
        commit()
        return user

    reuse = tuple(opts.reuse) if opts.reuse else None
    sqlite = not (opts.postgresql or (reuse and not reuse[0].startswith("sqlite")))
    with instance("import", sqlite=sqlite, keep=opts.keep, reuse=reuse) as (app, env), app.app_context():
        print(f"database: {db.engine.dialect.name}")
        src = Path(env["SULAH_INSTANCE"]) / "invoices.csv"
        # A small import first, not timed: the first one pays for imports and cold caches, which
        # would otherwise make the second figure look better than it is.
        warm = src.with_name("warm.csv")
        write_csv(warm, 200, per_debtor)
        timed_import(organisation(0), warm, False)
        empties, fulls, user = [], [], None
        full_email = "bench-full@example.in"
        if existing:
            user = db.session.scalar(sa.select(User).where(User.email == full_email))
            if user is None:
                user = accounts.sign_up(
                    accounts.OrgDetails(legal_name="Bench MSME full", address="Pune"),
                    accounts.PersonDetails(name="Bench", email=full_email, password="Bench-Pass-2026"))  # noqa: S106
                commit()
                seed_cases(user, existing, today_ist(), prefix="OLD")
                if db.engine.dialect.name == "postgresql":
                    db.session.execute(sa.text("ANALYZE"))
                    commit()
        # A file already imported into the full organisation would be refused there: a reused
        # database starts after the files its earlier runs imported (other debtors' PANs).
        first = db.session.scalar(sa.select(sa.func.count(ImportBatch.id)).where(
            ImportBatch.org_id == user.org_id)) if user is not None else 0
        if first + runs > 26:  # write_csv has 26 sets of debtors; a 27th file would repeat the first's
            raise SystemExit(f"this database already holds {first} imports of the benchmark's files: "
                             "seed a new one (no --reuse)")
        for run in range(runs):
            write_csv(src, rows, per_debtor, first + run)
            label = f"run {run + 1}: " if runs > 1 else ""
            empty = organisation(1 + run)
            with _Statements(db.engine) if opts.statements else contextlib.nullcontext() as seen_empty:
                empties.append(_report(f"{label}into an empty organisation", rows,
                                       *timed_import(empty, src, heap and not run)))
            if not run:
                peak = tracemalloc.get_traced_memory()[1] if heap else None
                tracemalloc.stop()
            if existing:
                cases = db.session.scalar(sa.select(sa.func.count(Case.id)).where(
                    Case.creditor_org_id == user.org_id))
                with _Statements(db.engine) if opts.statements else contextlib.nullcontext() as seen_full:
                    fulls.append(_report(f"{label}into one with {cases:,} cases",
                                         rows, *timed_import(user, src, False)))
                print(f"{label}ratio: {fulls[-1] / empties[-1]:.2f}x  (target <= 1.1x; and <= 10 s on "
                      f"PostgreSQL: {'met' if fulls[-1] <= 10 else 'not met'} at {fulls[-1]:.2f} s)")
                if opts.statements:
                    _compare(seen_empty.times, seen_full.times)
        if runs > 1:
            def spread(values):
                values = sorted(values)
                return f"min {values[0]:.2f}, median {statistics.median(values):.2f}, max {values[-1]:.2f}"
            print(f"{runs} runs, seconds into an empty organisation: {spread(empties)}")
            if existing:
                print(f"{runs} runs, seconds into the one with {existing:,}+ cases: {spread(fulls)}")
                print(f"{runs} runs, ratio: {spread([f / e for f, e in zip(fulls, empties, strict=True)])}")
        if not opts.no_verify:
            t0 = time.perf_counter()
            report = audit.verify()
            print(f"audit chains: {'intact' if report.ok else 'BROKEN'} ({report.checked:,} events, "
                  f"{report.chains:,} chains, {time.perf_counter() - t0:.1f} s)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if peak is not None:
        print(f"Python heap peak (tracemalloc, first import): {peak / 1e6:.1f} MB")
    print(f"process max RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()

"""An import does not grow with its file or the database (issue 22, item 6): planning and confirming
10 rows and 200 rows run the same SQL statements, give or take one per batch; the audit chains of
the new cases verify after."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from portal import audit
from portal.database import commit
from portal.identifiers import gstin_check_char
from portal.imports import services
from portal.imports.parsing import COLUMNS
from portal.imports.planner import _LOOKUP_CHUNK
from portal.receivables.models import DebtorPosition
from tests.conftest import StatementCount

PER_DEBTOR = 2  # two invoices per debtor: the rows are grouped into cases


def ledger(rows: int, first: int = 0, invoiced: str = "2026-03-01") -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for n in range(first, first + rows):
        d = n // PER_DEBTOR
        first14 = f"27AABCF{d % 10000:04d}{chr(65 + d // 10000 % 26)}1Z"
        w.writerow([f"Debtor {d} Pvt Ltd", first14 + gstin_check_char(first14), "",
                    f"accounts{d}@debtor.example", "", "Mumbai", f"INV/{n:06d}", invoiced,
                    "2026-03-03", "30", "", "10000.00", "1800.00", "11800.00", "commercial", "18"])
    return out.getvalue().encode()


def statements_to_import(user, data: bytes) -> tuple[int, int]:
    """(statements run, cases created) to stage, plan and confirm `data`."""
    with StatementCount() as sql:
        staged = services.stage(io.BytesIO(data), "ledger.csv", user.org_id)
        plan = services.plan_file(user, staged.path, staged.filename)
        assert not plan.errors, plan.errors[:3]
        batch, _ = services.confirm(user, staged.path, staged.filename, staged.sha256)
    return sql.n, batch.cases_created


def test_an_import_of_200_rows_runs_as_many_statements_as_one_of_10(creditor, db_session):
    small, cases_small = statements_to_import(creditor, ledger(10))
    large, cases_large = statements_to_import(creditor, ledger(200, first=10))
    assert (cases_small, cases_large) == (5, 100)
    batches = -(-200 // _LOOKUP_CHUNK)  # lookup chunks of the larger file
    assert large - small <= batches, f"10 rows: {small} statements, 200 rows: {large}"
    report = audit.verify()
    assert report.ok, report


def test_the_commit_after_an_import_runs_as_many_statements_for_200_rows_as_for_10(creditor, db_session):
    """The debtors' rolled-up rows are recomputed once, just before the commit, in statements that do
    not grow with the debtors: invoices old enough for the limitation reckoning included (their
    cases are read with their rows in a few statements, not three per case)."""
    counted = []
    for rows, first in ((10, 0), (200, 10)):
        staged = services.stage(io.BytesIO(ledger(rows, first, invoiced="2023-06-01")), "old.csv",
                                creditor.org_id)
        services.confirm(creditor, staged.path, staged.filename, staged.sha256)
        with StatementCount() as sql:
            commit()
        counted.append(sql.n)
        position_rows = db_session.scalar(select(func.count(DebtorPosition.party_id)).where(
            DebtorPosition.org_id == creditor.org_id, DebtorPosition.limitation_ends.is_not(None)))
        assert position_rows == (first + rows) // PER_DEBTOR  # every debtor's row, with its limitation date
    assert counted[0] == counted[1], f"commit after 10 rows: {counted[0]} statements, after 200: {counted[1]}"

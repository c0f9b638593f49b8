"""Exports are safe to open (issue 18, item 6): every CSV the product writes neutralises formulas,
through `portal.tabular` (`csv_text`, or `export_cell` on each cell)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_csv_writer_neutralises_its_cells():
    offenders = []
    for package in ("portal", "notices", "arbitration", "evidence"):
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            if path.relative_to(ROOT) == Path("portal/tabular.py"):
                continue
            if re.search(r"csv\.(writer|DictWriter)\(|openpyxl", text) and "export_cell" not in text \
                    and "csv_text" not in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_msme_council_export_neutralises_formulas():
    from arbitration.invocation.msmed_export import INVOICE_COLUMNS, _csv

    row = dict.fromkeys(INVOICE_COLUMNS, "")
    row[INVOICE_COLUMNS[0]] = "=HYPERLINK(\"http://x\",\"y\")"
    assert "'=HYPERLINK" in _csv({"invoices": [row]})

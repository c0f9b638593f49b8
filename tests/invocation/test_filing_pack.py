"""The MSME ODR portal filing pack for the demo's MSMED case (Sai Fabrics: notice signed and served
by e-mail): downloaded through the pages by the creditor, in the portal's order, its JSON valid
against schemas/msme_odr_filing.schema.json and every file's hash in it; refused without a signed
demand notice; CSV cells neutralised."""
from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from arbitration.invocation import filing_pack
from portal.accounts.models import User
from portal.cases.models import Case, Party
from portal.errors import DomainError
from tests.conftest import csrf_for
from tests.invocation.test_basis import msmed_case
from tests.settlement.helpers import pdf_text

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "msme_odr_filing.schema.json").read_text())


def test_the_demo_msmed_case_downloads_its_filing_pack(app, client, auth, db_session, tmp_path):
    seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    case = db_session.scalar(select(Case).join(Party, Party.id == Case.debtor_party_id)
                             .where(Party.legal_name == "Sai Fabrics"))
    owner = db_session.scalar(select(User).where(User.email == "owner@kaveri-textiles.example"))
    auth.login_as(owner)
    chosen = client.post(f"/arbitration/{case.reference}/invocation/msmed", data={"csrf_token": csrf_for(client)})
    assert chosen.status_code == 302, chosen.get_data(as_text=True)[:2000]
    resp = client.get(f"/arbitration/{case.reference}/invocation/msmed-export.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert f"msme-odr-filing-{case.reference}.zip" in resp.headers["Content-Disposition"]
    data, files = filing_pack.read_pack(resp.get_data())
    jsonschema.validate(data, SCHEMA)

    assert [p["part"] for p in data["order"]] == ["supplier", "buyer", "invoices", "computation",
                                                  "demand_notice", "evidence", "statement_of_claim"]
    assert {"01-supplier-and-buyer.pdf", "02-invoices.csv", "03-s16-computation.pdf", "03-s16-computation.csv",
            "04-demand-notice.pdf", "05-evidence/index.pdf", "05-evidence/certificate-s63.pdf",
            "05-evidence/hashes.sha256", "06-statement-of-claim.pdf"} <= set(files)
    assert {f["path"]: f["sha256"] for f in data["files"]} == {
        name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    assert data["supplier"]["udyam_number"] == case.creditor.udyam_number
    assert data["buyer"]["name"] == "Sai Fabrics" and data["buyer"]["email"] == ["accounts@sai-fabrics.example"]
    assert [i["invoice_number"] for i in data["invoices"]] == ["KT/25-26/0121", "KT/25-26/0126"]
    assert all(i["acceptance_date"] and i["due_date"] for i in data["invoices"])
    amounts = data["amounts"]
    assert Decimal(amounts["total_due"]) == Decimal(amounts["principal_outstanding"]) + Decimal(
        amounts["interest_outstanding"]) and Decimal(amounts["interest_s16"]) > 0
    lines = data["computation"]["lines"]
    assert lines and sum(Decimal(line["interest"]) for line in lines) == Decimal(amounts["interest_s16"])
    notice_pdf = files["04-demand-notice.pdf"]
    assert hashlib.sha256(notice_pdf).hexdigest() == data["demand_notice"]["sha256"]
    if data["service"]["proof_file"]:
        assert hashlib.sha256(files["04-proof-of-service.pdf"]).hexdigest() == data["service"]["proof_sha256"]
    for doc in data["evidence"]:
        assert hashlib.sha256(files[doc["file"]]).hexdigest() == doc["sha256"]
    statement = pdf_text(files["06-statement-of-claim.pdf"], tmp_path)
    assert "Statement of claim under section 18" in statement and "Sai Fabrics" in statement
    assert case.creditor.udyam_number in pdf_text(files["01-supplier-and-buyer.pdf"], tmp_path)
    assert "Invoice KT/25-26/0121" in pdf_text(files["03-s16-computation.pdf"], tmp_path)
    csv_rows = files["03-s16-computation.csv"].decode().splitlines()
    assert csv_rows[0].startswith("invoice_number,period_from") and len(csv_rows) == 1 + len(lines)


def test_the_pack_needs_the_signed_demand_notice(db_session):
    creditor, _adv, case = msmed_case()
    with pytest.raises(DomainError, match="signed MSMED demand notice"):
        filing_pack.build(creditor, case, date(2026, 11, 23))


def test_the_computation_csv_neutralises_formulas():
    row = dict.fromkeys(filing_pack.COMPUTATION_COLUMNS, "")
    row["description"] = "=HYPERLINK(\"http://x\",\"y\")"
    assert "'=HYPERLINK" in filing_pack._csv(filing_pack.COMPUTATION_COLUMNS, [row])

"""An imported case is the case a person would have made by hand (issue 22, item 6): the import writes
its rows in bulk (portal/cases/rows.py), so this checks that nothing of the facts, their hash, the
stored sums or the audit record differs from a case entered through the form, and that the hash is
the one a facts version recorded from the stored case would carry."""
from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal

from sqlalchemy import select

from portal import audit
from portal.audit import AuditEvent, canonical_json
from portal.cases import fire, intake, totals
from portal.cases.models import Case, CaseFactsVersion
from portal.imports import services
from tests.conftest import csrf_from
from tests.imports.test_bulk_import import csv_bytes

# The same claim twice: as two rows of a file, and as the form's fields.
ROWS = [
    ["Shree Garments LLP", "27AAPFU0939F1ZV", "", "ap@shree.example", "9876543210", "Plot 12, MIDC, Pune",
     "A-1", "2026-01-10", "2026-01-12", "30", "", "100000.55", "18000.10", "118000.65", "commercial", "18.00"],
    ["Shree Garments LLP", "27AAPFU0939F1ZV", "", "", "", "", "A-2", "2026-02-15", "", "", "2026-03-31",
     "50,000.00", "9000", "", "commercial", ""],
]


def form(csrf: str) -> dict:
    return {"csrf_token": csrf, "legal_name": "Shree Garments LLP", "gstin": "27AAPFU0939F1ZV", "pan": "",
            "postal_address": "Plot 12, MIDC, Pune", "emails": "ap@shree.example", "mobiles": "9876543210",
            "claim_type": "commercial_invoice", "buyer_relationship": "trade_buyer",
            "stated_interest_rate": "18.00", "summary": "",
            "invoices-0-number": "A-1", "invoices-0-invoice_date": "2026-01-10",
            "invoices-0-acceptance_date": "2026-01-12", "invoices-0-credit_days": "30",
            "invoices-0-taxable_value": "100000.55", "invoices-0-gst_amount": "18000.10",
            "invoices-0-total": "118000.65",
            "invoices-1-number": "A-2", "invoices-1-invoice_date": "2026-02-15",
            "invoices-1-due_date": "2026-03-31", "invoices-1-taxable_value": "50000.00",
            "invoices-1-gst_amount": "9000"}


def without_reference(snapshot_text: str) -> dict:
    body = json.loads(snapshot_text)
    body.pop("reference")
    return body


def test_an_imported_case_equals_one_made_by_hand(client, creditor, db_session):
    data = csv_bytes(ROWS)
    staged = services.stage(io.BytesIO(data), "ledger.csv", creditor.org_id)
    batch, _ = services.confirm(creditor, staged.path, staged.filename, staged.sha256)
    assert batch.cases_created == 1
    # Withdrawn first: the same invoices of the same debtor in an open claim would be refused by
    # hand (one debt, one claim); the facts compared below are not touched by the withdrawal.
    fire(db_session.scalar(select(Case).where(Case.creditor_org_id == creditor.org_id)), "withdraw", creditor)
    page = client.get("/cases/new")
    resp = client.post("/cases/new", data=form(csrf_from(page)))
    assert resp.status_code == 302, resp.data[:2000]
    db_session.expire_all()  # everything below is read back from the database
    imported, by_hand = db_session.scalars(select(Case).where(Case.creditor_org_id == creditor.org_id)
                                           .order_by(Case.id)).all()

    first = {c.id: db_session.scalar(select(CaseFactsVersion).where(CaseFactsVersion.case_id == c.id))
             for c in (imported, by_hand)}
    assert without_reference(first[imported.id].snapshot) == without_reference(first[by_hand.id].snapshot)
    for case in (imported, by_hand):
        version = first[case.id]
        assert (case.facts_version, version.version, version.reason) == (1, 1, "created")
        # The hash a version recorded now, from the stored rows, would carry (record_version).
        text = canonical_json(intake.snapshot(case))
        assert text == version.snapshot
        assert hashlib.sha256(text.encode()).hexdigest() == version.sha256

    # Money: to the paisa, the sums stored on the case what portal.cases.totals works out.
    assert [i.total for i in imported.invoices] == [Decimal("118000.65"), Decimal("59000.00")]
    stored = [(c.invoiced_sum, c.outstanding_sum) for c in (imported, by_hand)]
    assert stored == [(Decimal("177000.65"), Decimal("177000.65"))] * 2
    totals.refresh(db_session, [imported.id, by_hand.id])
    db_session.expire_all()
    assert [(c.invoiced_sum, c.outstanding_sum) for c in (imported, by_hand)] == stored
    assert [i.due_date for i in imported.invoices] == [i.due_date for i in by_hand.invoices]
    assert [(c.kind, c.value) for c in imported.debtor.contacts] == \
           [(c.kind, c.value) for c in by_hand.debtor.contacts]

    # The ledger: the same "case.created" event, naming the version's hash, and chains that verify.
    created = {e.case_id: e for e in db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.created", AuditEvent.case_id.in_([imported.id, by_hand.id])))}
    payloads = [created[c.id].data for c in (imported, by_hand)]
    for case, payload in zip((imported, by_hand), payloads, strict=True):
        assert payload.pop("reference") == case.reference
        assert payload["facts_sha256"] == first[case.id].sha256
        assert created[case.id].case_seq == 1
    assert payloads[0] | {"facts_sha256": ""} == payloads[1] | {"facts_sha256": ""}
    report = audit.verify()
    assert report.ok, report

"""Many filed cases for one creditor, fast and honestly: bulk inserts of the same rows intake writes
(debtor, contact, case, three invoices, a payment on every fourth case, the first facts version) and
the audit events intake and filing write ("case.created", "case.file"), hash-chained onto the
ledger's current heads with portal.audit's own functions, so `flask audit verify` passes after.

Not the import service (30,000 rows take it ~30 s): the rows are the same, the planning is skipped.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

BATCH = 5_000


def _snapshot(ref: str, org, debtor: dict, email: str, invoices: list[dict], payments: list[dict]) -> dict:
    # The shape of portal.cases.intake.snapshot for a case built from these rows and defaults.
    return {
        "reference": ref, "claim_type": "commercial_invoice",
        "creditor": {"id": org.id, "legal_name": org.legal_name},
        "debtor": {"legal_name": debtor["legal_name"], "gstin": None, "pan": None,
                   "postal_address": debtor["postal_address"], "contacts": [["email", email]]},
        "terms": {"buyer_relationship": "trade_buyer", "has_written_agreement": False,
                  "agreement_date": None, "agreed_credit_days": None, "has_arbitration_clause": False,
                  "stated_interest_rate": None, "rate_basis": "floating", "part_month": "pro_rata_days",
                  "rounding": "each_rest"},
        "invoices": [{"number": i["number"], "invoice_date": i["invoice_date"], "acceptance_date": None,
                      "due_date": i["due_date"], "credit_days": 30, "taxable_value": i["taxable_value"],
                      "gst_amount": i["gst_amount"], "total": i["total"], "objection_raised_on": None,
                      "objection_removed_on": None} for i in invoices],
        "payments": [{"amount": p["amount"], "paid_on": p["paid_on"], "method": "neft", "reference": ""}
                     for p in payments],
        "acknowledgements": [],
    }


def seed_cases(creditor, count: int, today, *, prefix: str = "BLK") -> None:
    """`count` filed cases of `creditor`'s organisation (one debtor each), committed in batches."""
    from portal import audit
    from portal.audit import AuditEvent, AuditHead
    from portal.cases.models import Case, CaseFactsVersion, Invoice, Party, PartyContact, Payment
    from portal.cases.totals import refresh as refresh_sums
    from portal.database import commit
    from portal.extensions import db
    from portal.types import utcnow

    s = db.session
    org = creditor.organization
    start = utcnow() - timedelta(seconds=count + 60)
    for first in range(0, count, BATCH):
        n = min(BATCH, count - first)
        parties = [{"legal_name": f"Bulk Debtor {first + k:07d} Pvt Ltd", "created_by_org_id": org.id,
                    "postal_address": "12 Market Road, Pune 411001", "place_of_business": "Pune"}
                   for k in range(n)]
        party_ids = list(s.scalars(sa.insert(Party).returning(Party.id, sort_by_parameter_order=True),
                                   parties))
        emails = [f"accounts{first + k}@bulk-debtor.example" for k in range(n)]
        s.execute(sa.insert(PartyContact), [
            {"party_id": p, "kind": "email", "value": e, "designated": True, "source": "invoice"}
            for p, e in zip(party_ids, emails, strict=True)])
        refs = [f"{prefix}-{first + k:07d}" for k in range(n)]
        times = [start + timedelta(seconds=first + k) for k in range(n)]
        case_ids = list(s.scalars(sa.insert(Case).returning(Case.id, sort_by_parameter_order=True), [
            {"reference": r, "creditor_org_id": org.id, "debtor_party_id": p,
             "claim_type": "commercial_invoice", "status": "filed", "created_by_id": creditor.id,
             "facts_version": 1, "created_at": t, "updated_at": t, "status_changed_at": t}
            for r, p, t in zip(refs, party_ids, times, strict=True)]))
        invoices, payments, versions, entries = [], [], [], []
        for k, (cid, ref, t) in enumerate(zip(case_ids, refs, times, strict=True)):
            i = first + k
            mine = []
            for j in range(3):
                taxable = Decimal(1_000 + (i * 7_919 + j * 104_729) % 500_000).quantize(Decimal("0.01"))
                gst = (taxable * Decimal("0.18")).quantize(Decimal("0.01"))
                issued = today - timedelta(days=40 + (i * 13 + j * 29) % 400)
                mine.append({"case_id": cid, "number": f"INV/{i:07d}/{j}", "invoice_date": issued,
                             "due_date": issued + timedelta(days=30), "credit_days": 30,
                             "taxable_value": taxable, "gst_amount": gst, "total": taxable + gst,
                             "description": "Supplies"})
            paid = []
            if i % 4 == 0:
                paid.append({"case_id": cid, "amount": (mine[0]["total"] / 2).quantize(Decimal("0.01")),
                             "paid_on": mine[0]["due_date"] + timedelta(days=10), "method": "neft",
                             "reference": "", "recorded_by_id": creditor.id, "created_at": t})
            invoices += mine
            payments += paid
            body = audit.canonical_json(_snapshot(ref, org, parties[k], emails[k], mine, paid))
            sha = hashlib.sha256(body.encode()).hexdigest()
            versions.append({"case_id": cid, "version": 1, "snapshot": body, "sha256": sha,
                             "reason": "created", "created_by_id": creditor.id, "created_at": t})
            total = sum((inv["total"] for inv in mine), Decimal("0.00"))
            entries.append((cid, t, "case.created", {
                "reference": ref, "claim_type": "commercial_invoice", "debtor": parties[k]["legal_name"],
                "invoices": 3, "total": total, "facts_version": 1, "facts_sha256": sha}))
            entries.append((cid, t, "case.file", {"from": "draft", "to": "filed"}))
        s.execute(sa.insert(Invoice), invoices)
        if payments:
            s.execute(sa.insert(Payment), payments)
        s.execute(sa.insert(CaseFactsVersion), versions)
        refresh_sums(s, case_ids)  # bulk inserts bypass the flush that keeps them
        _chain(s, entries, creditor, AuditEvent, AuditHead, audit)
        commit()


def _chain(s, entries, actor, AuditEvent, AuditHead, audit) -> None:
    """Append the events to the global chain (its head locked) and start each new case's chain."""
    head = s.execute(sa.select(AuditHead).where(AuditHead.chain == audit.GLOBAL_CHAIN)
                     .with_for_update()).scalar_one_or_none()
    seq, prev = (head.seq, head.hash) if head else (0, audit.GENESIS)
    case_heads: dict[int, list] = {}
    rows = []
    for cid, at, action, payload in entries:
        seq += 1
        cseq, cprev = case_heads.get(cid, (0, audit.GENESIS))
        cseq += 1
        payload_json = audit.canonical_json(payload)
        entry = audit.entry_json(seq=seq, case_id=cid, case_seq=cseq, actor_id=actor.id,
                                 actor_role=actor.role.value, action=action,
                                 payload=json.loads(payload_json), created_at=at)
        h, ch = audit.chain_hash(prev, entry), audit.chain_hash(cprev, entry)
        rows.append({"seq": seq, "case_id": cid, "case_seq": cseq, "actor_id": actor.id,
                     "actor_role": actor.role.value, "action": action, "payload": payload_json,
                     "created_at": at, "prev_hash": prev, "hash": h, "case_prev_hash": cprev,
                     "case_hash": ch})
        prev = h
        case_heads[cid] = (cseq, ch)
    s.execute(sa.insert(AuditEvent), rows)
    if head is None:
        s.add(AuditHead(chain=audit.GLOBAL_CHAIN, seq=seq, hash=prev))
    else:
        head.seq, head.hash = seq, prev
    s.execute(sa.insert(AuditHead), [{"chain": f"case:{cid}", "seq": q, "hash": h}
                                     for cid, (q, h) in case_heads.items()])
    s.flush()

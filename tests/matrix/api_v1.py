"""/api/v1: the same people may read and change through the API what they may on the pages (a
stranger to the case gets 404, a wrong role 403 or 404); collections are the creditor's staff's.
The matrix signs in with a session; tests/api/ tries the same routes with keys of each scope."""
from __future__ import annotations

import io

from portal.cases.intake import today_ist
from tests.matrix.common import ALL_CREDITORS, CREDITORS, LOGGED_IN, NOBODY, VIEWERS, Probe, allow

V1 = "/api/v1"
EVIDENCE_READERS = CREDITORS | {"advocate", "neutral", "admin"}
NOTICE_READERS = CREDITORS | {"advocate", "admin"}


def case_path(suffix: str = ""):
    return lambda w: f"{V1}/cases/{w.case().reference}{suffix}"


def document_path(suffix: str = ""):
    return lambda w: f"{V1}/cases/{w.case().reference}/evidence/{w.document().id}{suffix}"


ROUTES = {
    ("api_v1.list_cases", "GET"): Probe(lambda w: f"{V1}/cases", allow(LOGGED_IN, 200), hidden_from=NOBODY),
    ("api_v1.create_case", "POST"): Probe(
        lambda w: f"{V1}/cases", allow(ALL_CREDITORS, 201), hidden_from=NOBODY,
        json=lambda w: {"debtor": {"legal_name": "Lotus Fashion", "emails": ["ap@lotus.example"]},
                        "invoices": [{"number": "L-1", "invoice_date": "2026-02-01",
                                      "taxable_value": "25000.00"}]}),
    ("api_v1.get_case", "GET"): Probe(case_path(), allow(VIEWERS, 200)),
    ("api_v1.withdraw_case", "POST"): Probe(case_path("/withdraw"), allow(CREDITORS, 200),
                                            json=lambda w: {"reason": "Settled outside Sulah."}),
    ("api_v1.list_invoices", "GET"): Probe(case_path("/invoices"), allow(VIEWERS, 200)),
    ("api_v1.list_payments", "GET"): Probe(case_path("/payments"), allow(VIEWERS, 200)),
    ("api_v1.record_case_payment", "POST"): Probe(
        case_path("/payments"), allow(CREDITORS, 201),
        json=lambda w: {"amount": "100.00", "paid_on": "2026-03-01", "method": "upi"}),
    ("api_v1.list_audit_events", "GET"): Probe(case_path("/audit-events"), allow(EVIDENCE_READERS, 200)),
    ("api_v1.list_documents", "GET"): Probe(case_path("/evidence"), allow(EVIDENCE_READERS, 200)),
    ("api_v1.upload_document", "POST"): Probe(
        case_path("/evidence"), allow(CREDITORS | {"advocate"}, 201),
        form=lambda w: {"file": (io.BytesIO(b"Ledger extract, March 2026.\n"), "ledger.txt"),
                        "kind": "ledger", "description": "Ledger extract"}),
    ("api_v1.get_document", "GET"): Probe(document_path(), allow(EVIDENCE_READERS, 200)),
    ("api_v1.download_document", "GET"): Probe(document_path("/file"), allow(EVIDENCE_READERS, 200)),
    ("api_v1.list_notices", "GET"): Probe(case_path("/notices"), allow(NOTICE_READERS, 200)),
    ("api_v1.draft_notice", "POST"): Probe(case_path("/notices"), allow(CREDITORS, 201),
                                           json=lambda w: {"language": "en", "pay_within_days": 15}),
    ("api_v1.get_notice", "GET"): Probe(lambda w: f"{V1}/notices/{w.notice(in_review=True).id}",
                                        allow(NOTICE_READERS, 200)),
    ("api_v1.signed_notice_pdf", "GET"): Probe(lambda w: f"{V1}/notices/{w.signed_notice().id}/signed.pdf",
                                               allow(NOTICE_READERS, 200)),
    ("api_v1.notice_service", "GET"): Probe(lambda w: f"{V1}/notices/{w.signed_notice().id}/service",
                                            allow(NOTICE_READERS, 200)),
    ("api_v1.list_dispatches", "GET"): Probe(lambda w: f"{V1}/notices/{w.signed_notice().id}/dispatches",
                                             allow(NOTICE_READERS, 200)),
    ("api_v1.list_delivery_events", "GET"): Probe(
        lambda w: f"{V1}/notices/{w.signed_notice().id}/delivery-events", allow(NOTICE_READERS, 200)),
    ("api_v1.serve_notice", "POST"): Probe(lambda w: f"{V1}/notices/{w.signed_notice().id}/service",
                                           allow(CREDITORS, 202), json=lambda w: {"channels": ["email"]}),
    ("api_v1.delivery_proofs", "GET"): Probe(
        lambda w: f"{V1}/notices/{w.proven_notice().id}/delivery-proof", allow(NOTICE_READERS, 200)),
    ("api_v1.delivery_proof_pdf", "GET"): Probe(
        lambda w: f"{V1}/notices/{w.proven_notice().id}/delivery-proof.pdf", allow(NOTICE_READERS, 200)),
    ("api_v1.list_responses", "GET"): Probe(case_path("/debtor-responses"), allow(VIEWERS, 200)),
    ("api_v1.list_offers", "GET"): Probe(case_path("/offers"), allow(VIEWERS, 200)),
    ("api_v1.settlement", "GET"): Probe(case_path("/settlement"), allow(VIEWERS, 200)),
    # Every creditor's staff reads its own organisation's debtors (another's list is its own).
    ("api_v1.list_debtors", "GET"): Probe(lambda w: f"{V1}/debtors", allow(ALL_CREDITORS, 200),
                                          hidden_from=NOBODY),
    ("api_v1.list_reminders", "GET"): Probe(case_path("/reminders"), allow(CREDITORS, 200)),
    ("api_v1.list_promises", "GET"): Probe(case_path("/promises"), allow(CREDITORS, 200)),
    ("api_v1.record_promise", "POST"): Probe(
        case_path("/promises"), allow(CREDITORS, 201),
        json=lambda w: {"invoice_number": w.case().invoices[0].number, "amount": "100.00",
                        "promised_for": today_ist().isoformat()}),
}

PUBLIC = {
    ("api_v1.openapi_json", "GET"): "the API's own description: routes and schemas, no one's data",
    ("api_v1.docs", "GET"): "the API reference page, generated from the same description",
}

"""/api/v1 with organisation keys: the generated OpenAPI document validates and lists every route,
every JSON answer matches its published schema, scopes hold per route, another organisation's key
finds nothing, bad input is problem+json with `invalid_params` and leaves nothing, every POST
honours Idempotency-Key, evidence streams in and out unchanged, and no route signs or approves."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from markupsafe import escape
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from sqlalchemy import func, select

from evidence import DocumentKind, add_document
from portal.apikeys import ENDPOINT_SCOPE
from portal.apikeys import services as keys
from portal.apikeys.models import IdempotentResult
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.models import Case, Payment
from portal.cases.states import CaseStatus
from portal.debtor.models import DebtorResponse, ResponseKind
from portal.extensions import db
from portal.receivables.models import Promise
from tests.cases.test_intake import api_body
from tests.test_authorization_matrix import World

PROBLEM = "application/problem+json"
V1 = "/api/v1"


def bearer(user, *scopes) -> dict:
    _key, token = keys.create_key(user, "ERP connector", list(scopes))
    return {"Authorization": f"Bearer {token}"}


def v1_rules(app):
    return [(rule, method) for rule in app.url_map.iter_rules() if rule.rule.startswith(V1)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


@pytest.fixture
def doc(client):
    resp = client.get(f"{V1}/openapi.json")
    assert resp.status_code == 200
    return resp.json


@pytest.fixture
def w(db_session):
    return World()


def test_the_document_validates_and_has_every_route(app, doc):
    validate(doc)  # OpenAPI 3.1, by openapi-spec-validator
    assert doc["openapi"] == "3.1.0"
    rules = v1_rules(app)
    assert len(rules) == 31  # with a notice's dispatches and delivery events (keyset pages), the debtors
    for rule, method in rules:
        op = doc["paths"][openapi_path(rule.rule)][method.lower()]
        assert op["x-scope"] == ENDPOINT_SCOPE[rule.endpoint], rule.endpoint
        if method == "POST":
            assert any(p["name"] == "Idempotency-Key" for p in op["parameters"]), rule.endpoint
            for status in ("409", "422"):
                assert PROBLEM in op["responses"][status]["content"], (rule.endpoint, status)
    documented = {(path, m) for path, item in doc["paths"].items() for m in item if m != "parameters"}
    assert documented == {(openapi_path(r.rule), m.lower()) for r, m in rules}


def test_no_route_signs_approves_or_reviews(app, doc):
    """Signing and approval need the advocate and a second factor: the API offers neither."""
    for rule, method in v1_rules(app):
        if method != "GET":
            assert not re.search(r"sign|approv|review|return|submit", rule.rule), rule.rule
    assert all(op["x-scope"] in {"", "read", "write", "evidence", "notices"}
               for item in doc["paths"].values() for m, op in item.items() if m != "parameters")


def test_the_reference_page_is_generated_from_the_document(client, doc):
    page = client.get(f"{V1}/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<script" not in html and "https://" not in html  # no JavaScript, nothing from a CDN
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                assert f"<code>{method.upper()} {path}</code>" in html and str(escape(op["summary"])) in html


def _schema_of(doc, path: str, method: str, status: str):
    return doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_every_answer_matches_its_schema(client, w, doc):
    """Each JSON GET, on a case with a signed notice, a delivery proof, evidence, a debtor's
    answer and a promise, and each POST's answer, validated against the published schema."""
    notice = w.proven_notice()
    case = notice.case
    document = add_document(w.creditor_admin, case, io.BytesIO(b"Challan 7\n"), "challan.txt",
                            DocumentKind.DELIVERY_PROOF)
    db.session.add_all([
        DebtorResponse(case_id=case.id, kind=ResponseKind.ADMIT_PART, admitted_amount=1000, text="part"),
        Promise(org_id=case.creditor_org_id, party_id=case.debtor_party_id, case_id=case.id,
                invoice_id=case.invoices[0].id, amount=100, promised_for=case.invoices[0].due_date,
                paid_before=0, made_how="call")])
    db.session.flush()
    headers = bearer(w.creditor_admin, "read", "write", "evidence", "notices")
    values = {"reference": case.reference, "notice_id": notice.id, "document_id": document.id}
    checked = 0
    for path, item in doc["paths"].items():
        op = item.get("get")
        if op is None or "application/json" not in op["responses"]["200"].get("content", {}):
            continue
        if path.endswith("openapi.json"):
            continue
        resp = client.get(path.format(**values), headers=headers)
        assert resp.status_code == 200, (path, resp.json)
        schema = {**_schema_of(doc, path, "get", "200"), "components": doc["components"]}
        OAS31Validator(schema).validate(resp.json)
        checked += 1
    assert checked == 19
    got = client.get(f"{V1}/cases/{case.reference}/debtor-responses", headers=headers).json
    assert got["responses"][0]["admitted_amount"] == "1000.00"
    assert client.get(f"{V1}/cases/{case.reference}/promises", headers=headers).json["promises"][0][
        "made_how"] == "call"
    created = client.post(f"{V1}/cases", json=api_body(), headers=headers)
    assert created.status_code == 201
    OAS31Validator({**_schema_of(doc, "/api/v1/cases", "post", "201"),
                    "components": doc["components"]}).validate(created.json)


def test_files_come_back_byte_for_byte(client, w):
    notice = w.proven_notice()
    headers = bearer(w.creditor_admin, "read", "notices")
    pdf = client.get(f"{V1}/notices/{notice.id}/signed.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert hashlib.sha256(pdf.data).hexdigest() == notice.signed_pdf_sha256 == pdf.headers["X-Content-SHA256"]
    proof = client.get(f"{V1}/notices/{notice.id}/delivery-proof.pdf", headers=headers)
    assert proof.status_code == 200 and proof.data.startswith(b"%PDF")
    status = client.get(f"{V1}/notices/{notice.id}", headers=headers).json
    assert status["status"] == "signed" and status["verify_url"].endswith(status["verification_code"])


def test_evidence_streams_in_and_out(client, w, db_session):
    case = w.case()
    headers = bearer(w.creditor_admin, "read", "evidence")
    content = b"Ledger extract, March 2026.\n" * 4000
    resp = client.post(f"{V1}/cases/{case.reference}/evidence?kind=ledger&filename=ledger.txt",
                       data=content, headers={**headers, "Content-Type": "application/octet-stream"})
    assert resp.status_code == 201, resp.json
    meta = resp.json
    assert meta["sha256"] == hashlib.sha256(content).hexdigest() and meta["size"] == len(content)
    got = client.get(meta["download_url"], headers=headers)
    assert got.status_code == 200 and got.data == content
    got.close()
    downloads = db_session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "evidence.downloaded"))
    assert downloads == 1
    retry = {**headers, "Idempotency-Key": "upload-1"}
    refused = client.post(f"{V1}/cases/{case.reference}/evidence?kind=ledger&filename=run.exe",
                          data=b"MZ\x90\x00" + b"\x00" * 60, headers=retry)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert refused.json["invalid_params"][0]["name"] == "file"
    # A refusal is not kept: the same key with a corrected request is carried out.
    fixed = client.post(f"{V1}/cases/{case.reference}/evidence?kind=ledger&filename=ledger2.txt",
                        data=b"Second ledger\n", headers=retry)
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


SCOPED = [  # (method, path on the FILED case, body, the scope it needs)
    ("GET", "/cases/{ref}/invoices", None, "read"),
    ("POST", "/cases", "case", "write"),
    ("POST", "/cases/{ref}/withdraw", {"reason": "Paid in full outside Sulah."}, "write"),
    ("POST", "/cases/{ref}/payments", {"amount": "10.00", "paid_on": "2026-03-01"}, "write"),
    ("GET", "/cases/{ref}/evidence/{doc}/file", None, "evidence"),
    ("POST", "/cases/{ref}/notices", {"pay_within_days": 15}, "notices"),
    ("GET", "/notices/{notice}/signed.pdf", None, "notices"),
    ("POST", "/notices/{notice}/service", {"channels": ["email"]}, "notices"),
    ("POST", "/cases/{ref}/promises", "promise", "write"),
]


@pytest.mark.parametrize("method,path,body,scope", SCOPED, ids=[f"{m} {p}" for m, p, _b, _s in SCOPED])
def test_each_route_needs_its_scope(client, w, db_session, method, path, body, scope):
    case = w.case()
    notice = w.signed_notice() if "{notice}" in path else None
    url = V1 + path.format(ref=case.reference, doc=w.document().id if "{doc}" in path else "",
                           notice=notice.id if notice else "")
    payload = api_body() if body == "case" else promise_body(case) if body == "promise" else body
    others = [s for s in keys.SCOPES if s != scope]
    before = db_session.scalar(select(func.count()).select_from(AuditEvent))
    refused = client.open(url, method=method, json=payload, headers=bearer(w.creditor_admin, *others))
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert f"'{scope}' scope" in refused.json["detail"]
    after = db_session.scalar(select(func.count()).select_from(AuditEvent))
    assert after == before + 1  # the key's creation only: the refusal changed nothing
    allowed = client.open(url, method=method, json=payload, headers=bearer(w.creditor_admin, scope))
    assert allowed.status_code in (200, 201, 202), allowed.get_data(as_text=True)[:500]
    allowed.close()


def test_every_route_refuses_a_key_without_its_scope(client, w, app, db_session):
    """For each route, a key holding every other scope: 403 problem+json naming the scope, and
    nothing written (the refusal comes before the view)."""
    notice = w.signed_notice()
    values = {"reference": notice.case.reference, "notice_id": notice.id, "document_id": w.document().id}
    lacking = {scope: bearer(w.creditor_admin, *(set(keys.SCOPES) - {scope})) for scope in keys.SCOPES}
    events = db_session.scalar(select(func.count()).select_from(AuditEvent))
    tried = 0
    for rule, method in v1_rules(app):
        scope = ENDPOINT_SCOPE[rule.endpoint]
        if not scope:  # the document and its page are public
            continue
        url = openapi_path(rule.rule).format(**values)
        resp = client.open(url, method=method, json={}, headers=lacking[scope])
        assert resp.status_code == 403 and resp.mimetype == PROBLEM, (url, resp.status_code)
        assert f"'{scope}' scope" in resp.json["detail"]
        tried += 1
    assert tried == 29
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_another_organisations_key_finds_nothing(client, w, app):
    """Every route with a case or notice in its URL: 404 for another organisation's key, 401 for a
    key that is not one."""
    notice = w.signed_notice()
    values = {"reference": notice.case.reference, "notice_id": notice.id, "document_id": w.document().id}
    stranger = bearer(w.other_creditor, *keys.SCOPES)
    forged = {"Authorization": "Bearer sk_000000000000_" + "x" * 43}
    tried = 0
    for rule, method in v1_rules(app):
        if not rule.arguments:
            continue
        url = rule.build(values)[1] if False else openapi_path(rule.rule).format(**values)
        body = {"reason": "Not mine to withdraw."} if method == "POST" else None
        resp = client.open(url, method=method, json=body, headers=stranger)
        assert resp.status_code == 404 and resp.mimetype == PROBLEM, (url, resp.status_code)
        assert client.open(url, method=method, json=body, headers=forged).status_code == 401
        tried += 1
    assert tried == 26
    assert db.session.get(Case, notice.case.id).status != CaseStatus.WITHDRAWN
    listed = client.get(f"{V1}/cases", headers=stranger).json
    assert listed["cases"] == [] and listed["next"] is None


def promise_body(case, **over):
    return {"invoice_number": case.invoices[0].number, "amount": "100.00",
            "promised_for": today_ist().isoformat(), **over}


BAD = [  # (path, body, a field named in invalid_params)
    ("/cases", {"debtor": {"legal_name": ""}, "invoices": []}, "debtor.legal_name"),
    ("/cases", {"debtor": {"legal_name": "X"}, "invoices": [{"number": "1", "invoice_date": "2026-02-30",
                                                            "taxable_value": "1e9"}]}, "invoices.0.invoice_date"),
    ("/cases/{ref}/withdraw", {"reason": "no"}, "reason"),
    ("/cases/{ref}/payments", {"amount": "100.555", "paid_on": "2026-03-01"}, "amount"),
    ("/cases/{ref}/payments", {"amount": "10.00", "paid_on": "2099-01-01"}, "paid_on"),
    ("/cases/{ref}/payments", {"amount": "10.00", "paid_on": "2026-03-01", "invoice_number": "NOPE"},
     "invoice_number"),
    ("/cases/{ref}/notices", {"pay_within_days": 400, "surprise": 1}, "pay_within_days"),
    ("/cases/{ref}/evidence?kind=bogus&filename=a.txt", None, "kind"),
    ("/cases/{ref}/promises", {"invoice_number": "NOPE", "amount": "1.00", "promised_for": "2026-03-01"},
     "invoice_number"),
    ("/cases/{ref}/promises", "past promise", "promised_for"),
    ("/cases/{ref}/promises", "huge promise", "amount"),
    ("/notices/{notice}/service", {"channels": ["pigeon"]}, "channels.0"),
    ("/notices/{notice}/service", {"channels": ["sms"]}, "channels"),  # the debtor has no mobile
]


@pytest.mark.parametrize("path,body,field", BAD, ids=[f"{p} {f}" for p, _b, f in BAD])
def test_bad_input_is_a_problem_with_invalid_params(client, w, db_session, path, body, field):
    case = w.case()
    notice = w.signed_notice() if "{notice}" in path else None
    headers = bearer(w.creditor_admin, *keys.SCOPES)
    if isinstance(body, str):
        body = {"past promise": promise_body(case, promised_for="2020-01-01"),
                "huge promise": promise_body(case, amount="99999999.00")}[body]
    counts = [db_session.scalar(select(func.count()).select_from(m)) for m in (Case, Payment, AuditEvent)]
    url = V1 + path.format(ref=case.reference, notice=notice.id if notice else "")
    resp = (client.post(url, data=b"hello\n", headers=headers) if body is None
            else client.post(url, json=body, headers=headers))
    assert resp.status_code == 422 and resp.mimetype == PROBLEM, resp.json
    assert field in {p["name"] for p in resp.json["invalid_params"]}, resp.json
    assert [db_session.scalar(select(func.count()).select_from(m)) for m in (Case, Payment, AuditEvent)] == counts
    not_json = client.post(url.split("?")[0], data="{not json", headers={
        **headers, "Content-Type": "application/json"})
    assert not_json.status_code in (400, 422) and not_json.mimetype == PROBLEM


def test_a_bad_query_is_a_400_problem(client, w):
    headers = bearer(w.creditor_admin, "read")
    for query in ("limit=0", "limit=x", "status=nonsense", "min_due=lots", "colour=red", "debtor=x"):
        resp = client.get(f"{V1}/cases?{query}", headers=headers)
        assert resp.status_code == 400 and resp.mimetype == PROBLEM, query
        names = {p["name"] for p in resp.json["invalid_params"]}
        assert names == {query.split("=")[0]}, (query, resp.json)


IDEMPOTENT = [
    ("/cases", "case", "write"),
    ("/cases/{ref}/withdraw", {"reason": "Paid in full outside Sulah."}, "write"),
    ("/cases/{ref}/payments", {"amount": "10.00", "paid_on": "2026-03-01"}, "write"),
    ("/cases/{ref}/notices", {"pay_within_days": 15}, "notices"),
    ("/cases/{ref}/evidence?kind=ledger&filename=l.txt", b"Ledger line\n", "evidence"),
    ("/cases/{ref}/promises", "promise", "write"),
    ("/notices/{notice}/service", {"channels": ["email"]}, "notices"),
]


@pytest.mark.parametrize("path,body,scope", IDEMPOTENT, ids=[p for p, _b, _s in IDEMPOTENT])
def test_every_post_honours_idempotency_key(client, w, db_session, path, body, scope):
    case = w.case()
    notice = w.signed_notice() if "{notice}" in path else None
    headers = {**bearer(w.creditor_admin, scope), "Idempotency-Key": f"k-{path}"}
    url = V1 + path.format(ref=case.reference, notice=notice.id if notice else "")
    body = promise_body(case) if body == "promise" else body

    def send(payload):
        if isinstance(payload, bytes):
            return client.post(url, data=payload, headers=headers)
        return client.post(url, json=api_body() if payload == "case" else payload, headers=headers)

    first = send(body)
    assert first.status_code in (200, 201, 202), first.json
    events = db_session.scalar(select(func.count()).select_from(AuditEvent))
    again = send(body)
    assert again.status_code == first.status_code and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == events  # not done twice
    other = send(b"Another ledger\n" if isinstance(body, bytes) else
                 (api_body(summary="other") if body == "case" else {**body, "reason": "Another reason."}
                  if "reason" in body else {**body, "pay_within_days": 20} if "pay_within_days" in body
                  else {**body, "escalate_to_odr": True} if "channels" in body
                  else {**body, "amount": "11.00"}))
    assert other.status_code == 409 and other.mimetype == PROBLEM
    assert db_session.scalar(select(func.count()).select_from(IdempotentResult)) == 1


def test_the_old_routes_still_answer(client, w):
    """/api/cases and /api/cases/<reference> are kept as they were (their own handlers, the same
    CaseIn and services): a client of the first version keeps working."""
    case = w.case()
    headers = bearer(w.creditor_admin, "read")
    old = client.get("/api/cases", headers=headers).json
    new = client.get(f"{V1}/cases", headers=headers).json
    assert [c["reference"] for c in old["cases"]] == [c["reference"] for c in new["cases"]] == [case.reference]
    assert client.get(f"/api/cases/{case.reference}", headers=headers).json["status"] == "filed"


def test_list_pages_follow_next(client, w):
    for _ in range(3):
        w.new_case()
    headers = bearer(w.creditor_admin, "read")
    seen, url = [], f"{V1}/cases?limit=2"
    while url:
        page = client.get(url, headers=headers).json
        seen += [c["reference"] for c in page["cases"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 3


def test_an_idempotency_key_without_an_api_key_is_a_401(client, db_session):
    """Found by Schemathesis: the key's owner was read before anyone was known (a 500)."""
    resp = client.post(f"{V1}/cases", json=api_body(), headers={"Idempotency-Key": "k-1"})
    assert resp.status_code == 401 and resp.mimetype == PROBLEM
    assert db_session.scalar(select(func.count()).select_from(IdempotentResult)) == 0


def test_the_api_answers_in_english_whatever_language_the_keys_maker_chose(client, w, db_session):
    """A key acts as its maker; a maker who reads their pages in Hindi (users.language) still gets
    the API's refusals in English: an integration's parsing must not change with a person's choice."""
    case = w.case()
    w.creditor_admin.language = "hi"
    db_session.commit()
    headers = bearer(w.creditor_admin, *keys.SCOPES)
    resp = client.post(f"{V1}/cases/{case.reference}/payments", json={"amount": "100.555", "paid_on": "2026-03-01"},
                       headers=headers)
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    reason = resp.json["invalid_params"][0]["reason"]
    assert "100.555" in reason and not any("\u0900" <= ch <= "\u097f" for ch in reason), reason

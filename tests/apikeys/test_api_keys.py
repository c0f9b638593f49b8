"""API keys: created by the organisation's administrator and shown once, stored hashed, scoped,
revocable, named in the audit trail; Idempotency-Key; problem+json errors."""
import re

import pytest
from sqlalchemy import func, select

from portal.apikeys.models import ApiKey, IdempotentResult
from portal.apikeys.states import ApiKeyStatus
from portal.audit import AuditEvent
from portal.cases.models import Case
from tests.cases.test_intake import api_body
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(db_session):
    return CreditorFactory(is_org_admin=True)


def make_key(client, auth, user, *scopes, name="Tally connector"):
    auth.login_as(user)
    page = client.get("/account/api-keys")
    resp = client.post("/account/api-keys", data={"csrf_token": csrf_from(page), "name": name,
                                                  "scopes": list(scopes)})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:2000]
    token = re.search(r'value="(sk_[0-9a-f]{12}_[A-Za-z0-9_-]+)"', resp.get_data(as_text=True)).group(1)
    auth.logout()
    return token


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def n(db_session, model):
    return db_session.scalar(select(func.count()).select_from(model))


def test_the_key_is_shown_once_and_stored_as_a_fingerprint(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read", "write")
    key = db_session.scalar(select(ApiKey))
    assert token.startswith(key.prefix) and token not in key.secret_sha256
    assert key.scope_set == {"read", "write"} and key.status == ApiKeyStatus.ACTIVE
    auth.login_as(admin)
    listing = client.get("/account/api-keys").get_data(as_text=True)
    assert key.prefix in listing and token not in listing
    created = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "api_key.created"))
    assert created.data["prefix"] == key.prefix and token not in created.payload


def test_a_key_reads_and_creates_within_its_scopes(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read", "write")
    resp = client.post("/api/cases", json=api_body(), headers=bearer(token))  # no CSRF needed
    assert resp.status_code == 201, resp.json
    ref = resp.json["reference"]
    got = client.get(f"/api/cases/{ref}", headers=bearer(token))
    assert got.status_code == 200 and got.json["facts"]["reference"] == ref
    key = db_session.scalar(select(ApiKey))
    assert key.last_used_at is not None
    case = db_session.scalar(select(Case).where(Case.reference == ref))
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    assert events and all(e.data["api_key_id"] == key.id for e in events)
    assert events[0].actor_id == admin.id  # the key acts as the administrator who made it


def test_scopes_are_enforced(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read")
    before = n(db_session, Case)
    resp = client.post("/api/cases", json=api_body(), headers=bearer(token))
    assert resp.status_code == 403 and resp.mimetype == PROBLEM
    assert "'write' scope" in resp.json["detail"] and resp.json["status"] == 403
    assert n(db_session, Case) == before
    case = CaseFactory(creditor=admin.organization)
    assert client.get(f"/api/cases/{case.reference}", headers=bearer(token)).status_code == 200
    other = CaseFactory()  # another organisation's case: not found, as for a person
    assert client.get(f"/api/cases/{other.reference}", headers=bearer(token)).status_code == 404


@pytest.mark.parametrize("header", [
    "Bearer sk_000000000000_notakey", "Bearer nonsense", "Bearer " + "sk_" + "x" * 300])
def test_bad_keys_get_a_401_problem(client, db_session, header):
    case = CaseFactory()
    resp = client.get(f"/api/cases/{case.reference}", headers={"Authorization": header})
    assert resp.status_code == 401 and resp.mimetype == PROBLEM
    assert resp.json["title"] and resp.json["detail"]


def test_a_revoked_key_is_refused_and_revoking_asks_for_a_reason(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read")
    key = db_session.scalar(select(ApiKey))
    auth.login_as(admin)
    page = client.get("/account/api-keys")
    blank = client.post(f"/account/api-keys/{key.id}/revoke", data={"csrf_token": csrf_from(page)})
    assert blank.status_code == 422 and key.status == ApiKeyStatus.ACTIVE
    done = client.post(f"/account/api-keys/{key.id}/revoke",
                       data={"csrf_token": csrf_from(page), "reason": "The connector is retired."})
    assert done.status_code == 302
    db_session.refresh(key)
    assert key.status == ApiKeyStatus.REVOKED and key.revoke_reason == "The connector is retired."
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "api_key.revoked"))
    auth.logout()
    case = CaseFactory(creditor=admin.organization)
    assert client.get(f"/api/cases/{case.reference}", headers=bearer(token)).status_code == 401


def test_a_key_never_opens_the_pages(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read", "write")
    resp = client.get("/dashboard", headers=bearer(token))
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("who", ["staff", "advocate", "other_admin"])
def test_only_the_organisations_administrator_manages_keys(client, auth, admin, db_session, who):
    make_key(client, auth, admin, "read")
    key = db_session.scalar(select(ApiKey))
    user = {"staff": lambda: CreditorFactory(organization=admin.organization, is_org_admin=False),
            "advocate": AdvocateFactory,
            "other_admin": lambda: CreditorFactory(is_org_admin=True)}[who]()
    auth.login_as(user)
    page = client.get("/dashboard", follow_redirects=True)
    revoke = client.post(f"/account/api-keys/{key.id}/revoke",
                         data={"csrf_token": csrf_from(page), "reason": "Not mine to revoke"})
    if who == "other_admin":
        assert client.get("/account/api-keys").status_code == 200  # its own (empty) list
        assert key.prefix not in client.get("/account/api-keys").get_data(as_text=True)
        assert revoke.status_code == 404
    else:
        assert client.get("/account/api-keys").status_code == 403
        assert revoke.status_code == 403
    db_session.refresh(key)
    assert key.status == ApiKeyStatus.ACTIVE


@pytest.mark.parametrize("form,message", [
    ({"name": "", "scopes": ["read"]}, "Name the key"),
    ({"name": "ERP"}, "Choose at least one scope"),
    ({"name": "ERP", "scopes": ["sign"]}, "is not a valid choice"),
])
def test_bad_key_requests_are_explained_and_nothing_is_stored(client, auth, admin, db_session,
                                                              form, message):
    auth.login_as(admin)
    page = client.get("/account/api-keys")
    resp = client.post("/account/api-keys", data={"csrf_token": csrf_from(page), **form})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert n(db_session, ApiKey) == 0


def test_idempotency_key_replays_the_first_answer_and_refuses_a_different_body(
        client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read", "write")
    headers = {**bearer(token), "Idempotency-Key": "0b6f2c3e-7d0a-4c6b-9d1e-1f2a3b4c5d6e"}
    first = client.post("/api/cases", json=api_body(), headers=headers)
    again = client.post("/api/cases", json=api_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert n(db_session, Case) == 1 and n(db_session, IdempotentResult) == 1
    changed = client.post("/api/cases", json=api_body(stated_interest_rate="10"), headers=headers)
    assert changed.status_code == 409 and changed.mimetype == PROBLEM
    assert n(db_session, Case) == 1
    # Under another key the same body is the same debt again: refused (one debt, one claim).
    again_elsewhere = client.post("/api/cases", json=api_body(), headers={**bearer(token),
                                                                            "Idempotency-Key": "another"})
    assert again_elsewhere.status_code == 422 and n(db_session, Case) == 1
    other = api_body()
    other["invoices"][0]["number"] = "L-2"
    fresh = client.post("/api/cases", json=other, headers={**bearer(token), "Idempotency-Key": "another-2"})
    assert fresh.status_code == 201 and n(db_session, Case) == 2
    bad = client.post("/api/cases", json=api_body(), headers={**bearer(token),
                                                                "Idempotency-Key": "x" * 300})
    assert bad.status_code == 400 and bad.mimetype == PROBLEM and n(db_session, Case) == 2


def test_a_refusal_is_not_kept_under_the_key(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read", "write")
    headers = {**bearer(token), "Idempotency-Key": "k-1"}
    bad = client.post("/api/cases", json=api_body(invoices=[]), headers=headers)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert {"name": "invoices", "reason": bad.json["errors"]["invoices"][0]} in bad.json["invalid_params"]
    assert n(db_session, IdempotentResult) == 0
    assert client.post("/api/cases", json=api_body(), headers=headers).status_code == 201


def test_a_browser_session_still_needs_its_csrf_token(client, auth, admin, db_session):
    auth.login_as(admin)
    resp = client.post("/api/cases", json=api_body())
    assert resp.status_code == 400 and resp.mimetype == PROBLEM
    assert n(db_session, Case) == 0


def test_the_list_pages_through_the_organisations_cases_with_a_key(client, auth, admin, db_session):
    token = make_key(client, auth, admin, "read")
    mine = [CaseFactory(creditor=admin.organization) for _ in range(5)]
    CaseFactory()  # another organisation's: never listed
    seen, url = [], "/api/cases?limit=2"
    while url:
        resp = client.get(url, headers=bearer(token))
        assert resp.status_code == 200, resp.json
        assert len(resp.json["cases"]) <= 2
        seen += [c["reference"] for c in resp.json["cases"]]
        url = resp.json["next"]
    assert sorted(seen) == sorted(c.reference for c in mine) and len(seen) == 5
    first = client.get("/api/cases?limit=5", headers=bearer(token)).json["cases"][0]
    assert first["invoiced"] == "118000.00" and first["debtor"]["legal_name"]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "after=garbage",
                                   "status=nonsense", "sort=sideways"])
def test_a_bad_list_query_is_a_400_problem(client, auth, admin, db_session, query):
    token = make_key(client, auth, admin, "read")
    resp = client.get(f"/api/cases?{query}", headers=bearer(token))
    assert resp.status_code == 400 and resp.mimetype == PROBLEM and resp.json["detail"]


def test_a_keyed_request_reads_its_key_user_and_organisation_in_one_statement(client, auth, admin,
                                                                               db_session):
    import sqlalchemy as sa

    from portal.extensions import db

    token = make_key(client, auth, admin, "read")
    client.get("/api/v1/cases", headers=bearer(token))  # first use: the key's last use is written
    selects = []

    def seen(_conn, _cursor, statement, *_rest):
        if "api_keys" in statement and statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        got = client.get("/api/v1/cases", headers=bearer(token))
        refused = client.get("/api/v1/cases", headers=bearer(token[:-2] + "xx"))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert got.status_code == 200 and refused.status_code == 401
    assert len(selects) == 2 and all("organizations" in s for s in selects)

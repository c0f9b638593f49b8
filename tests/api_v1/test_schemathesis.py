"""Schemathesis over the whole /api/v1 OpenAPI document, in-process against the Flask app (its WSGI
transport through the test's committing client, no server): every operation, called with a key of
each scope, on a case with a signed and proven notice and a document, with a fixed seed and a few
examples each. Each answer must not be a 5xx, must carry a documented status, and must match the
schema published for that status (content type included).

The path parameters are the world's real case, notice and document, so the generated queries and
bodies reach the views instead of stopping at a 404 (the route fuzzer, tests/test_fuzz_routes.py,
already throws junk at the paths). With its own scope a key gets `OWN_SCOPE_EXAMPLES` examples per
operation that fit the schema and `NEGATIVE_EXAMPLES` that break it (a wrong type, a missing field,
a stray header, the key left off: a documented 4xx, never a 5xx); with each other scope one example
(which must be a documented 403, or the operation's answer when the other scope is enough). No stateful links: they would double the run for routes
whose chains the unit tests already walk.

Runs in both passes: what it guards against differs by engine (PostgreSQL refuses an integer out of
range or a NUL byte in text where SQLite stores it, and a 500 there is the kind of bug this finds),
and it costs a few seconds on each.
"""
from __future__ import annotations

import io

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from evidence import DocumentKind, add_document
from portal.apikeys import services as keys
from portal.extensions import db
from tests.test_authorization_matrix import World

SCOPES = ("read", "write", "evidence", "notices")
OWN_SCOPE_EXAMPLES = 6
NEGATIVE_EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _run(operation, client, headers: dict, path_parameters: dict, examples: int,
         mode: GenerationMode = GenerationMode.POSITIVE) -> int:
    calls = 0

    @given(case=operation.as_strategy(mode, path_parameters=path_parameters or None))
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        nonlocal calls
        response = case.call(session=client, headers=headers, buffered=True)  # closes a streamed file
        case.validate_response(response, checks=CHECKS, headers=headers)
        calls += 1

    check()
    return calls


@pytest.fixture
def world(db_session):
    return World()


def test_every_operation_with_every_scope(app, client, world):
    notice = world.proven_notice()
    case = notice.case
    document = add_document(world.creditor_admin, case, io.BytesIO(b"Challan 7\n"), "challan.txt",
                            DocumentKind.DELIVERY_PROOF)
    tokens = {scope: keys.create_key(world.creditor_admin, f"fuzz {scope}", [scope])[1] for scope in SCOPES}
    db.session.commit()  # releases the savepoint only: the test's transaction still rolls it all back
    values = {"reference": case.reference, "notice_id": notice.id, "document_id": document.id}

    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").json)
    schema.app = app
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 31
    for operation in operations:
        own = operation.definition.raw.get("x-scope", "")
        params = {p.name: values[p.name] for p in operation.path_parameters}
        for scope in SCOPES:
            headers = {"Authorization": f"Bearer {tokens[scope]}"}
            examples = OWN_SCOPE_EXAMPLES if scope == own or (not own and scope == "read") else 1
            calls += _run(operation, client, headers, params, examples)
            if examples > 1:  # and invalid queries, bodies and headers: a 4xx, never a 5xx
                calls += _run(operation, client, headers, params, NEGATIVE_EXAMPLES, GenerationMode.NEGATIVE)
    assert calls >= 29 * (OWN_SCOPE_EXAMPLES + NEGATIVE_EXAMPLES + 3) // 2  # most had all their examples

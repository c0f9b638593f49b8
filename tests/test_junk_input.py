"""Every form and JSON route, sent junk by a user it lets in, answers with a 4xx (or a page that
says what is wrong), never a 500: over-long text, numbers no form accepts, control characters,
markup, impossible dates. The authorization matrix's probes say which user may send what where.
"""
from __future__ import annotations

import pytest

from tests.conftest import csrf_for
from tests.matrix.common import undone, warm
from tests.test_authorization_matrix import ROUTES, World

JUNK = {
    "long": "x" * 20_000,
    "numbers": "-1e9999",
    "control": "\x00\x1b<script>alert(1)</script>'\"; DROP TABLE cases;--",
    "date": "2026-02-30",
    "unicode": "९९९.९९ ₹ \u202e\ufeff",
}


def _cells():
    for (endpoint, method), probe in sorted(ROUTES.items()):
        if method == "GET" or not (probe.form or probe.json):
            continue
        allowed = [actor for actor, status in probe.ok.items() if status < 400]
        if allowed:
            yield pytest.param(endpoint, method, allowed[0], id=f"{endpoint}:{method}")


def _junk(value, junk: str):
    if isinstance(value, dict):
        return {k: _junk(v, junk) for k, v in value.items()}
    if isinstance(value, list):
        return [_junk(v, junk) for v in value] or [junk]
    return junk


@pytest.mark.parametrize("endpoint,method,actor", list(_cells()))
def test_junk_is_refused_without_a_server_error(client, auth, db_session, endpoint, method, actor):
    """Each kind of junk on one world, built once; each try is rolled back (`undone`)."""
    probe = ROUTES[(endpoint, method)]
    world = World()
    path = warm(world, probe, [actor])
    failures = []
    for junk_name, junk in JUNK.items():
        with undone(client):
            auth.login_as(world.user(actor))
            token = csrf_for(client)
            if probe.json is not None:
                resp = client.open(path, method=method, json=_junk(probe.json(world), junk),
                                   headers={"X-CSRFToken": token})
            else:
                data = {key: junk for key in probe.form(world)}
                resp = client.open(path, method=method, data={"csrf_token": token, **data})
            status = resp.status_code
            body = resp.get_data(as_text=True)[:600]
            resp.close()
        if status >= 500:
            failures.append(f"{actor} {method} {path} with {junk_name} junk: {status}\n{body}")
    assert not failures, "\n".join(failures)

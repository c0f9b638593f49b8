"""examples/api_client.py against a live server of the app (its own migrated SQLite file, served
from a thread, real commits): the example creates a case with its invoices, uploads a PDF and reads
its notices' status over HTTP with httpx; its webhook receiver, served on a port of its own, takes
a delivery signed as Sulah signs them and refuses a tampered or stale one. Not a browser test: it
runs in the SQLite pass (it never touches the session's database, so not in the PostgreSQL one)."""
from __future__ import annotations

import importlib.util
import json
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.apikeys import services as keys
from portal.cases.models import Case
from portal.cases.transitions import fire
from portal.database import commit
from portal.extensions import db
from portal.webhooks import signing
from tests.e2e.conftest import serving
from tests.factories import CreditorFactory
from tests.pdfs import minimal_pdf

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "api_client.py"
PDF = minimal_pdf("Delivery challan 7")


def _example():
    spec = importlib.util.spec_from_file_location("api_client_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example():
    return _example()


def test_the_example_creates_uploads_and_reads(tmp_path_factory, tmp_path, example, capsys):
    with serving(tmp_path_factory, "api-client") as live:
        with live.app_context():
            admin = CreditorFactory(email="erp-owner@acme.example")
            _key, token = keys.create_key(admin, "ERP", ["read", "write", "evidence", "notices"])
            commit()
            admin_id = admin.id
        (tmp_path / "challan.pdf").write_bytes(PDF)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SULAH_URL", live.url)
            mp.setenv("SULAH_KEY", token)
            assert example.main([str(tmp_path / "challan.pdf")]) == 0
        printed = capsys.readouterr().out.splitlines()
        reference = printed[0].split()[1]
        assert printed[0] == f"case {reference} draft"
        assert printed[1].startswith("uploaded challan.pdf ") and len(printed) == 2  # no notice yet

        api = example.client(live.url, token)
        docs = api.get(f"/cases/{reference}/evidence").json()["documents"]
        assert [(d["filename"], d["content_type"], d["kind"]) for d in docs] == [
            ("challan.pdf", "application/pdf", "invoice")]
        assert api.get(docs[0]["download_url"].removeprefix("/api/v1")).content == PDF

        with live.app_context():  # the creditor files the claim on its page (no API route files)
            case = db.session.scalar(select(Case).where(Case.reference == reference))
            fire(case, "file", db.session.get(User, admin_id))
            commit()
        drafted = example.draft_notice(api, reference)
        assert example.notice_status(api, drafted["id"])["status"] == "drafting"
        assert [(n["id"], n["status"]) for n in example.notice_statuses(api, reference)] == [
            (drafted["id"], "drafting")]
        with pytest.raises(RuntimeError, match="^404 "):
            example.notice_status(api, drafted["id"] + 1000)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # no access log on the test's stderr
        pass


def test_the_receiver_takes_a_signed_delivery_once(example):
    secret = signing.new_secret()
    got: list[dict] = []
    server = make_server("127.0.0.1", 0, example.receiver(secret, got.append), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    event = {"id": "evt_1", "type": "notice.served", "created_at": "2026-12-07T05:30:00+00:00",
             "data": {"case": {"reference": "SUL-2026-000123", "status": "notice_served"}}}
    body = json.dumps(event).encode()
    now = int(time.time())
    try:
        with httpx.Client() as http:
            signed = signing.headers([signing.new_secret(), secret], "evt_1", now, body)  # mid-rotation
            assert http.post(url, content=body, headers=signed).status_code == 204
            assert http.post(url, content=body, headers=signed).status_code == 204  # a retry
            assert got == [event]
            tampered = http.post(url, content=body.replace(b"notice_served", b"settled"), headers=signed)
            stale = http.post(url, content=body, headers=signing.headers([secret], "evt_2", now - 600, body))
            assert (tampered.status_code, stale.status_code) == (400, 400)
            assert got == [event]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

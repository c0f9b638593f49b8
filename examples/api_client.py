"""A client of Sulah's /api/v1 for an organisation's own systems, with httpx: create a case with its
invoices, upload a PDF to it, read its notices' status; and a small receiver that checks a webhook's
Standard Webhooks signature before trusting its body.

    SULAH_URL=http://127.0.0.1:5000 SULAH_KEY=sk_... python examples/api_client.py challan.pdf
    SULAH_WEBHOOK_SECRET=whsec_... python examples/api_client.py --receive 8000

Needs only httpx and the standard library (tests/test_api_client_example.py runs it against a live
server of the app, so it cannot drift from the API).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from wsgiref.simple_server import make_server

import httpx


def client(base_url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/") + "/api/v1", timeout=30,
                        headers={"Authorization": f"Bearer {key}"})


def _ok(resp: httpx.Response) -> dict:
    """The answer's JSON, or the problem+json's title, detail and each field's problem."""
    if resp.is_success:
        return resp.json()
    problem = resp.json() if "json" in resp.headers.get("content-type", "") else {}
    fields = "; ".join(f"{p['name']}: {p['reason']}" for p in problem.get("invalid_params", []))
    raise RuntimeError(f"{resp.status_code} {problem.get('title', resp.reason_phrase)}: "
                       f"{problem.get('detail', resp.text[:200])} {fields}".strip())


def create_case(api: httpx.Client, debtor: dict, invoices: list[dict], **more) -> dict:
    """POST /cases. The Idempotency-Key makes a retry after a timeout safe: the same key and body
    give back the first answer instead of a second case."""
    return _ok(api.post("/cases", json={"debtor": debtor, "invoices": invoices, **more},
                        headers={"Idempotency-Key": str(uuid.uuid4())}))


def upload_pdf(api: httpx.Client, reference: str, path: Path, kind: str = "invoice") -> dict:
    """The file is streamed as the request body; the answer carries its SHA-256, checked here."""
    data = path.read_bytes()
    meta = _ok(api.post(f"/cases/{reference}/evidence", params={"kind": kind, "filename": path.name},
                        content=data, headers={"Content-Type": "application/octet-stream",
                                               "Idempotency-Key": str(uuid.uuid4())}))
    if meta["sha256"] != hashlib.sha256(data).hexdigest():
        raise RuntimeError("the stored file is not the one sent")
    return meta


def draft_notice(api: httpx.Client, reference: str, pay_within_days: int = 15) -> dict:
    """Once the claim is filed; the advocate then reviews, approves and signs it on Sulah."""
    return _ok(api.post(f"/cases/{reference}/notices", json={"pay_within_days": pay_within_days},
                        headers={"Idempotency-Key": str(uuid.uuid4())}))


def notice_statuses(api: httpx.Client, reference: str) -> list[dict]:
    return _ok(api.get(f"/cases/{reference}/notices"))["notices"]


def notice_status(api: httpx.Client, notice_id: int) -> dict:
    return _ok(api.get(f"/notices/{notice_id}"))


# The receiver ------------------------------------------------------------------------------------

TOLERANCE = 300  # seconds: an older signature is a replayed capture


class BadSignature(ValueError):
    pass


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> None:
    """Standard Webhooks: HMAC-SHA256 of "<id>.<timestamp>.<raw body>" keyed with the secret's
    bytes; any one of the listed signatures may match (two are sent while a secret is rotated)."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp = lower.get("webhook-id", ""), lower.get("webhook-timestamp", "")
    if not msg_id or not stamp.isdigit():
        raise BadSignature("missing webhook-id or webhook-timestamp")
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE:
        raise BadSignature("timestamp too old or in the future")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    if not any(hmac.compare_digest(expected, s) for s in lower.get("webhook-signature", "").split()):
        raise BadSignature("no signature matches")


def receiver(secret: str, handle: Callable[[dict], None]) -> Callable:
    """A WSGI app: verifies, drops a delivery already seen (at least once means retries repeat an
    id), hands the event to `handle`, answers 204; a bad signature is a 400 and is not handled."""
    seen: set[str] = set()

    def app(environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        try:
            verify(secret, headers, body)
        except BadSignature as exc:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(exc).encode()]
        event = json.loads(body)
        if event["id"] not in seen:
            seen.add(event["id"])
            handle(event)
        start_response("204 No Content", [])
        return []

    return app


def main(argv: list[str]) -> int:
    if argv[:1] == ["--receive"]:
        port = int(argv[1]) if len(argv) > 1 else 8000
        app = receiver(os.environ["SULAH_WEBHOOK_SECRET"], lambda e: print(e["type"], json.dumps(e["data"])))
        make_server("127.0.0.1", port, app).serve_forever()
        return 0
    api = client(os.environ.get("SULAH_URL", "http://127.0.0.1:5000"), os.environ["SULAH_KEY"])
    created = create_case(api, {"legal_name": "Lotus Fashion House", "emails": ["accounts@lotus.example"]},
                          [{"number": "L-1", "invoice_date": "2026-03-01", "taxable_value": "45000.00",
                            "gst_amount": "2250.00", "due_date": "2026-03-31"}])
    print("case", created["reference"], created["status"])
    if argv:
        meta = upload_pdf(api, created["reference"], Path(argv[0]))
        print("uploaded", meta["filename"], meta["sha256"])
    for notice in notice_statuses(api, created["reference"]):
        print("notice", notice["id"], notice["status"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

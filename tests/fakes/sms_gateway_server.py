# ruff: noqa: S107  (the fake's test credentials)
"""A local fake of the generic Indian bulk-SMS gateway API that portal/adapters/sms.py documents: it
checks the key, the registered sender header and entity, scrubs the text against the registered DLT
template as an operator would, refuses numbers that are not Indian mobiles, answers a repeated
client_ref with the first message, can fail transiently, and builds signed delivery reports."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time

from werkzeug.wrappers import Request, Response

from .pki import ServerThread

NOTICE_TEMPLATE_ID = "1107000000000001"


def _json(data, status=200, headers=None) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json", headers=headers)


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


class FakeSmsGateway:
    """`templates`: DLT template ids, or a mapping of id -> registered text ({#var#} placeholders)
    to scrub the text against. `fail_next` answers that many requests with `fail_status`."""

    def __init__(self, key="gw-key", secret="gw-secret", templates=(NOTICE_TEMPLATE_ID,), sender="SULAHN",
                 pe_id=None):
        self.key, self.secret, self.sender, self.pe_id = key, secret, sender, pe_id
        self.templates = dict(templates) if isinstance(templates, dict) else dict.fromkeys(templates)
        self.received: list[dict] = []
        self.by_ref: dict[str, str] = {}
        self.fail_next, self.fail_status = 0, 503
        self.delay = 0.0
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.path != "/v1/messages" or request.method != "POST":
            return _error(404, "not_found", "No such endpoint.")
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return _error(401, "unauthorised", "Bad API key.")
        if self.fail_next:
            self.fail_next -= 1
            return _error(self.fail_status, "busy", "Try again later.")
        if self.delay:
            time.sleep(self.delay)  # a slow provider, to try the client's timeout
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(400, "bad_request", "JSON body expected.")
        refusal = self._refusal(body)
        if refusal is not None:
            return refusal
        ref = body["client_ref"]
        if ref in self.by_ref:
            return _json({"message_id": self.by_ref[ref], "status": "submitted"})
        message_id = f"gw-{len(self.received) + 1}"
        self.received.append(body)
        self.by_ref[ref] = message_id
        return _json({"message_id": message_id, "status": "submitted"}, 201)

    def _refusal(self, body: dict) -> Response | None:
        for field in ("sender", "pe_id", "template_id", "to", "text", "client_ref"):
            if not isinstance(body.get(field), str) or not body[field]:
                return _error(400, "missing_field", f"{field} is required.")
        if body["sender"] != self.sender:
            return _error(400, "sender_not_registered", f"Header {body['sender']} is not registered on DLT.")
        if self.pe_id is not None and body["pe_id"] != self.pe_id:
            return _error(400, "entity_mismatch", "The principal entity id does not own this header.")
        if body["template_id"] not in self.templates:
            return _error(400, "template_not_registered", "Template not registered on DLT.")
        registered = self.templates[body["template_id"]]
        if registered is not None:
            pattern = ".+?".join(re.escape(part) for part in registered.split("{#var#}"))
            if not re.fullmatch(pattern, body["text"], re.DOTALL):
                return _error(400, "template_mismatch", "The text does not match the registered template.")
        if not re.fullmatch(r"\+91[6-9][0-9]{9}", body["to"]):
            return _error(400, "invalid_number", "Invalid mobile number.")
        return None

    def report(self, message_id: str, status: str, *, at: int | None = None, stamp: int | None = None,
               error: str | None = None, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the delivery report the gateway would POST for this message."""
        report = {"message_id": message_id, "status": status, "timestamp": at or int(time.time())}
        if error:
            report["error"] = {"code": "DLR", "message": error}
        body = json.dumps(report).encode()
        return body, self.sign(body, stamp=stamp, secret=secret)

    def sign(self, body: bytes, *, stamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        ts = str(stamp or int(time.time()))
        sig = hmac.new((secret or self.secret).encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        return {"X-Gateway-Timestamp": ts, "X-Gateway-Signature": sig, "Content-Type": "application/json"}

# ruff: noqa: S107  (the fakes' test credentials)
"""Local fakes of the SMS gateway API (see portal/adapters/sms.py) and the WhatsApp Cloud API:
they check auth and payloads as the providers do, remember what they were sent, can fail
transiently, and build the signed status webhooks the providers would post."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

from werkzeug.wrappers import Request, Response

from .pki import ServerThread


def _json(data, status=200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


class FakeSmsGateway:
    def __init__(self, key="gw-key", secret="gw-secret", templates=("1107000000000001",)):
        self.key, self.secret, self.templates = key, secret, set(templates)
        self.received: list[dict] = []
        self.by_ref: dict[str, str] = {}
        self.fail_next = 0
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        return self._handle(request)(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.path != "/v1/messages" or request.method != "POST":
            return _json({"error": "not found"}, 404)
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            return _json({"error": "unauthorised"}, 401)
        if self.fail_next:
            self.fail_next -= 1
            return _json({"error": "busy"}, 503)
        body = request.get_json(silent=True) or {}
        if body.get("template_id") not in self.templates:
            return _json({"error": "template not registered on DLT"}, 400)
        if not str(body.get("to", "")).startswith("+91") or len(str(body.get("to"))) != 13:
            return _json({"error": "invalid mobile number"}, 400)
        ref = body.get("client_ref")
        if ref in self.by_ref:
            return _json({"message_id": self.by_ref[ref]})
        message_id = f"gw-{len(self.received) + 1}"
        self.received.append(body)
        self.by_ref[ref] = message_id
        return _json({"message_id": message_id}, 201)

    def report(self, message_id: str, status: str, *, at: int | None = None, stamp: int | None = None):
        body = json.dumps({"message_id": message_id, "status": status,
                           "timestamp": at or int(time.time())}).encode()
        ts = str(stamp or int(time.time()))
        sig = hmac.new(self.secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        return body, {"X-Gateway-Timestamp": ts, "X-Gateway-Signature": sig, "Content-Type": "application/json"}


class FakeWhatsAppCloud:
    def __init__(self, phone_number_id="1055512345", token="wa-token", app_secret="wa-secret",
                 templates=("notice_served",)):
        self.phone_number_id, self.token, self.app_secret = phone_number_id, token, app_secret
        self.templates = set(templates)
        self.media: dict[str, bytes] = {}
        self.messages: list[dict] = []
        self.fail_next = 0
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}/v21.0"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._handle(request)
        finally:
            request.close()  # the uploaded file's spooled temp file
        return response(environ, start_response)

    def _error(self, status, code, message):
        return _json({"error": {"message": message, "type": "OAuthException", "code": code}}, status)

    def _handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._error(401, 190, "Invalid OAuth access token")
        if self.fail_next:
            self.fail_next -= 1
            return self._error(503, 2, "Service temporarily unavailable")
        prefix = f"/v21.0/{self.phone_number_id}/"
        if request.method != "POST" or not request.path.startswith(prefix):
            return self._error(404, 100, "Unknown path")
        action = request.path.removeprefix(prefix)
        if action == "media":
            upload = request.files.get("file")
            if request.form.get("messaging_product") != "whatsapp" or upload is None:
                return self._error(400, 100, "Invalid parameter")
            media_id = f"media-{len(self.media) + 1}"
            self.media[media_id] = upload.read()
            return _json({"id": media_id})
        if action == "messages":
            body = request.get_json(silent=True) or {}
            template = body.get("template", {})
            if template.get("name") not in self.templates:
                return self._error(404, 132001, "Template name does not exist in the translation")
            for component in template.get("components", []):
                for param in component.get("parameters", []):
                    if param.get("type") == "document" and param["document"]["id"] not in self.media:
                        return self._error(400, 131053, "Media upload error")
            if not str(body.get("to", "")).isdigit():
                return self._error(400, 131026, "Message undeliverable")
            message_id = f"wamid.{len(self.messages) + 1:06d}"
            self.messages.append(body)
            return _json({"messaging_product": "whatsapp", "contacts": [{"wa_id": body["to"]}],
                          "messages": [{"id": message_id}]})
        return self._error(404, 100, "Unknown path")

    def status_webhook(self, message_id: str, status: str, *, secret: str | None = None):
        body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [{
                "id": message_id, "status": status, "timestamp": str(int(time.time())),
                "recipient_id": "919812345678"}]}}]}]}).encode()
        sig = hmac.new((secret or self.app_secret).encode(), body, hashlib.sha256).hexdigest()
        return body, {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}

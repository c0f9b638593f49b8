# ruff: noqa: S107  (the fake's test credentials)
"""A local fake of the WhatsApp Business Cloud API (Graph API v21.0): bearer token, media upload
(multipart PDF) and template messages checked as Meta checks them (template name and language,
body parameter count, a document header naming an uploaded media id, the number), Graph-style
errors, transient failures on request, and status webhooks signed with X-Hub-Signature-256."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time

from werkzeug.wrappers import Request, Response

from .pki import ServerThread

VERSION = "v21.0"
NOTICE_TEMPLATE = {"language": "en", "header": "document", "body_params": 4}


def _json(data, status=200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _error(status: int, code: int, message: str, details: str = "") -> Response:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Afake"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return _json({"error": error}, status)


class FakeWhatsAppCloud:
    """`templates`: approved template names (the notice's shape), or name -> {"language", "header":
    "document" | None, "body_params": n}. Numbers in `undeliverable` are refused with 131026.
    `fail_next` answers that many requests with (`fail_status`, `fail_code`)."""

    def __init__(self, phone_number_id="1055512345", token="wa-token", app_secret="wa-secret",
                 templates=("notice_served",)):
        self.phone_number_id, self.token, self.app_secret = phone_number_id, token, app_secret
        self.templates = dict(templates) if isinstance(templates, dict) else dict.fromkeys(
            templates, NOTICE_TEMPLATE)
        self.media: dict[str, bytes] = {}
        self.messages: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.undeliverable: set[str] = set()
        self.fail_next, self.fail_status, self.fail_code = 0, 503, 2
        self.delay = 0.0
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}/{VERSION}"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._handle(request)
        finally:
            request.close()  # the uploaded file's spooled temp file
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if self.fail_next:
            self.fail_next -= 1
            return _error(self.fail_status, self.fail_code, "Service temporarily unavailable")
        if self.delay:
            time.sleep(self.delay)  # a slow provider, to try the client's timeout
        prefix = f"/{VERSION}/{self.phone_number_id}/"
        action = request.path.removeprefix(prefix) if request.path.startswith(prefix) else None
        if request.method == "POST" and action == "media":
            return self._media(request)
        if request.method == "POST" and action == "messages":
            return self._message(request.get_json(silent=True))
        return _error(400, 100, f"Unsupported post request to {request.path}")

    def _media(self, request: Request) -> Response:
        upload = request.files.get("file")
        if request.form.get("messaging_product") != "whatsapp" or upload is None:
            return _error(400, 100, "Invalid parameter", "messaging_product and file are required")
        if upload.mimetype != "application/pdf" or request.form.get("type") != "application/pdf":
            return _error(400, 131053, "Media upload error", "Unsupported document type")
        media_id = f"{len(self.media) + 1:015d}"
        self.media[media_id] = upload.read()
        return _json({"id": media_id})

    def _message(self, body) -> Response:
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return _error(400, 100, "Invalid parameter", "messaging_product must be whatsapp")
        to, template = str(body.get("to", "")), body.get("template") or {}
        if body.get("type") != "template" or template.get("name") not in self.templates:
            return _error(404, 132001, "Template name does not exist in the translation")
        spec = self.templates[template["name"]]
        if (template.get("language") or {}).get("code") != spec["language"]:
            return _error(404, 132001, "Template name does not exist in the translation")
        components = {c.get("type"): c.get("parameters", []) for c in template.get("components", [])}
        if len(components.get("body", [])) != spec["body_params"]:
            return _error(400, 132000, "Number of parameters does not match the expected number of params")
        if spec["header"] == "document":
            header = components.get("header") or [{}]
            media_id = (header[0].get("document") or {}).get("id")
            if header[0].get("type") != "document" or not media_id:
                return _error(400, 131008, "Required parameter is missing", "header document is required")
            if media_id not in self.media:
                return _error(400, 131053, "Media upload error", f"Unknown media id {media_id}")
        if not re.fullmatch(r"[1-9][0-9]{7,14}", to):
            return _error(400, 131009, "Parameter value is not valid", "to is not a phone number")
        if to in self.undeliverable:
            return _error(400, 131026, "Message undeliverable")
        message_id = f"wamid.{len(self.messages) + 1:06d}"
        self.messages.append(body)
        self.by_id[message_id] = body
        return _json({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                      "messages": [{"id": message_id, "message_status": "accepted"}]})

    def status_webhook(self, message_id: str, status: str, *, secret: str | None = None,
                       error_code: int | None = None, at: int | None = None) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the status webhook Meta would POST for this message."""
        sent = self.by_id.get(message_id, {})
        item = {"id": message_id, "status": status, "timestamp": str(at or int(time.time())),
                "recipient_id": sent.get("to", "919812345678")}
        if "biz_opaque_callback_data" in sent:
            item["biz_opaque_callback_data"] = sent["biz_opaque_callback_data"]
        if status == "sent":
            item["conversation"] = {"id": "conv-1", "origin": {"type": "utility"}}
        if error_code:
            item["errors"] = [{"code": error_code, "title": "Message undeliverable",
                               "message": "Message undeliverable"}]
        return self.sign({"object": "whatsapp_business_account", "entry": [{"id": "WABA-1", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {
                "display_phone_number": "919800000000", "phone_number_id": self.phone_number_id},
                "statuses": [item]}}]}]}, secret=secret)

    def sign(self, payload, *, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        sig = hmac.new((secret or self.app_secret).encode(), body, hashlib.sha256).hexdigest()
        return body, {"X-Hub-Signature-256": f"sha256={sig}", "Content-Type": "application/json"}

"""WhatsApp Business Cloud API (Meta Graph API), or the local outbox by default
(WHATSAPP_PROVIDER = "outbox" | "cloud").

Sending: upload the signed PDF (POST /{phone_number_id}/media, multipart, messaging_product=whatsapp),
then a pre-approved template message whose header is that document and whose body parameters are
the variables (POST /{phone_number_id}/messages). Status webhooks carry X-Hub-Signature-256 =
"sha256=" + hex HMAC-SHA256(app secret, raw body); statuses sent / delivered / read / failed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime

import requests

from portal.adapters.messaging import (
    DeliveryStatus,
    OutgoingMessage,
    PermanentFailure,
    ProviderReceipt,
    StatusUpdate,
    TransientFailure,
    WebhookRejected,
)

_STATUS = {"sent": DeliveryStatus.ACCEPTED, "delivered": DeliveryStatus.DELIVERED,
           "read": DeliveryStatus.READ, "failed": DeliveryStatus.FAILED}
# Graph API throttling codes (application, account, pair rate limits): retried like 429 and 5xx.
_THROTTLED = {4, 80007, 130429, 131048, 131056}


class CloudWhatsApp:
    name = "cloud"

    def __init__(self, base_url: str, phone_number_id: str, token: str, app_secret: str,
                 language: str = "en", timeout: float = 20) -> None:
        self.base = f"{base_url.rstrip('/')}/{phone_number_id}"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.app_secret, self.language, self.timeout = app_secret, language, timeout

    def _post(self, path: str, **kwargs) -> dict:
        try:
            resp = requests.post(f"{self.base}/{path}", headers=self.headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TransientFailure(f"WhatsApp Cloud API unreachable: {exc}") from exc
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.ok:
            return data
        error = data.get("error", {}) if isinstance(data, dict) else {}
        text = f"WhatsApp Cloud API {resp.status_code}: {error.get('message', resp.text[:200])}"
        if resp.status_code == 429 or resp.status_code >= 500 or error.get("code") in _THROTTLED:
            raise TransientFailure(text)
        raise PermanentFailure(text)  # a 4xx: bad number, template, token; retrying will not help

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        body = [{"type": "text", "text": v} for v in message.variables]
        components = [{"type": "body", "parameters": body}]
        if message.document is not None:
            media = self._post("media", data={"messaging_product": "whatsapp", "type": "application/pdf"},
                               files={"file": (message.document_name or "notice.pdf", message.document,
                                               "application/pdf")})
            components.insert(0, {"type": "header", "parameters": [{"type": "document", "document": {
                "id": media["id"], "filename": message.document_name or "notice.pdf"}}]})
        data = self._post("messages", json={
            "messaging_product": "whatsapp", "to": message.to.lstrip("+"), "type": "template",
            "biz_opaque_callback_data": message.idempotency_key,
            "template": {"name": message.template, "language": {"code": self.language},
                         "components": components}})
        try:
            message_id = data["messages"][0]["id"]
        except (KeyError, IndexError, TypeError) as exc:
            raise TransientFailure("WhatsApp Cloud API gave no message id") from exc
        return ProviderReceipt(message_id=message_id, raw=json.dumps(data, sort_keys=True).encode())

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        given = {k.lower(): v for k, v in headers.items()}.get("x-hub-signature-256", "")
        expected = "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise WebhookRejected("Bad signature.")
        try:
            payload = json.loads(body)
            updates = []
            for entry in payload["entry"]:
                for change in entry["changes"]:
                    for status in change["value"].get("statuses", []):
                        errors = status.get("errors") or []
                        detail = "; ".join(f"{e.get('code')} {e.get('title', '')}".strip() for e in errors)
                        raw = json.dumps(status, sort_keys=True).encode()
                        updates.append(StatusUpdate(
                            message_id=status["id"], status=_STATUS[status["status"]],
                            at=datetime.fromtimestamp(int(status["timestamp"]), UTC), raw=raw, detail=detail))
            return updates
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected("Malformed WhatsApp webhook.") from exc


def verify_subscription(config: Mapping, args: Mapping[str, str]) -> str:
    """The Graph API's GET handshake: echo hub.challenge when the verify token matches."""
    token = config.get("WHATSAPP_VERIFY_TOKEN") or ""
    given = args.get("hub.verify_token", "")
    if args.get("hub.mode") != "subscribe" or not token or not hmac.compare_digest(given, token):
        raise WebhookRejected("Verification failed.")
    return args.get("hub.challenge", "")


def whatsapp_gateway(config: Mapping):
    if config.get("WHATSAPP_PROVIDER", "outbox") == "cloud":
        return CloudWhatsApp(config["WHATSAPP_API_URL"], config["WHATSAPP_PHONE_NUMBER_ID"],
                             config["WHATSAPP_TOKEN"], config["WHATSAPP_APP_SECRET"])
    from portal.adapters.outbox_gateways import OutboxGateway

    return OutboxGateway(config["OUTBOX_PATH"], "whatsapp")

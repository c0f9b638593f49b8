"""SMS through an Indian bulk-SMS gateway (the MSG91 / Gupshup / Kaleyra style of HTTP API), or
the local outbox by default (SMS_PROVIDER = "outbox" | "gateway").

The gateway API this adapter speaks:
- POST {SMS_GATEWAY_URL}/v1/messages, header `Authorization: Bearer <SMS_GATEWAY_KEY>`, JSON body
  {"sender": <6-letter DLT header>, "pe_id": <DLT entity id>, "template_id": <DLT template id>,
   "to": "+91...", "text": <the exact registered text with its variables filled>, "variables": [...],
   "client_ref": <our idempotency key>, "callback_url": ...}; 200/201 {"message_id": "..."}.
  A repeated client_ref returns the first message's id instead of sending again.
- Delivery reports: POST to our callback with JSON {"message_id", "status": submitted | delivered |
  failed, "timestamp": epoch seconds, "error": ...}, headers X-Gateway-Timestamp (epoch seconds) and
  X-Gateway-Signature = hex HMAC-SHA256(secret, timestamp + "." + raw body). Reports older than five
  minutes are refused (replays).

TRAI's DLT rules (DOMAIN 26): only registered templates go out, with the registered sender header,
and URLs only on whitelisted domains.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

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

MAX_SKEW_SECONDS = 300
_URL = re.compile(r"https?://[^\s]+")
_STATUS = {"submitted": DeliveryStatus.ACCEPTED, "delivered": DeliveryStatus.DELIVERED,
           "failed": DeliveryStatus.FAILED}


def check_dlt(message: OutgoingMessage, templates: Mapping[str, str], whitelist: list[str]) -> str:
    """The DLT template id for this message; refuses unregistered templates and foreign URLs."""
    template_id = templates.get(message.template)
    if not template_id:
        raise PermanentFailure(f"SMS template {message.template!r} is not registered on DLT.")
    for url in _URL.findall(message.text):
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in whitelist):
            raise PermanentFailure(f"The link domain {host} is not whitelisted for SMS.")
    return template_id


class GatewaySms:
    name = "gateway"

    def __init__(self, url: str, key: str, secret: str, sender: str, pe_id: str,
                 templates: Mapping[str, str], whitelist: list[str], timeout: float = 15) -> None:
        if not re.fullmatch(r"[A-Z]{6}", sender or ""):
            raise ValueError("The DLT sender header is six capital letters.")
        self.url, self.key, self.secret, self.sender, self.pe_id = url.rstrip("/"), key, secret, sender, pe_id
        self.templates, self.whitelist, self.timeout = templates, whitelist, timeout

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        template_id = check_dlt(message, self.templates, self.whitelist)
        body = {"sender": self.sender, "pe_id": self.pe_id, "template_id": template_id, "to": message.to,
                "text": message.text, "variables": list(message.variables),
                "client_ref": message.idempotency_key, "callback_url": message.status_callback_url}
        try:
            resp = requests.post(f"{self.url}/v1/messages", json=body, timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {self.key}"})
        except requests.RequestException as exc:
            raise TransientFailure(f"SMS gateway unreachable: {exc}") from exc
        if resp.status_code == 429 or resp.status_code >= 500:
            raise TransientFailure(f"SMS gateway answered {resp.status_code}")
        if resp.status_code >= 400:
            raise PermanentFailure(f"SMS gateway refused the message ({resp.status_code}): {resp.text[:200]}")
        try:
            message_id = str(resp.json()["message_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise TransientFailure("SMS gateway gave no message id") from exc
        return ProviderReceipt(message_id=message_id, raw=resp.content)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        lower = {k.lower(): v for k, v in headers.items()}
        stamp, given = lower.get("x-gateway-timestamp", ""), lower.get("x-gateway-signature", "")
        expected = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise WebhookRejected("Bad signature.")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > MAX_SKEW_SECONDS:
            raise WebhookRejected("Stale or missing timestamp.")
        try:
            report = json.loads(body)
            status = _STATUS[report["status"]]
            at = datetime.fromtimestamp(int(report["timestamp"]), UTC)
            return [StatusUpdate(message_id=str(report["message_id"]), status=status, at=at, raw=body,
                                 detail=str(report.get("error") or ""))]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected("Malformed delivery report.") from exc


def sms_gateway(config: Mapping):
    provider = config.get("SMS_PROVIDER", "outbox")
    if provider == "gateway":
        return GatewaySms(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_KEY"], config["SMS_GATEWAY_SECRET"],
                          config["SMS_SENDER"], config["SMS_DLT_ENTITY_ID"], config["SMS_DLT_TEMPLATES"],
                          config["SMS_URL_WHITELIST"])
    from portal.adapters.outbox_gateways import OutboxGateway

    return OutboxGateway(config["OUTBOX_PATH"], "sms")

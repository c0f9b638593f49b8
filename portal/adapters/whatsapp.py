"""WhatsApp for serving notices: the WhatsApp Business Cloud API (Meta Graph API), or the local outbox
(WHATSAPP_PROVIDER = "outbox" (default) | "cloud").

Sending, with `Authorization: Bearer <WHATSAPP_TOKEN>`:
1. POST {WHATSAPP_API_URL}/{phone_number_id}/media, multipart: messaging_product=whatsapp,
   type=application/pdf, file=<the signed PDF>; answers {"id": <media id>}.
2. POST {WHATSAPP_API_URL}/{phone_number_id}/messages, JSON: a pre-approved template (our template
   name, WHATSAPP_TEMPLATE_LANGUAGE) whose header is that document (media id and file name) and
   whose body parameters are the variables; answers {"messages": [{"id": "wamid..."}]}.
The Graph API takes no idempotency key: ours goes as biz_opaque_callback_data, which Meta echoes in
every status webhook (extra["client_ref"]).

Errors: HTTP 429 and 5xx, errors marked is_transient and the throttling codes are retried; an
expired or wrong token (190) is retried too (our settings, not the message, are at fault); any
other 4xx (131026 undeliverable, 132001 no such template, 100 bad parameter...) is permanent.

Status webhooks: POST with X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, raw body);
entry[].changes[].value.statuses[] with sent / delivered / read / failed, epoch timestamps and
errors. Meta signs no timestamp and retries for days, so replays are recognised downstream by their
identical payload. The GET subscription handshake is `verify_subscription`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

import requests

from portal.adapters.messaging import (
    DeliveryStatus,
    MessageGateway,
    OutgoingMessage,
    PermanentFailure,
    ProviderReceipt,
    StatusUpdate,
    TransientFailure,
    WebhookRejected,
)
from portal.adapters.outbox_gateways import OutboxGateway

_STATUS = {"sent": DeliveryStatus.ACCEPTED, "delivered": DeliveryStatus.DELIVERED,
           "read": DeliveryStatus.READ, "failed": DeliveryStatus.FAILED}
# Graph API codes worth retrying: unknown/temporary errors, rate limits (app, account, pair, spam),
# server unavailable, maintenance, and a refused token.
_TRANSIENT = {1, 2, 4, 17, 190, 341, 80007, 130429, 131000, 131016, 131048, 131056, 131057, 133004}
_WA_NUMBER = re.compile(r"\+?([1-9][0-9]{7,14})")


class CloudWhatsApp:
    name = "cloud"

    def __init__(self, base_url: str, phone_number_id: str, token: str, app_secret: str,
                 language: str = "en", timeout: float = 20) -> None:
        self.base = f"{base_url.rstrip('/')}/{phone_number_id}"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.app_secret, self.language, self.timeout = app_secret, language, timeout

    def _post(self, path: str, **kwargs) -> tuple[dict, bytes]:
        try:
            resp = requests.post(f"{self.base}/{path}", headers=self.headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TransientFailure(f"WhatsApp Cloud API unreachable: {exc.__class__.__name__}") from exc
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {}
        if resp.ok:
            return data, resp.content
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code, more = error.get("code"), error.get("error_data")
        detail = more.get("details") if isinstance(more, dict) else None
        text = (f"WhatsApp Cloud API {resp.status_code}, error {code}: "
                f"{error.get('message') or resp.text[:200]}" + (f" ({detail})" if detail else ""))
        throttled = resp.status_code == 429 or resp.status_code >= 500
        if throttled or (isinstance(code, int) and code in _TRANSIENT) or error.get("is_transient") is True:
            raise TransientFailure(text)
        raise PermanentFailure(text)

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        number = _WA_NUMBER.fullmatch(message.to or "")
        if number is None:
            raise PermanentFailure(f"{message.to!r} is not a WhatsApp number in international form.")
        components: list[dict] = []
        if message.document is not None:
            filename = message.document_name or "notice.pdf"
            media, _ = self._post("media", data={"messaging_product": "whatsapp", "type": "application/pdf"},
                                  files={"file": (filename, message.document, "application/pdf")})
            if not media.get("id"):
                raise TransientFailure("WhatsApp Cloud API stored the document but gave no media id.")
            components.append({"type": "header", "parameters": [
                {"type": "document", "document": {"id": media["id"], "filename": filename}}]})
        if message.variables:
            components.append({"type": "body", "parameters": [{"type": "text", "text": v}
                                                              for v in message.variables]})
        data, raw = self._post("messages", json={
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": number.group(1),
            "type": "template", "biz_opaque_callback_data": message.idempotency_key,
            "template": {"name": message.template, "language": {"code": self.language},
                         "components": components}})
        try:
            message_id = str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise TransientFailure("WhatsApp Cloud API answered without a message id.") from exc
        return ProviderReceipt(message_id=message_id, raw=raw)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        given = {k.lower(): v for k, v in headers.items()}.get("x-hub-signature-256", "")
        expected = "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
            raise WebhookRejected("Bad signature.")
        try:
            payload = json.loads(body)
            if payload["object"] != "whatsapp_business_account":
                raise ValueError("not a WhatsApp Business Account webhook")
            return [_update(status, body) for entry in payload["entry"] for change in entry["changes"]
                    for status in change["value"].get("statuses", []) if status.get("status") in _STATUS]
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError) as exc:
            raise WebhookRejected("Malformed WhatsApp webhook.") from exc


def _update(status: Mapping, body: bytes) -> StatusUpdate:
    # Other statuses (e.g. "deleted") and inbound messages are not delivery facts: skipped, not refused,
    # since Meta keeps retrying a webhook that is not answered 200.
    errors = status.get("errors") or []
    detail = "; ".join(f"{e.get('code')} {e.get('title') or e.get('message') or ''}".strip() for e in errors)
    extra = {"recipient_id": status.get("recipient_id"), "client_ref": status.get("biz_opaque_callback_data"),
             "conversation_id": (status.get("conversation") or {}).get("id")}
    return StatusUpdate(message_id=str(status["id"]), status=_STATUS[status["status"]],
                        at=datetime.fromtimestamp(int(status["timestamp"]), UTC), raw=body, detail=detail,
                        extra={k: str(v) for k, v in extra.items() if v})


def verify_subscription(config: Mapping, args: Mapping[str, str]) -> str:
    """The Graph API's GET handshake: echo hub.challenge when hub.mode is subscribe and the verify
    token matches WHATSAPP_VERIFY_TOKEN; WebhookRejected otherwise."""
    token = config.get("WHATSAPP_VERIFY_TOKEN") or ""
    given = args.get("hub.verify_token") or ""
    challenge = args.get("hub.challenge") or ""
    if args.get("hub.mode") != "subscribe" or not token or \
            not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
        raise WebhookRejected("Verification failed.")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", challenge):
        raise WebhookRejected("Verification failed: no usable hub.challenge.")
    return challenge


class OutboxWhatsApp(OutboxGateway):
    """The embedded default: each message as JSON under instance/outbox/whatsapp/, its PDF next to it."""

    def __init__(self, outbox_path) -> None:
        super().__init__(outbox_path, "whatsapp")


def whatsapp_gateway(config: Mapping) -> MessageGateway:
    provider = config.get("WHATSAPP_PROVIDER") or "outbox"
    if provider == "outbox":
        return OutboxWhatsApp(config["OUTBOX_PATH"])
    if provider == "cloud":
        keys = ("WHATSAPP_API_URL", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET")
        missing = [k for k in keys if not config.get(k)]
        if missing:
            raise ValueError(f"WHATSAPP_PROVIDER is 'cloud' but {', '.join(missing)} not set.")
        return CloudWhatsApp(*(config[k] for k in keys),
                             language=config.get("WHATSAPP_TEMPLATE_LANGUAGE") or "en")
    raise ValueError(f"Unknown WHATSAPP_PROVIDER {provider!r}: use outbox or cloud.")

"""SMS providers for serving notices: a generic Indian bulk-SMS gateway, Twilio, or the local outbox
(SMS_PROVIDER = "outbox" (default) | "gateway" | "twilio"). Both live providers send only what the
DLT registry allows (portal/adapters/dlt.py).

The gateway API (the MSG91 / Gupshup / Kaleyra style; a provider's own names map one to one):
- POST {SMS_GATEWAY_URL}/v1/messages, `Authorization: Bearer <SMS_GATEWAY_KEY>`, JSON body
  {"sender": <6-letter DLT header>, "pe_id": <DLT principal entity id>, "template_id": <DLT template
   id>, "to": "+91...", "text": <the registered text with its variables filled>, "variables": [...],
   "client_ref": <our idempotency key>, "callback_url": <where to post delivery reports> | null}.
  201 {"message_id": "..."}; a repeated client_ref answers 200 with the first message's id and
  sends nothing. Errors: 400/404/422 {"error": ...} (invalid number, template not registered, text
  not matching the template), 401/403 bad key, 429 throttled, 5xx.
- Delivery reports: POST to callback_url, JSON: one report or a list of them, each {"message_id",
  "status": submitted | delivered | failed | expired | rejected, "timestamp": epoch seconds,
  "error": text or {"code", "message"}, optionally "client_ref"}; headers X-Gateway-Timestamp
  (epoch seconds) and X-Gateway-Signature = hex HMAC-SHA256(SMS_GATEWAY_SECRET, timestamp + "." + body).
  Reports signed more than five minutes from now are refused (replays).

Credential refusals (401/403, Twilio 20003) are transient: the message is fine, our settings are
not, and a retry succeeds once they are fixed; DISPATCH_MAX_ATTEMPTS bounds the wait.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from portal.adapters.dlt import DltRegistry
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
from portal.types import utcnow

MAX_SKEW_SECONDS = 300
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_GATEWAY_STATUS = {"submitted": DeliveryStatus.ACCEPTED, "delivered": DeliveryStatus.DELIVERED,
                   "failed": DeliveryStatus.FAILED, "expired": DeliveryStatus.FAILED,
                   "rejected": DeliveryStatus.FAILED}


def _e164(to: str) -> str:
    if not E164.fullmatch(to or ""):
        raise PermanentFailure(f"{to!r} is not a mobile number in international form (+91...).")
    return to


def _error_text(resp: requests.Response) -> str:
    try:
        error = resp.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, Mapping):
        error = " ".join(str(error.get(k, "")) for k in ("code", "message")).strip()
    return str(error or resp.text[:200] or resp.reason)


class GatewaySms:
    name = "gateway"

    def __init__(self, url: str, key: str, secret: str, sender: str, pe_id: str, registry: DltRegistry,
                 timeout: float = 15) -> None:
        if not re.fullmatch(r"[A-Z]{6}", sender or ""):
            raise ValueError("The DLT sender header is six capital letters.")
        if not re.fullmatch(r"[0-9]{1,30}", pe_id or ""):
            raise ValueError("The DLT principal entity id (SMS_DLT_ENTITY_ID) is a number.")
        self.url, self.key, self.secret = url.rstrip("/"), key, secret
        self.sender, self.pe_id, self.registry, self.timeout = sender, pe_id, registry, timeout

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        template = self.registry.check(message)
        body = {"sender": self.sender, "pe_id": self.pe_id, "template_id": template.template_id,
                "to": _e164(message.to), "text": message.text, "variables": list(message.variables),
                "client_ref": message.idempotency_key, "callback_url": message.status_callback_url}
        try:
            resp = requests.post(f"{self.url}/v1/messages", json=body, timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {self.key}"})
        except requests.RequestException as exc:
            raise TransientFailure(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code in (401, 403):
            raise TransientFailure(f"SMS gateway refused our credentials ({resp.status_code}); "
                                   "check SMS_GATEWAY_KEY.")
        if resp.status_code == 429 or resp.status_code >= 500:
            raise TransientFailure(f"SMS gateway answered {resp.status_code}: {_error_text(resp)}")
        if resp.status_code >= 400:
            raise PermanentFailure(f"SMS gateway refused the message ({resp.status_code}): "
                                   f"{_error_text(resp)}")
        try:
            message_id = str(resp.json()["message_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise TransientFailure("SMS gateway answered without a message id.") from exc
        return ProviderReceipt(message_id=message_id, raw=resp.content)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        lower = {k.lower(): v for k, v in headers.items()}
        stamp, given = lower.get("x-gateway-timestamp", ""), lower.get("x-gateway-signature", "")
        expected = hmac.new(self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
            raise WebhookRejected("Bad signature.")
        if not re.fullmatch(r"[0-9]{1,12}", stamp) or abs(time.time() - int(stamp)) > MAX_SKEW_SECONDS:
            raise WebhookRejected("Stale or missing timestamp.")
        try:
            payload = json.loads(body)
            reports = payload if isinstance(payload, list) else [payload]
            return [_gateway_update(report, body) for report in reports]
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError) as exc:
            raise WebhookRejected("Malformed delivery report.") from exc


def _gateway_update(report: Mapping, body: bytes) -> StatusUpdate:
    error = report.get("error") or ""
    if isinstance(error, Mapping):
        error = " ".join(str(error.get(k, "")) for k in ("code", "message")).strip()
    return StatusUpdate(message_id=str(report["message_id"]), status=_GATEWAY_STATUS[report["status"]],
                        at=datetime.fromtimestamp(int(report["timestamp"]), UTC), raw=body,
                        detail=str(error),
                        extra={k: str(report[k]) for k in ("client_ref", "event_id") if k in report})


_TWILIO_STATUS = {"accepted": DeliveryStatus.ACCEPTED, "scheduled": DeliveryStatus.ACCEPTED,
                  "queued": DeliveryStatus.ACCEPTED, "sending": DeliveryStatus.ACCEPTED,
                  "sent": DeliveryStatus.ACCEPTED, "delivered": DeliveryStatus.DELIVERED,
                  "read": DeliveryStatus.READ, "undelivered": DeliveryStatus.FAILED,
                  "failed": DeliveryStatus.FAILED, "canceled": DeliveryStatus.FAILED}
# Twilio error codes worth retrying: credentials, rate limit, Twilio's own 5xx, queue overflow.
_TWILIO_TRANSIENT = {20003, 20429, 20500, 20503, 30001}


class TwilioSms:
    """Twilio Programmable Messaging through the official SDK. Twilio's Messages API takes no
    idempotency key: ours rides on the status callback URL (`?ref=`) and comes back in each
    status update's extra["client_ref"]. Twilio's callbacks carry no event time, so an update is
    dated when it arrives; replays are recognised by their identical payload downstream."""

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender: str, registry: DltRegistry,
                 api_base: str | None = None, timeout: float = 15) -> None:
        self.http = _TwilioHttp(api_base, timeout)
        self.client = Client(account_sid, auth_token, http_client=self.http)
        self.validator = RequestValidator(auth_token)
        self.sender, self.registry = sender, registry

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        self.registry.check(message)
        service = re.fullmatch(r"MG[0-9a-f]{32}", self.sender)
        sender = {"messaging_service_sid": self.sender} if service else {"from_": self.sender}
        callback, url = {}, message.status_callback_url
        if url:
            callback["status_callback"] = _with_query(url, ref=message.idempotency_key)
        try:
            sent = self.client.messages.create(to=_e164(message.to), body=message.text, **sender, **callback)
        except TwilioRestException as exc:
            text = f"Twilio refused the message ({exc.status}, error {exc.code}): {exc.msg}"
            if exc.status == 429 or exc.status >= 500 or exc.code in _TWILIO_TRANSIENT:
                raise TransientFailure(text) from exc
            raise PermanentFailure(text) from exc
        except requests.RequestException as exc:
            raise TransientFailure(f"Twilio unreachable: {exc.__class__.__name__}") from exc
        return ProviderReceipt(message_id=sent.sid, raw=self.http.last_body())

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        given = {k.lower(): v for k, v in headers.items()}.get("x-twilio-signature", "")
        try:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body)))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookRejected("Malformed status callback.") from exc
        if not given or not self.validator.validate(url, params, given):
            raise WebhookRejected("Bad signature.")
        status = _TWILIO_STATUS.get(params.get("MessageStatus", ""))
        if not params.get("MessageSid") or status is None:
            raise WebhookRejected("Malformed status callback: no message id or an unknown status.")
        code = params.get("ErrorCode", "")
        ref = dict(parse_qsl(urlsplit(url).query)).get("ref")
        extra = {k: v for k, v in (("client_ref", ref), ("raw_dlr_done_date", params.get("RawDlrDoneDate")))
                 if v}
        return [StatusUpdate(message_id=params["MessageSid"], status=status, at=utcnow(), raw=body,
                             detail=f"Twilio error {code}" if code else "", extra=extra)]


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class _TwilioHttp(TwilioHttpClient):
    """The SDK's own HTTP client, keeping the response body (our evidence of hand-over) and, when
    `api_base` is set, sending to that host instead of *.twilio.com (tests, a regional proxy)."""

    def __init__(self, api_base: str | None, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.api_base = urlsplit(api_base.rstrip("/")) if api_base else None
        self._local = threading.local()

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        if self.api_base is not None:
            parts = urlsplit(url)
            url = urlunsplit(parts._replace(scheme=self.api_base.scheme, netloc=self.api_base.netloc,
                                            path=self.api_base.path + parts.path))
        response = super().request(method, url, params=params, data=data, headers=headers, auth=auth,
                                   timeout=timeout, allow_redirects=allow_redirects)
        self._local.body = (response.text or "").encode()
        return response

    def last_body(self) -> bytes:
        return getattr(self._local, "body", b"")


class OutboxSms(OutboxGateway):
    """The embedded default: each SMS as JSON under instance/outbox/sms/, listed on /dev/outbox."""

    def __init__(self, outbox_path) -> None:
        super().__init__(outbox_path, "sms")


def _require(config: Mapping, provider: str, *keys: str) -> None:
    missing = [k for k in keys if not config.get(k)]
    if missing:
        raise ValueError(f"SMS_PROVIDER is {provider!r} but {', '.join(missing)} not set.")


def sms_gateway(config: Mapping) -> MessageGateway:
    provider = config.get("SMS_PROVIDER") or "outbox"
    if provider == "outbox":
        return OutboxSms(config["OUTBOX_PATH"])
    registry = DltRegistry(config.get("SMS_DLT_TEMPLATES") or {}, config.get("SMS_URL_WHITELIST") or [])
    if provider == "gateway":
        _require(config, provider, "SMS_GATEWAY_URL", "SMS_GATEWAY_KEY", "SMS_GATEWAY_SECRET", "SMS_SENDER",
                 "SMS_DLT_ENTITY_ID")
        return GatewaySms(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_KEY"], config["SMS_GATEWAY_SECRET"],
                          config["SMS_SENDER"], config["SMS_DLT_ENTITY_ID"], registry)
    if provider == "twilio":
        _require(config, provider, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
        return TwilioSms(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], config["TWILIO_FROM"],
                         registry, api_base=config.get("TWILIO_API_BASE") or None)
    raise ValueError(f"Unknown SMS_PROVIDER {provider!r}: use outbox, gateway or twilio.")

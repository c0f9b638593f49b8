"""Razorpay Payment Links through the official SDK: create (idempotent on our reference), fetch and
cancel links, and turn Razorpay's signed webhooks into plain payment events."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import razorpay
import requests
from razorpay.errors import BadRequestError as SdkBadRequest
from razorpay.errors import GatewayError as SdkGatewayError
from razorpay.errors import ServerError as SdkServerError

from portal.adapters.messaging import WebhookRejected

PAISA = Decimal("0.01")
REFERENCE_MAX = 40        # Razorpay's limit on a payment link's reference_id
DESCRIPTION_MAX = 2048
HANDLED_EVENTS = ("payment_link.paid", "payment.captured")


class GatewayError(Exception):
    """Razorpay refused or could not be reached; `transient` says whether trying later may work."""

    def __init__(self, message: str, transient: bool):
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class PaymentLink:
    id: str
    short_url: str
    status: str               # created | partially_paid | paid | cancelled | expired
    amount_paise: int
    reference_id: str | None
    amount_paid_paise: int = 0
    order_id: str | None = None   # payment.captured events name the order, not the link


@dataclass(frozen=True)
class PaymentEvent:
    event: str
    payment_id: str
    link_id: str | None
    reference_id: str | None
    order_id: str | None
    amount: Decimal           # rupees
    method: str
    vpa: str | None
    utr: str | None           # the bank's reference (UPI RRN) when Razorpay reports one
    at: datetime              # when the payment was made, UTC
    raw: bytes                # the webhook body exactly as received


def to_paise(amount: Decimal) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"An amount must be a finite Decimal, not {amount!r}.")
    if amount != amount.quantize(PAISA):
        raise ValueError(f"{amount} has a fraction of a paisa; Razorpay takes whole paise.")
    return int(amount.quantize(PAISA) * 100)


def from_paise(paise: int) -> Decimal:
    return (Decimal(paise) / 100).quantize(PAISA, rounding=ROUND_HALF_UP)


class RazorpayLinks:
    """Payment links on one Razorpay account. `base_url` points the SDK elsewhere (tests)."""

    name = "razorpay"

    def __init__(self, key_id: str, key_secret: str, webhook_secret: str, base_url: str | None = None,
                 timeout: float = 20.0):
        if not (key_id and key_secret and webhook_secret):
            raise ValueError("Razorpay needs a key id, a key secret and a webhook secret.")
        self._webhook_secret = webhook_secret.encode()
        self._timeout = timeout
        self._seen = threading.local()   # the HTTP status of this thread's last answer
        self._session = requests.Session()
        self._session.hooks["response"].append(self._remember_status)
        options = {"base_url": base_url.rstrip("/")} if base_url else {}
        self._client = razorpay.Client(session=self._session, auth=(key_id, key_secret), **options)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> RazorpayLinks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def create_link(self, amount: Decimal, reference: str, description: str, customer_name: str | None,
                    customer_email: str | None, customer_contact: str | None, callback_url: str | None,
                    expire_by: datetime | None, notify: bool = False) -> PaymentLink:
        """Create a link for `amount` rupees. Creating again with the same reference returns the link
        made the first time (after a lost answer, say); the same reference for another amount fails."""
        paise = to_paise(amount)
        if paise < 100:
            raise ValueError("Razorpay takes payments of one rupee or more.")
        if not reference or len(reference) > REFERENCE_MAX:
            raise ValueError(f"A payment reference must have 1 to {REFERENCE_MAX} characters.")
        if not description or len(description) > DESCRIPTION_MAX:
            raise ValueError(f"A payment description must have 1 to {DESCRIPTION_MAX} characters.")
        data: dict = {"amount": paise, "currency": "INR", "accept_partial": False,
                      "reference_id": reference, "description": description,
                      "notify": {"sms": notify, "email": notify}, "reminder_enable": notify}
        customer = {k: v for k, v in (("name", customer_name), ("email", customer_email),
                                      ("contact", customer_contact)) if v}
        if customer:
            data["customer"] = customer
        if callback_url:
            data.update(callback_url=callback_url, callback_method="get")
        if expire_by is not None:
            if expire_by.tzinfo is None:
                raise ValueError("expire_by must be timezone-aware.")
            data["expire_by"] = int(expire_by.timestamp())
        try:
            return _link(self._call(self._client.payment_link.create, data))
        except GatewayError as exc:
            if exc.transient or "reference" not in exc.message.lower():
                raise
            existing = self.find_by_reference(reference)
            if existing is None:
                raise
            if existing.amount_paise != paise:
                message = (f"Reference {reference} already names payment link {existing.id} "
                           f"for {from_paise(existing.amount_paise)} rupees.")
                raise GatewayError(message, transient=False) from exc
            return existing

    def find_by_reference(self, reference: str) -> PaymentLink | None:
        answer = self._call(self._client.payment_link.all, {"reference_id": reference})
        listed = answer.get("payment_links") or []
        links = [_link(link) for link in listed if link.get("reference_id") == reference]
        # A live link first: Razorpay may still list an old cancelled or expired one under the reference.
        links.sort(key=lambda link: link.status in ("cancelled", "expired"))
        return links[0] if links else None

    def fetch_link(self, link_id: str) -> PaymentLink:
        return _link(self._call(self._client.payment_link.fetch, _link_id(link_id)))

    def cancel_link(self, link_id: str) -> PaymentLink:
        return _link(self._call(self._client.payment_link.cancel, _link_id(link_id)))

    def verify_webhook(self, body: bytes, signature: str) -> PaymentEvent | None:
        """Check X-Razorpay-Signature over the raw body and read a payment out of the event.
        Returns None for events this adapter does not handle; raises WebhookRejected when the
        signature is wrong or the body is not a well-formed Razorpay event."""
        # Not the SDK's verify_webhook_signature: it wants the body as str (re-encoding what came as
        # bytes) and raises TypeError instead of failing on a signature with non-ASCII characters.
        if not isinstance(body, bytes):
            raise TypeError("verify_webhook takes the raw request body as bytes.")
        expected = hmac.new(self._webhook_secret, body, hashlib.sha256).hexdigest().encode()
        if not signature or not hmac.compare_digest(expected, signature.strip().encode("utf-8", "replace")):
            raise WebhookRejected("Razorpay webhook signature does not match.")
        try:
            document = json.loads(body)
        except ValueError as exc:   # includes UnicodeDecodeError
            raise WebhookRejected("Razorpay webhook body is not JSON.") from exc
        if not isinstance(document, dict) or not isinstance(document.get("event"), str):
            raise WebhookRejected("Razorpay webhook has no event name.")
        if document["event"] not in HANDLED_EVENTS:
            return None
        return _payment_event(document, body)

    def _call(self, method, *args) -> dict:
        self._seen.status = None
        try:
            answer = method(*args, timeout=self._timeout)
        except (SdkBadRequest, SdkGatewayError, SdkServerError) as exc:
            # The SDK picks its exception from the error code in the body; the HTTP status is surer.
            status = self._seen.status
            if status is None:
                transient = not isinstance(exc, SdkBadRequest)
            else:
                transient = status >= 500 or status == 429
            raise GatewayError(f"Razorpay answered {status or 'an error'}: {exc}", transient) from exc
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise GatewayError(f"Razorpay could not be reached: {exc}", transient=True) from exc
        except requests.JSONDecodeError as exc:   # an HTML error page from a proxy, typically a 502
            status = self._seen.status
            raise GatewayError(f"Razorpay answered {status} with something other than JSON.",
                               transient=status is None or status >= 500) from exc
        except requests.RequestException as exc:
            raise GatewayError(f"Razorpay request failed: {exc}", transient=False) from exc
        if not isinstance(answer, dict):
            raise GatewayError("Razorpay answered with something other than a JSON object.", transient=True)
        return answer

    def _remember_status(self, response, *args, **kwargs):
        self._seen.status = response.status_code
        return response


def _link_id(link_id: str) -> str:
    if not isinstance(link_id, str) or not link_id.startswith("plink_") or not link_id[6:].isalnum():
        raise ValueError(f"{link_id!r} is not a Razorpay payment link id (plink_...).")
    return link_id


def _link(data: dict) -> PaymentLink:
    try:
        return PaymentLink(id=data["id"], short_url=data["short_url"], status=data["status"],
                           amount_paise=int(data["amount"]), reference_id=data.get("reference_id") or None,
                           amount_paid_paise=int(data.get("amount_paid") or 0),
                           order_id=data.get("order_id") or None)
    except (KeyError, TypeError, ValueError) as exc:
        raise GatewayError(f"Razorpay's payment link lacks {exc}.", transient=False) from exc


def _entity(payload: Mapping, name: str) -> dict | None:
    wrapper = payload.get(name)
    if wrapper is None:
        return None
    if not isinstance(wrapper, Mapping) or not isinstance(wrapper.get("entity"), Mapping):
        raise WebhookRejected(f"Razorpay webhook's {name} is not an entity.")
    return dict(wrapper["entity"])


def _payment_event(document: dict, body: bytes) -> PaymentEvent:
    payload = document.get("payload")
    if not isinstance(payload, Mapping):
        raise WebhookRejected("Razorpay webhook has no payload.")
    payment = _entity(payload, "payment")
    link = _entity(payload, "payment_link") or {}
    if payment is None:
        raise WebhookRejected(f"Razorpay {document['event']} webhook carries no payment.")
    paise, created = payment.get("amount"), payment.get("created_at", document.get("created_at"))
    if not isinstance(paise, int) or isinstance(paise, bool) or paise <= 0:
        raise WebhookRejected("Razorpay webhook's payment amount is not a positive number of paise.")
    if payment.get("currency", "INR") != "INR":
        raise WebhookRejected(f"Razorpay webhook's payment is in {payment.get('currency')}, not INR.")
    if not isinstance(payment.get("id"), str) or not isinstance(created, int) or isinstance(created, bool):
        raise WebhookRejected("Razorpay webhook's payment has no id or no time.")
    acquirer = payment.get("acquirer_data") if isinstance(payment.get("acquirer_data"), Mapping) else {}
    return PaymentEvent(
        event=document["event"], payment_id=payment["id"],
        link_id=link.get("id") or None, reference_id=link.get("reference_id") or None,
        order_id=payment.get("order_id") or link.get("order_id") or None,
        amount=from_paise(paise), method=str(payment.get("method") or ""),
        vpa=payment.get("vpa") or None, utr=acquirer.get("rrn") or acquirer.get("utr") or None,
        at=datetime.fromtimestamp(created, UTC), raw=body,
    )


def payment_gateway(config: Mapping) -> RazorpayLinks | None:
    """The gateway PAYMENT_GATEWAY names: None for "none" (UPI link and QR only), or Razorpay."""
    choice = (config.get("PAYMENT_GATEWAY") or "none").strip().lower()
    if choice == "none":
        return None
    if choice != "razorpay":
        raise ValueError(f"PAYMENT_GATEWAY must be 'none' or 'razorpay', not {choice!r}.")
    missing = [key for key in ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET")
               if not config.get(key)]
    if missing:
        raise ValueError(f"PAYMENT_GATEWAY is razorpay but {', '.join(missing)} is not set.")
    return RazorpayLinks(config["RAZORPAY_KEY_ID"], config["RAZORPAY_KEY_SECRET"],
                         config["RAZORPAY_WEBHOOK_SECRET"], base_url=config.get("RAZORPAY_BASE_URL") or None)

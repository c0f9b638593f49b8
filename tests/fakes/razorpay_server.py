"""A local Razorpay speaking the Payment Links API (v1) the official SDK calls: basic auth, Razorpay's
validation and error bodies, and `pay` to settle a link and hand back the signed webhook Razorpay
would post for it."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import string
import time
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from .pki import ServerThread

_ALPHABET = string.ascii_letters + string.digits


def _id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(14))


def _error(status: int, description: str, field: str | None = None, code: str = "BAD_REQUEST_ERROR"):
    body = {"error": {"code": code, "description": description, "field": field, "source": "business",
                      "step": "payment_link_creation" if field else "NA", "reason": "input_validation_failed",
                      "metadata": {}}}
    return Response(json.dumps(body), status, content_type="application/json")


@dataclass(frozen=True)
class Webhook:
    body: bytes
    headers: dict[str, str]

    @property
    def signature(self) -> str:
        return self.headers["X-Razorpay-Signature"]


class FakeRazorpay:
    def __init__(self, *, key_id: str, key_secret: str, webhook_secret: str):
        self.key_id, self.key_secret, self.webhook_secret = key_id, key_secret, webhook_secret
        self.links: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []     # (method, path) in arrival order
        self.fail_next = 0                            # answer this many next requests with an error
        self.failure = (500, "SERVER_ERROR", False)   # (status, Razorpay error code, as an HTML page)
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}"

    def stop(self) -> None:
        self._thread.stop()

    def reset(self) -> None:
        self.links.clear()
        self.requests.clear()
        self.fail_next, self.failure = 0, (500, "SERVER_ERROR", False)

    def fail(self, times: int = 1, status: int = 500, code: str = "SERVER_ERROR", html: bool = False) -> None:
        """Answer the next `times` requests with this error (Razorpay's 500 SERVER_ERROR by default);
        `html` answers with a proxy's error page instead of Razorpay's JSON."""
        self.fail_next, self.failure = times, (status, code, html)

    # -- the API -----------------------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.method, request.path))
        response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        if self.fail_next > 0:
            self.fail_next -= 1
            status, code, html = self.failure
            if html:
                return Response(f"<html><body><h1>{status}</h1></body></html>", status, content_type="text/html")
            return _error(status, "The server encountered an error. The incident has been reported to admins."
                          if status >= 500 else "Too many requests", code=code)
        auth = request.authorization
        if auth is None or auth.username != self.key_id or not hmac.compare_digest(
                (auth.password or "").encode(), self.key_secret.encode()):
            return _error(401, "The api key provided is invalid")
        parts = request.path.strip("/").split("/")
        if parts[:2] != ["v1", "payment_links"] or len(parts) > 4:
            return _error(404, "The requested URL was not found on the server.")
        if len(parts) == 2 and request.method == "POST":
            return self._create(request)
        if len(parts) == 2 and request.method == "GET":
            return self._list(request)
        link = self.links.get(parts[2])
        if link is None:
            return _error(400, "The id provided does not exist", field="id")
        if len(parts) == 3 and request.method == "GET":
            return _json(link)
        if len(parts) == 4 and parts[3] == "cancel" and request.method == "POST":
            return self._cancel(link)
        return _error(405, "The requested method is not allowed for this URL.")

    def _create(self, request: Request) -> Response:
        try:
            data = json.loads(request.get_data())
        except ValueError:
            return _error(400, "The request body is not valid JSON")
        if not isinstance(data, dict):
            return _error(400, "The request body must be an object")
        amount = data.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _error(400, "The amount must be an integer.", field="amount")
        if amount < 100:
            return _error(400, "The amount must be atleast INR 1.00", field="amount")
        currency = data.get("currency", "INR")
        if currency != "INR":
            return _error(400, f"Currency {currency} is not supported", field="currency")
        reference = data.get("reference_id") or ""
        if len(reference) > 40:
            return _error(400, "The reference id may not be greater than 40 characters.", field="reference_id")
        if reference and any(link["reference_id"] == reference for link in self.links.values()):
            return _error(400, f"Payment Link with reference id {reference} already exists",
                          field="reference_id")
        now = int(time.time())
        expire_by = data.get("expire_by", 0)
        if expire_by and not (now + 15 * 60 <= expire_by <= now + 183 * 86400):
            return _error(400, "expire_by should be at least 15 minutes after current time and at most "
                               "6 months from now", field="expire_by")
        if data.get("callback_url") and data.get("callback_method") != "get":
            return _error(400, "callback_method should be get when callback_url is passed",
                          field="callback_method")
        link_id = _id("plink")
        link = {
            "id": link_id, "accept_partial": bool(data.get("accept_partial", False)), "amount": amount,
            "amount_paid": 0, "callback_method": data.get("callback_method", ""),
            "callback_url": data.get("callback_url", ""), "cancelled_at": 0, "created_at": now,
            "currency": "INR", "customer": data.get("customer", {}), "description": data.get("description", ""),
            "expire_by": expire_by, "expired_at": 0, "first_min_partial_amount": 0,
            "notes": data.get("notes") or None, "notify": data.get("notify", {"sms": False, "email": False}),
            "order_id": "", "payments": None, "reference_id": reference,
            "reminder_enable": bool(data.get("reminder_enable", False)), "reminders": [],
            "short_url": f"https://rzp.io/rzp/{link_id[6:14]}", "status": "created", "updated_at": now,
            "upi_link": False, "user_id": "",
        }
        self.links[link_id] = link
        return _json(link)

    def _list(self, request: Request) -> Response:
        reference = request.args.get("reference_id")
        found = [link for link in self.links.values() if reference is None or link["reference_id"] == reference]
        return _json({"payment_links": sorted(found, key=lambda link: -link["created_at"])})

    def _cancel(self, link: dict) -> Response:
        if link["status"] != "created":
            return _error(400, f"Payment Link cannot be cancelled as it is in {link['status']} state")
        link.update(status="cancelled", cancelled_at=int(time.time()), updated_at=int(time.time()))
        return _json(link)

    # -- the other side: a debtor pays -------------------------------------------------------------

    def pay(self, link_id: str, method: str = "upi", vpa: str = "debtor@okaxis",
            event: str = "payment_link.paid") -> Webhook:
        """Mark the link paid in full and return the signed webhook Razorpay would post for `event`
        (payment_link.paid or payment.captured)."""
        link = self.links[link_id]
        if link["status"] != "created":
            raise ValueError(f"{link_id} is {link['status']}; only a created link can be paid")
        now = int(time.time())
        order_id = link["order_id"] or _id("order")
        payment = {
            "id": _id("pay"), "entity": "payment", "amount": link["amount"], "currency": "INR",
            "status": "captured", "order_id": order_id, "invoice_id": None, "international": False,
            "method": method, "amount_refunded": 0, "refund_status": None, "captured": True,
            "description": f"#{link_id[6:]}", "card_id": None, "bank": None, "wallet": None,
            "vpa": vpa if method == "upi" else None, "email": link["customer"].get("email", ""),
            "contact": link["customer"].get("contact", ""), "notes": link["notes"] or [],
            "fee": link["amount"] * 2 // 100, "tax": link["amount"] * 36 // 10000, "error_code": None,
            "error_description": None, "created_at": now,
            "acquirer_data": {"rrn": "".join(secrets.choice(string.digits[1:]) for _ in range(12)),
                              "upi_transaction_id": secrets.token_hex(16).upper()} if method == "upi" else {},
        }
        link.update(status="paid", amount_paid=link["amount"], order_id=order_id, updated_at=now,
                    payments=[{"amount": link["amount"], "created_at": now, "method": method,
                               "payment_id": payment["id"], "plink_id": link_id, "status": "captured",
                               "updated_at": now}])
        if event == "payment_link.paid":
            order = {"id": order_id, "entity": "order", "amount": link["amount"], "amount_paid": link["amount"],
                     "amount_due": 0, "currency": "INR", "receipt": link["reference_id"], "status": "paid",
                     "attempts": 1, "created_at": now}
            payload = {"payment_link": {"entity": dict(link)}, "order": {"entity": order},
                       "payment": {"entity": payment}}
        elif event == "payment.captured":
            payload = {"payment": {"entity": payment}}
        else:
            raise ValueError(f"pay() makes payment_link.paid or payment.captured, not {event}")
        return self.webhook(event, payload, created_at=now)

    def webhook(self, event: str, payload: dict, created_at: int | None = None) -> Webhook:
        """Any event, wrapped and signed as Razorpay sends it."""
        document = {"entity": "event", "account_id": "acc_FakeSulah00001", "event": event,
                    "contains": list(payload), "payload": payload,
                    "created_at": created_at or int(time.time())}
        return self.sign(json.dumps(document).encode())

    def sign(self, body: bytes) -> Webhook:
        signature = hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return Webhook(body, {"Content-Type": "application/json", "X-Razorpay-Signature": signature,
                              "X-Razorpay-Event-Id": _id("evt")[4:]})


def _json(document: dict) -> Response:
    return Response(json.dumps(document), 200, content_type="application/json")

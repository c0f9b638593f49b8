"""How a webhook is signed and checked: the Standard Webhooks scheme (standardwebhooks.com), which is
Stripe's with standard header names. Pure: no Flask, no database.

Headers of every delivery:
  webhook-id         the event's id (evt_...): the same on every retry and replay, for de-duplication
  webhook-timestamp  seconds since the Unix epoch when this attempt was signed
  webhook-signature  "v1,<base64 HMAC-SHA256>" per live secret, separated by spaces
The HMAC's key is the secret's bytes (base64 after "whsec_"); its message is
"<webhook-id>.<webhook-timestamp>.<raw body>". A receiver accepts when any listed signature matches
one of its secrets and the timestamp is within TOLERANCE of its clock (replayed captures are refused).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105  (the public marker every secret begins with)
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(ValueError):
    """The delivery is not signed with this secret, or was signed too long ago."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def headers(secrets_live: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt, signed with every live secret (two while a rotation overlaps)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets_live),
            "content-type": "application/json"}


def verify(secret: str, headers_in: dict[str, str], body: bytes, now: int,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """What a receiver does (the README shows it without this module). Raises InvalidSignature."""
    lower = {k.lower(): v for k, v in headers_in.items()}
    msg_id, stamp = lower.get("webhook-id", ""), lower.get("webhook-timestamp", "")
    if not msg_id or not stamp.isdigit():
        raise InvalidSignature("missing webhook-id or webhook-timestamp")
    if abs(now - int(stamp)) > tolerance:
        raise InvalidSignature("the timestamp is outside the tolerance")
    expected = signature(secret, msg_id, int(stamp), body)
    for candidate in lower.get("webhook-signature", "").split():
        if hmac.compare_digest(candidate, expected):
            return
    raise InvalidSignature("no signature matches")

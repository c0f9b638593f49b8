"""Bounces: delivery status notifications (RFC 3464) sent to a dispatch's own VERP address
bounces+<token>@<bounce domain>, delivered to Sulah by an inbound-mail webhook (or the local sink).

A permanent failure (status 5.x.x, Action: failed) fails the dispatch and tells the creditor; a
delay (4.x.x) only joins the timeline.
"""
from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"^bounces\+([0-9a-f]{24})@", re.IGNORECASE)


@dataclass(frozen=True)
class Bounce:
    token: str
    action: str           # failed | delayed | delivered | relayed | expanded
    status: str           # e.g. "5.1.1"
    recipient: str
    diagnostic: str
    message_id: str = ""  # the report's own Message-ID: the same DSN delivered twice carries the same one

    @property
    def permanent(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


class NotABounce(ValueError):
    """The message is not a delivery status notification for one of our bounce addresses."""


def token_of(envelope_recipient: str) -> str:
    match = _TOKEN.match(envelope_recipient.strip().strip("<>"))
    if not match:
        raise NotABounce("The recipient is not a Sulah bounce address.")
    return match.group(1).lower()


def parse(envelope_recipient: str, raw: bytes) -> Bounce:
    token = token_of(envelope_recipient)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.get_content_type() != "multipart/report":
        raise NotABounce("The message is not a delivery status report (multipart/report).")
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        recipients = [b for b in blocks[1:] if b.get("Action")] if isinstance(blocks, list) else []
        if not recipients:
            break
        first = recipients[0]
        recipient = str(first.get("Final-Recipient", "")).split(";", 1)[-1].strip()
        return Bounce(token=token, action=str(first.get("Action", "")).strip().lower(),
                      status=str(first.get("Status", "")).strip(), recipient=recipient,
                      diagnostic=str(first.get("Diagnostic-Code", "")).split(";", 1)[-1].strip()[:500],
                      message_id=str(msg.get("Message-ID", "")).strip()[:200])
    raise NotABounce("The report has no per-recipient delivery status.")

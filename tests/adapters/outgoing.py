"""One notice message as notices.serving.channels builds it, and its DLT registration, for the adapter tests."""
from __future__ import annotations

from portal.adapters.messaging import OutgoingMessage

NOTICE_DLT_ID = "1107000000000001"
NOTICE_DLT_TEXT = ("Legal notice from {#var#} (ref {#var#}) has been sent to your e-mail. "
                   "Pay or respond by {#var#}: {#var#} - Sulah")
VARIABLES = ("Kaveri Textiles", "SUL-2026-000001", "7 December 2026", "https://sulah.in/n/x")


def message(**kw) -> OutgoingMessage:
    values = {"to": "+919812345678", "template": "notice_served", "variables": VARIABLES,
              "text": ("Legal notice from Kaveri Textiles (ref SUL-2026-000001) has been sent to your e-mail. "
                       "Pay or respond by 7 December 2026: https://sulah.in/n/x - Sulah"),
              "idempotency_key": "k" * 64}
    values.update(kw)
    return OutgoingMessage(**values)

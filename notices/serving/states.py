"""A dispatch's lifecycle: queued, claimed by a worker, then sent, failed or cancelled."""
from __future__ import annotations

import enum


class DispatchStatus(enum.StrEnum):
    QUEUED = "queued"      # waiting for its task (or for the contact window)
    SENDING = "sending"    # claimed by a worker; `claimed_until` bounds the claim
    SENT = "sent"          # the provider accepted it: the sent-marker, with its message id
    FAILED = "failed"      # permanently: bad address, hard bounce, retries exhausted
    CANCELLED = "cancelled"

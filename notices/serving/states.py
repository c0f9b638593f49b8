"""A dispatch's lifecycle: queued, claimed by a worker, then sent, failed or cancelled.

`DISPATCH` is the table `portal.lifecycle.fire` applies (audit events `dispatch.<action>`; the
delivery timeline's own events, `delivery.<kind>`, are written beside them by `timeline.record`).
"""
from __future__ import annotations

import enum
from typing import Any

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition
from portal.types import utcnow


class DispatchStatus(enum.StrEnum):
    QUEUED = "queued"      # waiting for its task (or for the contact window)
    SENDING = "sending"    # claimed by a worker; `claimed_until` bounds the claim
    SENT = "sent"          # the provider accepted it: the sent-marker, with its message id
    FAILED = "failed"      # permanently: bad address, hard bounce, retries exhausted
    CANCELLED = "cancelled"


S = DispatchStatus
C, SYS = Role.CREDITOR, Role.SYSTEM
# Not yet sent: a worker may still take it (a claim whose lease ran out is taken again).
UNSENT = frozenset({S.QUEUED, S.SENDING})


def claim_free(dispatch: Any) -> str | None:
    """A dispatch being sent by a live worker is not claimed again until its lease runs out."""
    if dispatch.status == S.SENDING and dispatch.claimed_until is not None \
            and dispatch.claimed_until > utcnow():
        return "Another worker is sending this dispatch."
    return None


DISPATCH = Machine(
    "dispatch", DispatchStatus,
    initial=frozenset({S.QUEUED}),
    transitions=(
        transition("claim", UNSENT, S.SENDING, {SYS}, [claim_free], label=N_("Claim for sending")),
        transition("defer", UNSENT, S.QUEUED, {SYS}, label=N_("Defer to the contact window")),
        transition("retry", UNSENT, S.QUEUED, {SYS}, label=N_("Retry later")),
        # The provider accepted it. From QUEUED too: a worker whose lease ran out may finish after
        # another worker's attempt put the dispatch back in the queue.
        transition("sent", UNSENT, S.SENT, {SYS}, label=N_("Sent")),
        transition("fail", UNSENT, S.FAILED, {SYS}, label=N_("Give up")),
        # Staff booked the notice at the post office (a postal dispatch is never claimed).
        transition("posted", S.QUEUED, S.SENT, {C}, label=N_("Record the posting")),
        # A hard bounce or a provider's failure report, usually after it was sent.
        transition("undeliverable", UNSENT | {S.SENT}, S.FAILED, {SYS}, label=N_("Undeliverable")),
        # Staff uploaded a tracking record showing the posted article came back undelivered.
        transition("returned", S.SENT, S.FAILED, {C}, label=N_("Record the article's return")),
    ),
    noun=N_("the dispatch"),
)


class ExpertCertificateStatus(enum.StrEnum):
    REQUESTED = "requested"   # the creditor asked an expert for Part B of the s.63 certificate
    ATTACHED = "attached"     # the expert's signed Part B is uploaded and attached to the proof


EXPERT_CERTIFICATE = Machine(
    "part_b", ExpertCertificateStatus,
    initial=frozenset({ExpertCertificateStatus.REQUESTED}),
    transitions=(
        transition("attached", ExpertCertificateStatus.REQUESTED, ExpertCertificateStatus.ATTACHED,
                   {C, Role.ADVOCATE}, label=N_("Attach the expert's certificate")),
    ),
    noun=N_("the expert's certificate"),
)


class ServedDocumentStatus(enum.StrEnum):
    READY = "ready"          # signed and held, not yet sent to its addressee
    SERVING = "serving"      # service requested on some channel; no proof of receipt yet
    RECEIVED = "received"    # receipt proven (IT Act s.12/s.13, notices/serving/receipt.py)
    UNSERVED = "unserved"    # every channel failed or bounced: not served, serve it again


D = ServedDocumentStatus
# Served by the tribunal (an award, an order) or by the party that signed it (a settlement, a request);
# the worker settles receipt and failure from the delivery timeline.
SERVED_DOCUMENT = Machine(
    "served_document", ServedDocumentStatus,
    initial=frozenset({D.READY}),
    transitions=(
        transition("serve", {D.READY, D.UNSERVED}, D.SERVING, {Role.NEUTRAL, C, Role.ADVOCATE, SYS},
                   label=N_("Serve")),
        transition("received", {D.SERVING, D.UNSERVED}, D.RECEIVED, {SYS}, label=N_("Receipt proven")),
        transition("unserved", D.SERVING, D.UNSERVED, {SYS}, label=N_("Every channel failed")),
    ),
    noun=N_("the served document"),
)

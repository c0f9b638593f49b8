"""Which audited events become which webhook event types, and what each webhook carries. Pure: the
listener (portal.webhooks.services) applies it. Keyed on audit action names, like the notifications'
rules table, so the event is the same whichever service or `fire()` recorded it."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The event types an endpoint may choose, with the words the administrator reads.
EVENT_TYPES: dict[str, str] = {
    "case.status_changed": "A case's status changed",
    "notice.signed": "A notice was signed by the advocate",
    "notice.served": "A notice was served",
    "notice.received": "A notice was received by the debtor (proven receipt)",
    "debtor.responded": "The debtor responded",
    "payment.reported": "The debtor reported a payment",
    "payment.confirmed": "A payment was confirmed",
    "offer.made": "An offer was made",
    "settlement.completed": "A settlement agreement was completed",
    "award.served": "An arbitral award was served",
    "reminder.sent": "A payment reminder was sent",
    "promise.broken": "A promise to pay was broken",
}

FIXED: dict[str, tuple[str, ...]] = {
    "notice.signed": ("notice.signed",),
    "case.serve_notice": ("notice.served",),
    "notice.received": ("notice.received",),
    "payment.reported": ("payment.reported",),
    "payment.confirmed": ("payment.confirmed",),
    "offer.made": ("offer.made",),
    "settlement.signed": ("settlement.completed",),
    "award.served": ("award.served",),
    "reminder.mark_sent": ("reminder.sent",),
    "promise.break": ("promise.broken",),
}
DEBTOR_RESPONSES = frozenset({"acknowledge", "pay_in_full", "admit_part", "propose_plan", "dispute",
                              "call_back"})

# Payload fields a receiver may see: identifiers, amounts, dates and statuses. Free text, contact
# details and documents stay in Sulah (the receiver reads them through the API with its key).
SAFE_FIELDS = frozenset({
    "from", "to", "notice_id", "award_id", "offer_id", "payment_id", "report_id", "response_id",
    "promise_id", "reminder_id", "settlement_agreement_id", "amount", "paid_on", "method", "channel",
    "received_at", "due_after", "admitted_amount", "level", "round", "kind", "promised_on"})


def types_for(action: str, case_actions: Iterable[str]) -> tuple[str, ...]:
    """The webhook event types an audit action raises (`case_actions`: the case machine's actions,
    each of which changes the case's status)."""
    found = list(FIXED.get(action, ()))
    prefix, _, name = action.partition(".")
    if prefix == "case" and name in case_actions:
        found.insert(0, "case.status_changed")
    if prefix == "debtor" and name in DEBTOR_RESPONSES:
        found.append("debtor.responded")
    return tuple(found)


def data(action: str, payload: Mapping[str, Any], case_reference: str, case_status: str) -> dict:
    """The event's `data`: the case, what happened, and the safe fields of the audit payload."""
    out: dict[str, Any] = {"case": {"reference": case_reference, "status": case_status},
                           "action": action}
    if action.startswith("debtor."):
        out["response"] = action.partition(".")[2]
    for key in sorted(SAFE_FIELDS & set(payload)):
        value = payload[key]
        if value is None or isinstance(value, str | int | bool):
            out[key] = value
    return out


def retry_delay(attempts: int, base: float, cap: float) -> float:
    """Seconds after the `attempts`-th failed attempt before the next: doubling from `base`, at most
    `cap`."""
    return min(base * 2 ** max(attempts - 1, 0), cap)

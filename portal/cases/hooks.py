"""What the case pages and services ask of the packages above cases, through hooks they provide at
start-up (see portal.hooks): the case page's sections, and recording a payment once a notice is
served (the payments package: receipts, instalments, the case marked paid)."""
from __future__ import annotations

from portal.hooks import Hook, Parts

# Template variables for the case page, each from the package that owns it: (user, case) -> value.
case_page_parts: Parts = Parts("cases.case_page_parts")

# (case, amount, paid_on, method, reference, actor, today) -> Payment, once the recovery has begun.
record_recovery_payment: Hook = Hook("cases.record_recovery_payment", provided_by="portal.payments")

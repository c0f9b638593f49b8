"""What the case pages and services ask of the packages above cases, through hooks they provide at
start-up (see portal.hooks): the case page's sections, recording a payment once a notice is served
(the payments package: receipts, instalments, the case marked paid), and what a signed settlement
still asks for (the settlement: it replaces the claim in the case's position, portal.cases.position)."""
from __future__ import annotations

from portal.hooks import Hook, Parts

# (payment ids) -> the ids another package keeps a record of (a receipt, the debtor's report it
# confirmed, a payment-gateway event): such a payment stays as recorded when the facts are edited.
payments_on_record: Parts = Parts("cases.payments_on_record")

# (invoice ids) -> the ids another package keeps a record about (collections' reminders, promises,
# disputes and holds): such an invoice cannot be removed when the facts are edited.
invoices_on_record: Parts = Parts("cases.invoices_on_record")

# Template variables for the case page, each from the package that owns it: (user, case) -> value.
case_page_parts: Parts = Parts("cases.case_page_parts")

# (case, amount, paid_on, method, reference, actor, today) -> Payment, once the recovery has begun.
record_recovery_payment: Hook = Hook("cases.record_recovery_payment", provided_by="portal.payments")

# (case) -> Decimal | None: the signed settlement's outstanding balance, or None when none governs.
# Declared here, with the position that reads it; portal.payments.hooks names the same objects.
settlement_outstanding: Hook = Hook("payments.settlement_outstanding", provided_by="arbitration.settlement")

# (case, today) -> the next unpaid instalment (with .unpaid and .row.due_on), or None.
next_instalment: Hook = Hook("payments.next_instalment", provided_by="arbitration.settlement")

# Columns a package above cases adds to the case list: (user, case ids of the page, today) -> value,
# e.g. collections' priority per case ({case id: score}); the template shows what it is given.
case_list_parts: Parts = Parts("cases.case_list_parts")

# (owner user id) -> SQL condition on Case: its debtor is followed up by that staff member (the case
# list's staff-owner filter; debtors are allocated to staff in collections).
debtor_owned_by: Hook = Hook("cases.debtor_owned_by", provided_by="portal.receivables")

"""The payments lifecycles as tables for `portal.lifecycle`: a debtor's payment report (the creditor
confirms or rejects it) and a gateway payment link (the gateway's webhook marks it paid).

Pure data: no Flask, no database. The audit events keep the names they had before the tables:
`payment.reported`, `payment.report_confirmed`, `payment.report_rejected`, `payment.link_created`,
`payment.link_paid` (the Payment itself is audited as `payment.confirmed` by the service).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class ReportStatus(enum.StrEnum):
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class LinkStatus(enum.StrEnum):
    CREATED = "created"
    PAID = "paid"


R, L = ReportStatus, LinkStatus

# Only the creditor says what reached its account; the report is decided once.
REPORT = Machine(
    "payment_report", ReportStatus, initial=frozenset({R.REPORTED}), event="payment",
    noun=N_("the payment report"), transitions=(
        transition("report_confirmed", R.REPORTED, R.CONFIRMED, {Role.CREDITOR},
                   label=N_("Confirm the payment"), manual=True),
        transition("report_rejected", R.REPORTED, R.REJECTED, {Role.CREDITOR}, label=N_("Reject the report"),
                   manual=True),
    ))

# A link is paid once, by the gateway's verified webhook (the system).
LINK = Machine(
    "gateway_link", LinkStatus, initial=frozenset({L.CREATED}), event="payment",
    noun=N_("the payment link"), transitions=(
        transition("link_paid", L.CREATED, L.PAID, {Role.SYSTEM}, label=N_("Paid through the gateway")),
    ))

"""The case lifecycle: every status, every allowed transition, who may fire it and its guard.

The table is data for the generic `portal.lifecycle.Machine`; `portal.cases.transitions.fire` (which
calls `portal.lifecycle.fire`) is the only code that applies it.
"""
from __future__ import annotations

import enum
from typing import Any

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import (  # noqa: F401  (re-exported: the case's refusals)
    IllegalTransition,
    Machine,
    Transition,
    TransitionNotPermitted,
    UnknownAction,
    not_permitted_message,
    transition,
)


class CaseStatus(enum.StrEnum):
    DRAFT = "draft"
    FILED = "filed"
    NOTICE_DRAFTING = "notice_drafting"
    NOTICE_IN_REVIEW = "notice_in_review"
    NOTICE_SIGNED = "notice_signed"
    NOTICE_SERVED = "notice_served"
    RESPONDED = "responded"
    IN_NEGOTIATION = "in_negotiation"
    IN_CONCILIATION = "in_conciliation"
    SETTLED = "settled"
    DEFAULTED = "defaulted"  # a settlement instalment was missed past its grace period
    IN_ARBITRATION = "in_arbitration"
    AWARDED = "awarded"
    PAID = "paid"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = CaseStatus
TERMINAL = frozenset({S.CLOSED, S.WITHDRAWN})
OPEN_DISPUTE = frozenset({S.NOTICE_SERVED, S.RESPONDED, S.IN_NEGOTIATION, S.IN_CONCILIATION})
# When the case's advocate may be assigned, changed or may decline: not while the notice is with the
# advocate for review (the review is theirs: they return it or sign it first), nor once it has ended.
ADVOCATE_CHANGEABLE = frozenset(S) - TERMINAL - {S.NOTICE_IN_REVIEW}


def has_invoices(case: Any) -> str | None:
    return None if case.invoices else "Add at least one invoice before filing the case."


def has_debtor_contact(case: Any) -> str | None:
    return None if case.debtor and case.debtor.contacts else "Add an e-mail or mobile number for the debtor."


def has_advocate(case: Any) -> str | None:
    return None if case.advocate_id else "Assign an advocate to the case first."


def has_neutral(case: Any) -> str | None:
    return None if case.neutral_id else "A neutral must be appointed first."


_t = transition


C, A, D, N, ADM, SYS = Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL, Role.ADMIN, Role.SYSTEM
ANY_LIVE = frozenset(S) - TERMINAL - {S.PAID, S.SETTLED, S.AWARDED}

TRANSITIONS: tuple[Transition, ...] = (
    _t("file", S.DRAFT, S.FILED, {C}, [has_invoices, has_debtor_contact], "File the claim", manual=True),
    _t("start_notice", S.FILED, S.NOTICE_DRAFTING, {C, A, SYS}, label=N_("Start drafting the notice")),
    _t("submit_notice", S.NOTICE_DRAFTING, S.NOTICE_IN_REVIEW, {C}, [has_advocate],
       "Submit the notice for review"),
    _t("return_notice", S.NOTICE_IN_REVIEW, S.NOTICE_DRAFTING, {A}, label=N_("Return with comments")),
    _t("sign_notice", S.NOTICE_IN_REVIEW, S.NOTICE_SIGNED, {A, SYS}, label=N_("Approve and sign")),
    _t("serve_notice", S.NOTICE_SIGNED, S.NOTICE_SERVED, {SYS, C}, label=N_("Notice served")),
    # Every channel to the debtor failed or bounced, and no receipt is proven: the notice was not
    # served after all, and nothing runs from it (IT Act s.13; notices/serving/receipt.py).
    _t("service_failed", S.NOTICE_SERVED, S.NOTICE_SIGNED, {SYS},
       label=N_("Service failed on every channel")),
    _t("record_response", S.NOTICE_SERVED, S.RESPONDED, {D, SYS}, label=N_("Debtor responded")),
    _t("open_negotiation", {S.NOTICE_SERVED, S.RESPONDED}, S.IN_NEGOTIATION, {C, A, D, SYS},
       label=N_("Open the ODR room")),
    _t("start_conciliation", S.IN_NEGOTIATION, S.IN_CONCILIATION, {ADM, SYS}, [has_neutral],
       "Start conciliation"),
    _t("settle", {S.IN_NEGOTIATION, S.IN_CONCILIATION, S.IN_ARBITRATION}, S.SETTLED, {SYS, N},
       label=N_("Record settlement")),
    _t("mark_default", S.SETTLED, S.DEFAULTED, {SYS}, label=N_("Settlement in default")),
    _t("cure_default", S.DEFAULTED, S.SETTLED, {SYS}, label=N_("Arrears paid")),
    _t("invoke_arbitration", OPEN_DISPUTE | {S.DEFAULTED}, S.IN_ARBITRATION, {C, A},
       label=N_("Invoke arbitration")),
    _t("make_award", S.IN_ARBITRATION, S.AWARDED, {N}, [has_neutral], "Make the award"),
    _t("mark_paid", frozenset(S) - TERMINAL - {S.DRAFT, S.PAID}, S.PAID, {C, SYS},
       label=N_("Mark paid in full"), manual=True),
    _t("close", {S.PAID, S.SETTLED, S.AWARDED}, S.CLOSED, {C, ADM, SYS}, label=N_("Close the case"),
       manual=True),
    _t("withdraw", ANY_LIVE, S.WITHDRAWN, {C}, label=N_("Withdraw the claim"), manual=True),
)

# Actions that cannot be taken back: the case page asks first, on a page of their own, for a reason
# that the audit event keeps (issue 16, item 7). Never a one-click button.
CONFIRM_FIRST = frozenset({"withdraw", "mark_paid"})

CASE = Machine("case", CaseStatus, initial=frozenset({S.DRAFT}), transitions=TRANSITIONS,
               attr="_status", read_attr="status", noun=N_("the case"),
               case_attr="")
ACTIONS = CASE.actions


def transition_for(action: str) -> Transition:
    return CASE.transition_for(action)


def check(case: Any, action: str, role: Role) -> Transition:
    """Return the transition if `role` may fire `action` on `case` now, else raise with why not."""
    return CASE.check(case, action, role)


def available(case: Any, role: Role, *, manual_only: bool = True) -> list[Transition]:
    """Transitions this role could fire now (guards included), for showing buttons."""
    return CASE.available(case, role, manual_only=manual_only)

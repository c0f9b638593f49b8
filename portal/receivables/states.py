"""The reminder and promise lifecycles: every status, every allowed transition and who may fire it.

Pure tables on the kernel's `portal.lifecycle.Machine`; `portal.lifecycle.fire` is the only code
that moves a reminder or a promise (portal.receivables.transitions passes it the machine).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"        # produced by the run, waiting for the contact window and the cap
    SENDING = "sending"        # a worker holds it (lease in claimed_until)
    SENT = "sent"
    SKIPPED = "skipped"        # paid, disputed, promised or paused before it went out
    FAILED = "failed"          # no address of the debtor's own, or every channel refused it


class PromiseStatus(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


R, P = ReminderStatus, PromiseStatus
C, D, SYS = Role.CREDITOR.value, Role.DEBTOR.value, Role.SYSTEM.value

# Reminders are produced by the run's INSERT ... ON CONFLICT DO NOTHING (evaluation.produce), which
# starts each as PENDING and audits the batch: the unique constraint, not a begin(), is the guard.
REMINDER = Machine("reminder", ReminderStatus, {R.PENDING}, (
    transition("claim", {R.PENDING, R.SENDING}, R.SENDING, {SYS}, label=N_("Start sending")),
    transition("defer", R.SENDING, R.PENDING, {SYS}, label=N_("Wait for the contact window")),
    transition("mark_sent", R.SENDING, R.SENT, {SYS}, label=N_("Sent")),
    transition("fail", {R.PENDING, R.SENDING}, R.FAILED, {SYS}, label=N_("Could not be sent")),
    transition("skip", {R.PENDING, R.SENDING}, R.SKIPPED, {SYS, C, D}, label=N_("Not needed any more")),
), attr="_status", read_attr="status", noun=N_("the reminder"))

PROMISE = Machine("promise", PromiseStatus, {P.OPEN}, (
    transition("keep", P.OPEN, P.KEPT, {SYS}, label=N_("Promise kept")),
    transition("break", P.OPEN, P.BROKEN, {SYS}, label=N_("Promise broken")),
    transition("cancel", P.OPEN, P.CANCELLED, {C}, label=N_("Cancel the promise"), manual=True),
), attr="_status", read_attr="status", noun=N_("the promise"))

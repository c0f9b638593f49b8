"""The reminder and promise lifecycles: every status, every allowed transition and who may fire it.

Pure Python (no Flask, no database), in the shape of the case's table (portal/cases/states.py);
`portal.receivables.transitions.fire` is the only code that applies them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from portal.accounts.roles import Role
from portal.errors import DomainError, NotPermitted


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


class IllegalTransition(DomainError):
    """The action exists but not from the current status (the web says 409)."""


class UnknownAction(IllegalTransition):
    pass


class TransitionNotPermitted(NotPermitted):
    pass


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: enum.StrEnum
    roles: frozenset[Role]
    label: str


@dataclass(frozen=True)
class Machine:
    name: str
    transitions: tuple[Transition, ...]

    def transition_for(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise UnknownAction(f"There is no {self.name} action called “{action}”.")

    def check(self, status, action: str, role: Role) -> Transition:
        t = self.transition_for(action)
        if status not in t.sources:
            raise IllegalTransition(f"“{t.label}” is not possible while the {self.name} is "
                                    f"{status.value}.")
        if role not in t.roles:
            raise TransitionNotPermitted(f"A {role.value} may not “{t.label.lower()}”.")
        return t


R, P = ReminderStatus, PromiseStatus
C, D, SYS = Role.CREDITOR, Role.DEBTOR, Role.SYSTEM


def _t(action, sources, target, roles, label) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), label)


REMINDER = Machine("reminder", (
    _t("claim", {R.PENDING, R.SENDING}, R.SENDING, {SYS}, "Start sending"),
    _t("defer", {R.SENDING}, R.PENDING, {SYS}, "Wait for the contact window"),
    _t("mark_sent", {R.SENDING}, R.SENT, {SYS}, "Sent"),
    _t("fail", {R.PENDING, R.SENDING}, R.FAILED, {SYS}, "Could not be sent"),
    _t("skip", {R.PENDING, R.SENDING}, R.SKIPPED, {SYS, C}, "Not needed any more"),
))

PROMISE = Machine("promise", (
    _t("keep", {P.OPEN}, P.KEPT, {SYS}, "Promise kept"),
    _t("break", {P.OPEN}, P.BROKEN, {SYS}, "Promise broken"),
    _t("cancel", {P.OPEN}, P.CANCELLED, {C}, "Cancel the promise"),
))

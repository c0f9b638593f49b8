"""The one place a reminder or a promise changes status: check its table, set it, audit it."""
from __future__ import annotations

from typing import Any

from portal import audit
from portal.accounts.roles import Role
from portal.receivables.states import PROMISE, REMINDER, Machine, Transition


def actor_role(actor: Any | None) -> Role:
    return Role.SYSTEM if actor is None else Role(actor.role)


def fire(obj: Any, action: str, actor: Any | None, *, payload: dict | None = None,
         case: Any | None = None) -> Transition:
    """Apply `action` to a Reminder or Promise as `actor` (None = the system); flushes, no commit.
    The caller holds the row (locked or leased)."""
    machine: Machine = REMINDER if obj.__tablename__ == "reminders" else PROMISE
    transition = machine.check(obj.status, action, actor_role(actor))
    before = obj.status
    obj._status = transition.target
    audit.record(f"{machine.name}.{action}", actor=actor, case=case, payload={
        f"{machine.name}_id": obj.id, "from": before.value, "to": transition.target.value,
        **(payload or {})})
    return transition

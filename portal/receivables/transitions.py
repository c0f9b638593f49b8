"""Moving a reminder or a promise: the kernel's `fire()` with the right table."""
from __future__ import annotations

from typing import Any

from portal import lifecycle
from portal.receivables.states import PROMISE, REMINDER, PromiseStatus


def fire(obj: Any, action: str, actor: Any | None, *, payload: dict | None = None,
         case: Any | None = None) -> lifecycle.Transition:
    """Apply `action` as `actor` (None: the system); locks and re-reads the row, audits, flushes."""
    machine = REMINDER if obj.__tablename__ == "reminders" else PROMISE
    return lifecycle.fire(machine, obj, action, actor, payload=payload, case=case)


def begin_promise(promise: Any, actor: Any | None, payload: dict) -> Any:
    """Give a new promise its first status and audit it as promise.made."""
    return lifecycle.begin(PROMISE, promise, PromiseStatus.OPEN, actor, action="made", payload=payload)

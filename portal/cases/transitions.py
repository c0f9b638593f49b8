"""The one place a case changes status: the case's table applied by the generic `lifecycle.fire`."""
from __future__ import annotations

from typing import Any

from portal import lifecycle
from portal.accounts import Role
from portal.cases.models import Case
from portal.cases.states import CASE, Transition


def actor_role(actor: Any | None) -> Role:
    return Role.SYSTEM if actor is None else Role(actor.role)


def fire(case: Case, action: str, actor: Any | None, *, payload: dict | None = None,
         lock: bool = True) -> Transition:
    """Apply `action` to `case` as `actor` (None = the system) and audit it; flushes, no commit.

    Row-locks the case first and re-reads its status, so two requests cannot both move it from the
    same state (see `portal.lifecycle.fire` for the lock's kind). `lock=False`: the caller has
    locked and re-read the case already (a batch that locks its cases in one statement).
    """
    return lifecycle.fire(CASE, case, action, actor, role=actor_role(actor), payload=payload, lock=lock)

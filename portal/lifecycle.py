"""Every status column's lifecycle: a table of transitions, and the one `fire()` that applies it.

Each lifecycle (the case, a notice, a dispatch, an offer, a settlement, an appointment, ...) declares a
`Machine` in its package's `states.py`: its statuses (an enum), the statuses a new row may start in,
and its transitions (action, from, to, who, guards). Nothing else writes a status:
- `begin()` gives a new row its first status and audits its creation;
- `fire()` locks the row, re-reads it, checks the table, the role and the guards, writes the status
  and the audit event in the caller's transaction (it flushes, never commits).
`tests/test_lifecycles.py` proves by reading the source that no other code assigns a status.

Kernel: imports no feature. Roles are compared by value (`portal.accounts.roles.Role` is a StrEnum;
the system, acting for a worker or a scheduled job, is "system").
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from portal import audit
from portal.errors import DomainError, NotPermitted
from portal.extensions import db
from portal.i18n import gettext, language
from portal.types import utcnow
from portal.web.labels import label as value_label

SYSTEM = "system"

Guard = Callable[[Any], str | None]  # None when allowed, else the reason it is not, in words


class IllegalTransition(DomainError):
    """The action exists but not from the row's status, or a guard refuses it (the web says 409)."""

    def __init__(self, message: str, *, action: str, status: enum.Enum | None) -> None:
        super().__init__(message)
        self.action = action
        self.status = status


class UnknownAction(IllegalTransition):
    """No transition has this name (the web says 404: there is no such thing to do)."""

    def __init__(self, machine: str, action: str) -> None:
        super().__init__(f"There is no {machine} action called “{action}”.", action=action, status=None)


class TransitionNotPermitted(NotPermitted):
    """The transition exists from this status, but not for the actor's role."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: enum.Enum
    roles: frozenset
    guards: tuple[Guard, ...] = ()
    label: str = ""
    # True: a person fires it from a button on a page. False: only its workflow's service does.
    manual: bool = False


def transition(action: str, sources: enum.Enum | Iterable[enum.Enum], target: enum.Enum,
               roles: Iterable[Any], guards: Iterable[Guard] = (), label: str = "",
               manual: bool = False) -> Transition:
    """A row of a transition table; `sources` may be one status or several."""
    if isinstance(sources, enum.Enum):
        sources = {sources}
    return Transition(action, frozenset(sources), target, frozenset(roles), tuple(guards),
                      label or action.replace("_", " ").capitalize(), manual)


def role_of(actor: Any | None) -> str:
    """The role an actor acts in: None is the system (a worker, a scheduled job)."""
    if actor is None:
        return SYSTEM
    role = getattr(actor, "role", None)
    return getattr(role, "value", role) or SYSTEM


def not_permitted_message(role: str, t: Transition) -> str:
    who = "The system" if role == SYSTEM else f"{'An' if role[0] in 'aeiou' else 'A'} {role}"
    return f"{who} may not “{t.label.lower()}”."


@dataclass(frozen=True)
class Machine:
    """One lifecycle: the status enum, where a row may start, and the transition table.

    `attr` is the mapped attribute that holds the status (the case keeps it private as `_status`
    behind a read-only property `status`: then `read_attr="status"`). `event` prefixes the audit
    action: `f"{event}.{action}"` (default: the machine's name).
    `noun` names the thing in messages ("the notice is signed").
    """

    name: str
    statuses: type[enum.Enum]
    initial: frozenset
    transitions: tuple[Transition, ...]
    attr: str = "status"
    read_attr: str = ""  # where the status is read, when not `attr` (a read-only property)
    event: str = ""
    noun: str = ""
    # Where the row's case is, for the case's audit chain: an attribute, or "" when the row is a case.
    case_attr: str = "case"
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action = {t.action: t for t in self.transitions}
        if len(by_action) != len(self.transitions):  # not an assert: must hold under python -O
            raise RuntimeError(f"{self.name}: transition actions must be unique")
        for t in self.transitions:
            if not isinstance(t.target, self.statuses) or any(
                    not isinstance(s, self.statuses) for s in t.sources):
                raise RuntimeError(f"{self.name}.{t.action}: statuses must be {self.statuses.__name__}")
        object.__setattr__(self, "_by_action", by_action)
        object.__setattr__(self, "initial", frozenset(self.initial))
        MACHINES[self.name] = self
        _ACTION_INDEX.clear()

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(self._by_action)

    def transition_for(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise UnknownAction(self.name, action) from None

    def sources(self, *actions: str) -> frozenset:
        """The statuses from which any of `actions` may fire: policy's windows come from here."""
        out: frozenset = frozenset()
        for action in actions:
            out |= self.transition_for(action).sources
        return out

    def status_of(self, obj: Any) -> enum.Enum:
        return getattr(obj, self.read_attr or self.attr)

    def describe(self, status: enum.Enum) -> str:
        return str(status.value).replace("_", " ")

    def refusal(self, t: Transition, status: enum.Enum) -> str:
        """Why `t` is not possible from `status`, in the language in force (English outside a request
        and a forced locale). The label and the noun are catalogue messages (N_-marked in their tables),
        looked up now; in another language, a label or noun without a translation gives a sentence that
        names only the status, so no English word is mixed into it."""
        noun = self.noun or f"the {self.name.replace('_', ' ')}"
        if language() == "en":
            return gettext("“%(action)s” is not possible while %(thing)s is %(status)s.",
                           action=t.label, thing=noun, status=self.describe(status))
        action, thing = gettext(t.label), gettext(noun)
        words = value_label(status, language())
        if action == t.label or thing == noun:
            return gettext("That is not possible now: the status is %(status)s.", status=words)
        return gettext("“%(action)s” is not possible while %(thing)s is %(status)s.",
                       action=action, thing=thing, status=words)

    def check(self, obj: Any, action: str, role: str) -> Transition:
        """The transition if `role` may fire `action` on `obj` now, else raise saying why not."""
        t = self.transition_for(action)
        status = self.status_of(obj)
        if status not in t.sources:
            raise IllegalTransition(self.refusal(t, status), action=action, status=status)
        if role not in t.roles:
            raise TransitionNotPermitted(not_permitted_message(role, t))
        for guard in t.guards:
            reason = guard(obj)
            if reason:
                raise IllegalTransition(reason, action=action, status=status)
        return t

    def allows(self, obj: Any, action: str, role: str) -> bool:
        try:
            self.check(obj, action, role)
        except DomainError:
            return False
        return True

    def available(self, obj: Any, role: str, *, manual_only: bool = True) -> list[Transition]:
        """Transitions this role could fire now (guards included), for showing buttons."""
        status = self.status_of(obj)
        return [t for t in self.transitions
                if (t.manual or not manual_only) and status in t.sources and role in t.roles
                and not any(g(obj) for g in t.guards)]


MACHINES: dict[str, Machine] = {}
# (audit subject, action) -> (machine, transition), built from MACHINES on first use and again after
# a machine is registered (machines register when their modules are imported).
_ACTION_INDEX: dict[tuple[str, str], tuple[Machine, Transition]] = {}


def transition_of_event(subject: str, action: str) -> tuple[Machine, Transition] | None:
    """The machine and transition an audit action `f"{subject}.{action}"` records, if a transition
    table has it (the first machine registered under that subject wins): one dictionary look-up."""
    if not _ACTION_INDEX:
        for machine in MACHINES.values():
            for t in machine.transitions:
                _ACTION_INDEX.setdefault((machine.event or machine.name, t.action), (machine, t))
    return _ACTION_INDEX.get((subject, action))


def _case_of(machine: Machine, obj: Any, case: Any | None) -> Any | None:
    if case is not None:
        return case
    return getattr(obj, machine.case_attr, None) if machine.case_attr else obj


def _event_name(machine: Machine, action: str) -> str:
    return f"{machine.event or machine.name}.{action}"


def fire(machine: Machine, obj: Any, action: str, actor: Any | None, *, role: str | None = None,
         payload: dict | None = None, case: Any | None = None, lock: bool = True,
         changes: dict[str, Any] | None = None) -> Transition:
    """Apply `action` to `obj` as `actor` (None: the system) and audit it; flushes, never commits.

    With `lock` (the default) the row is locked and re-read first, so two requests cannot both
    move it from the same status. The lock is FOR NO KEY UPDATE: it still excludes another fire(),
    but not the FOR KEY SHARE lock PostgreSQL's foreign-key check takes when another transaction
    inserts a row pointing at this one (an audit event, a payment); plain FOR UPDATE deadlocks there.
    `role` overrides the actor's own (a creditor's staff acting as the creditor's side, say).
    `changes` are other columns set in the same step (a timestamp, a reason), after the check.
    The audit event is `f"{machine.event}.{action}"` on the row's case (or `case`).
    """
    if lock and obj in db.session:
        db.session.flush()
        if db.inspect(obj).persistent:
            db.session.refresh(obj, with_for_update={"key_share": True})
    t = machine.check(obj, action, role or role_of(actor))
    before = machine.status_of(obj)
    setattr(obj, machine.attr, t.target)
    for key, value in (changes or {}).items():
        setattr(obj, key, value)
    if hasattr(obj, "status_changed_at"):
        obj.status_changed_at = utcnow()
    body = {"from": before.value, "to": t.target.value, **(payload or {})}
    if machine.name != "case" and getattr(obj, "id", None) is not None:
        body.setdefault(f"{machine.name}_id", obj.id)
    audit.record(_event_name(machine, action), actor=actor, case=_case_of(machine, obj, case), payload=body)
    return t


def begin(machine: Machine, obj: Any, status: enum.Enum, actor: Any | None, *,
          action: str | None = "created", payload: dict | None = None, case: Any | None = None) -> Any:
    """Give a new row its first status; with `action`, audit its creation. Returns `obj`.

    The row is added to the session. `action=None` skips the audit event, for a row whose creation
    the calling service already records under its own, established event name.
    """
    if status not in machine.initial:
        raise RuntimeError(f"{machine.name} cannot start as {status!r}")
    setattr(obj, machine.attr, status)
    db.session.add(obj)
    if action is not None:
        db.session.flush()
        body = {"to": status.value, **(payload or {})}
        body.setdefault(f"{machine.name}_id", obj.id)
        audit.record(_event_name(machine, action), actor=actor, case=_case_of(machine, obj, case),
                     payload=body)
    return obj

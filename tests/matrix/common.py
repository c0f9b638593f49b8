"""What every matrix entry is made of. Route areas keep their entries in their own module here
(`tests/matrix/<area>.py`, a dict called ROUTES and, if the area has public routes, PUBLIC);
tests/test_authorization_matrix.py gathers them all."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.cases.states import CaseStatus
from tests.accounts.parties import ACTORS, CREDITORS, RIGHT_PARTIES, STRANGERS

S = CaseStatus
LOGGED_IN = frozenset(ACTORS) - {"anonymous"}
ADVOCATES = frozenset({"advocate", "unengaged_advocate", "unassigned_advocate"})
ORG_ADMINS = frozenset({"creditor_admin", "other_creditor"})
ALL_CREDITORS = CREDITORS | {"other_creditor"}
VIEWERS = frozenset(RIGHT_PARTIES)  # everyone with a part in the case
NOBODY: frozenset[str] = frozenset()
OTHER_ORG = frozenset({"other_creditor"})
WITHOUT_TOTP = ALL_CREDITORS | {"debtor", "other_debtor"}  # TOTP is optional for these roles


@dataclass(frozen=True)
class Probe:
    """One request to one route, and the status each allowed user gets."""

    path: Callable[[Any], str]
    ok: Mapping[str, int]
    form: Callable[[Any], dict] | None = None
    json: Callable[[Any], dict] | None = None
    # Strangers to the object the route touches: they get exactly 404 (its existence stays hidden).
    hidden_from: frozenset[str] = frozenset(STRANGERS)
    # Users let in today who should not be: strict xfail cells, so the fix flips them red→green.
    known_gaps: Mapping[str, str] = field(default_factory=dict)


def allow(actors, status: int, **more: int) -> dict[str, int]:
    return {**{a: status for a in actors}, **more}


def case_url(status: S = S.FILED, suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/cases/{w.case(status).reference}{suffix}"

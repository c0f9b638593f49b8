"""What every matrix entry is made of. Route areas keep their entries in their own module here
(`tests/matrix/<area>.py`, a dict called ROUTES and, if the area has public routes, PUBLIC);
tests/test_authorization_matrix.py gathers them all."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from portal.cases.states import CaseStatus
from portal.extensions import db, limiter
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


@contextmanager
def undone(client) -> Iterator[None]:
    """Whatever happens inside, requests included, is rolled back afterwards, and the client is
    signed out: one route's world (its case, notice, users) is built once and tried by each user
    in turn, each seeing it as it was built (tests/conftest.py's `db_session` holds the connection
    every session of the test, the requests' included, works in)."""
    db.session.commit()
    savepoint = db.session.get_bind().begin_nested()
    limiter.reset()  # a throttle (429) would hide the handler behind it
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        with client.session_transaction() as sess:
            sess.clear()


def warm(world, probe: Probe, actors) -> str:
    """Build, before any `undone` block, everything the probe and the users need that the world
    keeps (its users, its one case per status): built inside a block, it would be rolled back while
    the world still held it. Gives the probe's path (built once: it may build what it names)."""
    for actor in actors:
        world.user(actor)
    path = probe.path(world)
    for build in (probe.form, probe.json):
        if build is not None:
            build(world)
    return path

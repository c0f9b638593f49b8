"""Concurrent writers on PostgreSQL: threads with their own app contexts and real commits, lined up
on a barrier. The chains must not fork, and a transition fired twice at once happens once.

These tests commit, so they run on a scratch database of their own (created and dropped here):
the session database, and every later test that counts its events, never sees their rows."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from portal import audit
from portal.accounts.models import User
from portal.audit import GENESIS, AuditEvent
from portal.cases.models import Case
from portal.cases.states import CaseStatus, IllegalTransition
from portal.cases.transitions import fire
from portal.database import commit, rollback
from portal.extensions import db
from tests.factories import CaseFactory, CreditorFactory
from tests.scratch_db import scratch_app, scratch_database

pytestmark = pytest.mark.postgres

THREADS = 4
ROUNDS = 5
HOLD = 0.05  # seconds a writer keeps its locks before committing, so the others pile up behind


@pytest.fixture(scope="module")
def committing_app(app, database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrency")
    with scratch_database(database_url, folder) as url, scratch_app(url, folder) as scratch:
        with scratch.app_context():
            upgrade(revision="heads")
        yield scratch


def run_together(app, jobs: list[Callable[[threading.Barrier], object]], timeout: float = 60) -> list:
    """Run each job in its own thread and app context (so its own session and connection);
    jobs call barrier.wait() once they are ready to collide. Returns results or exceptions."""
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    results: list = [None] * len(jobs)

    def worker(index: int, job) -> None:
        with app.app_context():
            try:
                results[index] = job(barrier)
            except Exception as exc:  # noqa: BLE001 - handed back to the test to assert on
                rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a writer is stuck (deadlock?)"
    return results


def fresh_case(app, **kwargs) -> tuple[int, int]:
    with app.app_context():
        creditor = CreditorFactory()
        case = CaseFactory(creditor=creditor.organization, **kwargs)
        commit()
        ids = case.id, creditor.id
        db.session.remove()
    return ids


def test_concurrent_writers_never_fork_a_chain(committing_app):
    # Runs first on an empty ledger: the global head and the case's head do not exist yet,
    # so the writers also race to create them.
    case_id, _ = fresh_case(committing_app)

    def append(thread: int):
        def job(barrier):
            case = db.session.get(Case, case_id)
            barrier.wait()
            for round_ in range(ROUNDS):
                audit.record("test.concurrent", actor=None, case=case if round_ % 2 == 0 else None,
                             payload={"thread": thread, "round": round_})
                time.sleep(HOLD)
                commit()
            return "done"
        return job

    assert run_together(committing_app, [append(i) for i in range(THREADS)]) == ["done"] * THREADS

    with committing_app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
        mine = [e for e in events if e.action == "test.concurrent"]
        assert len(mine) == THREADS * ROUNDS
        # Each thread's own events keep their order, and the threads really interleaved.
        by_thread = {i: [e.data["round"] for e in mine if e.data["thread"] == i] for i in range(THREADS)}
        assert all(rounds == list(range(ROUNDS)) for rounds in by_thread.values())
        order = [e.data["thread"] for e in mine]
        assert any(order[i] != order[i + 1] for i in range(len(order) - 1))

        chain = audit.events_for_case(case_id)
        assert len(chain) == THREADS * len(range(0, ROUNDS, 2))
        assert [e.case_seq for e in chain] == list(range(1, len(chain) + 1))
        assert chain[0].case_prev_hash == GENESIS
        assert all(b.case_prev_hash == a.case_hash for a, b in zip(chain, chain[1:], strict=False))
        report = audit.verify()
        assert report.ok, report.problems
        db.session.remove()


def test_the_same_transition_fired_at_once_happens_once(committing_app):
    case_id, creditor_id = fresh_case(committing_app)

    def file_claim(barrier):
        case, creditor = db.session.get(Case, case_id), db.session.get(User, creditor_id)
        assert case.status == CaseStatus.DRAFT  # every thread starts from the same stale view
        barrier.wait()
        fire(case, "file", creditor)
        time.sleep(HOLD * 4)  # hold the case's row lock while the others try
        commit()
        return "filed"

    results = run_together(committing_app, [file_claim] * 3)
    assert results.count("filed") == 1, results
    refused = [r for r in results if r != "filed"]
    assert all(isinstance(r, IllegalTransition) for r in refused), refused
    assert all(str(r) == "“File the claim” is not possible while the case is filed." for r in refused)

    with committing_app.app_context():
        assert db.session.get(Case, case_id).status == CaseStatus.FILED
        assert [e.action for e in audit.events_for_case(case_id)] == ["case.file"]
        assert audit.verify().ok
        db.session.remove()


def test_transitions_and_notes_on_one_case_interleave_cleanly(committing_app):
    """A transition (case row lock, then the ledger) racing plain audit notes (ledger only) on the
    same case: no deadlock, every write lands, both chains stay whole."""
    case_id, creditor_id = fresh_case(committing_app)

    def withdraw(barrier):
        case, creditor = db.session.get(Case, case_id), db.session.get(User, creditor_id)
        barrier.wait()
        fire(case, "withdraw", creditor)
        time.sleep(HOLD)
        commit()
        return "withdrawn"

    def note(barrier):
        case = db.session.get(Case, case_id)
        barrier.wait()
        audit.record("test.note", actor=None, case=case, payload={})
        time.sleep(HOLD)
        commit()
        return "noted"

    results = run_together(committing_app, [withdraw, note, note, note])
    assert sorted(map(str, results)) == ["noted", "noted", "noted", "withdrawn"], results
    with committing_app.app_context():
        chain = audit.events_for_case(case_id)
        assert sorted(e.action for e in chain) == ["case.withdraw", "test.note", "test.note", "test.note"]
        assert [e.case_seq for e in chain] == [1, 2, 3, 4]
        assert audit.verify().ok
        db.session.remove()

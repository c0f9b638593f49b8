"""Damage done behind the ORM's back is found: `audit.verify()` and `flask audit verify` name the
first broken link of the global chain and of the case's chain, and the command exits 1."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import audit
from portal.audit import chain_hash
from portal.audit_check import LEDGER_COLUMNS, Break, stored_entry
from tests.audit.conftest import behind_the_orm
from tests.conftest import BACKEND

EDITED = "edited after it was written"


def cli_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def breaks_by_chain() -> dict[str, Break]:
    report = audit.verify()
    assert not report.ok
    return {b.chain: b for b in report.breaks}


EDITS = {
    "payload": "UPDATE audit_events SET payload = '{\"from\":\"filed\",\"to\":\"paid\"}' WHERE id = :id",
    "action": "UPDATE audit_events SET action = 'case.withdraw' WHERE id = :id",
    "actor": "UPDATE audit_events SET actor_role = 'admin' WHERE id = :id",
    "created_at": ("UPDATE audit_events SET created_at = created_at + interval '1 second' WHERE id = :id"
                   if BACKEND == "postgresql" else
                   "UPDATE audit_events SET created_at = datetime(created_at, '+1 second') WHERE id = :id"),
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_an_edited_event_breaks_both_its_chains(app, ledger, db_session, column):
    victim = ledger.case_events(ledger.case)[1]  # case.start_notice: mid-chain in both chains
    behind_the_orm(db_session, EDITS[column], id=victim.id)

    found = breaks_by_chain()
    assert set(found) == {"global", f"case:{ledger.case.id}"}
    glob, case = found["global"], found[f"case:{ledger.case.id}"]
    assert (glob.position, glob.event_id) == (victim.seq, victim.id)
    assert (case.position, case.event_id, case.case_reference) == (2, victim.id, ledger.case.reference)
    assert EDITED in glob.reason and EDITED in case.reason
    assert str(glob) == (f"global chain, event #{victim.seq} (audit event id {victim.id}): "
                         f"its contents ({victim.action if column != 'action' else 'case.withdraw'}) "
                         f"do not match its hash: {EDITED}")

    result = cli_verify(app)
    assert result.exit_code == 1
    assert f"BROKEN: global chain, event #{victim.seq} (audit event id {victim.id})" in result.stderr
    assert (f"BROKEN: case {ledger.case.reference} chain (case id {ledger.case.id}), event #2 "
            f"(audit event id {victim.id})") in result.stderr
    assert "2 broken chain(s)" in result.stderr


def test_an_edit_to_a_platform_event_breaks_only_the_global_chain(app, ledger, db_session):
    [platform] = [e for e in ledger.events if e.case_id is None]
    behind_the_orm(db_session, "UPDATE audit_events SET payload = '{}' WHERE id = :id", id=platform.id)
    [only] = audit.verify().breaks
    assert (only.chain, only.position, only.event_id) == ("global", platform.seq, platform.id)


def test_a_payload_that_is_no_longer_json_is_reported_not_raised(app, ledger, db_session):
    victim = ledger.case_events(ledger.other_case)[0]
    behind_the_orm(db_session, "UPDATE audit_events SET payload = 'not json' WHERE id = :id", id=victim.id)
    found = breaks_by_chain()
    assert found["global"].reason == f"its payload is not valid JSON: {EDITED}"
    assert found[f"case:{ledger.other_case.id}"].position == 1
    assert cli_verify(app).exit_code == 1


@pytest.mark.skipif(BACKEND != "sqlite", reason="PostgreSQL cannot store a malformed timestamp")
def test_an_unreadable_timestamp_is_reported_not_raised(app, ledger, db_session):
    victim = ledger.events[0]
    behind_the_orm(db_session, "UPDATE audit_events SET created_at = 'yesterday' WHERE id = :id", id=victim.id)
    assert breaks_by_chain()["global"].reason == f"its timestamp is unreadable: {EDITED}"


def test_a_deleted_middle_event_leaves_a_gap(app, ledger, db_session):
    victim = ledger.case_events(ledger.case)[1]
    behind_the_orm(db_session, "DELETE FROM audit_events WHERE id = :id", id=victim.id)

    found = breaks_by_chain()
    assert set(found) == {"global", f"case:{ledger.case.id}"}
    assert (found["global"].position, found["global"].reason) == (
        victim.seq, f"event #{victim.seq} is missing (the next one found is #{victim.seq + 1})")
    assert (found[f"case:{ledger.case.id}"].position, found[f"case:{ledger.case.id}"].reason) == (
        2, "event #2 is missing (the next one found is #3)")
    result = cli_verify(app)
    assert result.exit_code == 1 and f"event #{victim.seq} is missing" in result.stderr


def test_a_deleted_last_event_is_caught_by_the_chain_heads(app, ledger, db_session):
    last = ledger.events[-1]  # case.withdraw on the other case: the end of both its chains
    behind_the_orm(db_session, "DELETE FROM audit_events WHERE id = :id", id=last.id)

    found = breaks_by_chain()
    assert (found["global"].position, found["global"].event_id) == (last.seq, None)
    assert found["global"].reason == (f"the chain's head records {last.seq} events but {last.seq - 1} "
                                      "were found (events at the end were removed)")
    case = found[f"case:{ledger.other_case.id}"]
    assert (case.position, case.case_reference) == (2, ledger.other_case.reference)


def test_a_case_whose_events_all_vanished_is_caught(app, ledger, db_session):
    behind_the_orm(db_session, "DELETE FROM audit_events WHERE case_id = :case", case=ledger.other_case.id)
    found = breaks_by_chain()
    assert found[f"case:{ledger.other_case.id}"].reason.startswith("the chain's head records 2 events but 0")


def test_a_rehashed_event_is_caught_at_the_next_link(app, ledger, db_session):
    """An intruder who edits an event and recomputes its own hash still breaks the next event's link."""
    [platform] = [e for e in ledger.events if e.case_id is None]
    behind_the_orm(db_session, "UPDATE audit_events SET payload = '{\"note\":\"nothing\"}' WHERE id = :id",
                   id=platform.id)
    row = db_session.execute(select(*LEDGER_COLUMNS).where(audit.AuditEvent.id == platform.id)).one()
    forged = chain_hash(row.prev_hash, stored_entry(row))
    behind_the_orm(db_session, "UPDATE audit_events SET hash = :h WHERE id = :id", h=forged, id=platform.id)

    [only] = audit.verify().breaks
    assert (only.chain, only.position) == ("global", platform.seq + 1)
    assert only.reason.startswith(f"its prev_hash does not match the hash of event #{platform.seq}")


def test_the_damage_stays_inside_the_test(app, ledger):
    """Each test above ran in its own rolled-back transaction: the session's ledger is whole."""
    assert audit.verify().ok
    assert cli_verify(app).exit_code == 0

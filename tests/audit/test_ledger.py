"""The ledger as written: global and per-case chains, hashes that recompute from the stored rows,
canonical JSON, and verification of a healthy ledger (function, CLI and nightly task)."""
from __future__ import annotations

import enum
import hashlib
import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from portal import audit
from portal.accounts.roles import Role
from portal.audit import GENESIS, GLOBAL_CHAIN, AuditEvent, AuditHead, canonical_json
from portal.cases.states import CaseStatus
from portal.tasks import verify_audit_ledger
from tests.factories import CaseFactory


def test_events_chain_globally(ledger, db_session):
    seqs = [e.seq for e in ledger.events]
    assert seqs == list(range(ledger.start + 1, ledger.start + 7))
    before = db_session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == ledger.start))
    assert ledger.events[0].prev_hash == (before or GENESIS)
    for earlier, later in zip(ledger.events, ledger.events[1:], strict=False):
        assert later.prev_hash == earlier.hash
    assert len({e.hash for e in ledger.events}) == 6


def test_events_chain_per_case(ledger):
    for case, actions in ((ledger.case, ["case.file", "case.start_notice", "test.note"]),
                          (ledger.other_case, ["test.amount", "case.withdraw"])):
        events = ledger.case_events(case)
        assert [e.action for e in events] == actions
        assert [e.case_seq for e in events] == list(range(1, len(actions) + 1))
        assert events[0].case_prev_hash == GENESIS
        for earlier, later in zip(events, events[1:], strict=False):
            assert later.case_prev_hash == earlier.case_hash
    [platform] = [e for e in ledger.events if e.case_id is None]
    assert (platform.case_seq, platform.case_prev_hash, platform.case_hash) == (None, None, None)


def test_heads_point_at_the_last_event_of_each_chain(ledger, db_session):
    heads = {h.chain: h for h in db_session.scalars(select(AuditHead))}
    last = ledger.events[-1]
    assert (heads[GLOBAL_CHAIN].seq, heads[GLOBAL_CHAIN].hash) == (last.seq, last.hash)
    for case in (ledger.case, ledger.other_case):
        final = ledger.case_events(case)[-1]
        assert (heads[f"case:{case.id}"].seq, heads[f"case:{case.id}"].hash) == (final.case_seq, final.case_hash)


def recomputed_entry(row) -> str:
    """The entry as the ledger's docstring defines it, rebuilt here independently of portal.audit."""
    created = row.created_at
    created = datetime.fromisoformat(created) if isinstance(created, str) else created
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    return json.dumps({
        "seq": row.seq, "case_id": row.case_id, "case_seq": row.case_seq, "actor_id": row.actor_id,
        "actor_role": row.actor_role, "action": row.action, "payload": json.loads(row.payload),
        "created_at": created.astimezone(UTC).isoformat(timespec="microseconds"),
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text_: str) -> str:
    return hashlib.sha256(text_.encode()).hexdigest()


def test_hashes_recompute_from_the_stored_rows(ledger, db_session):
    rows = db_session.execute(text("SELECT * FROM audit_events WHERE seq > :s ORDER BY seq"),
                              {"s": ledger.start}).all()
    assert len(rows) == 6
    for row in rows:
        entry = recomputed_entry(row)
        assert row.hash == sha256(row.prev_hash + entry)
        if row.case_id is not None:
            assert row.case_hash == sha256(row.case_prev_hash + entry)
    amount = next(r for r in rows if r.action == "test.amount")
    assert json.loads(amount.payload) == {"amount": "1500.50", "due": "2026-03-01"}
    platform = next(r for r in rows if r.action == "test.platform")
    assert "नोटिस भेजा गया" in platform.payload  # stored as UTF-8 text, not \\u escapes
    transition = next(r for r in rows if r.action == "case.file")
    assert (json.loads(transition.payload), transition.actor_role, transition.actor_id) == (
        {"from": "draft", "to": "filed"}, "creditor", ledger.creditor.id)


class Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize("value,expected", [
    ({"b": 1, "a": 2}, '{"a":2,"b":1}'),
    ({"amount": Decimal("1500.50")}, '{"amount":"1500.50"}'),
    ({"amount": Decimal("0.10") + Decimal("0.20")}, '{"amount":"0.30"}'),
    ({"on": date(2026, 3, 1)}, '{"on":"2026-03-01"}'),
    ({"at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC)}, '{"at":"2026-03-01T09:30:00+00:00"}'),
    ({"at": datetime(2026, 3, 1, 15, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))},
     '{"at":"2026-03-01T15:00:00+05:30"}'),
    ({"status": CaseStatus.FILED, "role": Role.ADVOCATE, "colour": Colour.RED},
     '{"colour":"red","role":"advocate","status":"filed"}'),
    ({"name": "कावेरी टेक्सटाइल्स"}, '{"name":"कावेरी टेक्सटाइल्स"}'),
    ({"list": (1, "two", None, True)}, '{"list":[1,"two",null,true]}'),
])
def test_canonical_json_has_one_spelling(value, expected):
    assert canonical_json(value) == expected


@pytest.mark.parametrize("value,message", [
    (1.5, r"floats are not allowed in audit payloads \(payload\)"),
    ({"rate": 18.0}, r"floats are not allowed .*\(payload\.rate\)"),
    ({"rows": [{"x": Decimal(1)}, {"x": 0.1}]}, r"\(payload\.rows\[1\]\.x\)"),
    ({"amount": Decimal("NaN")}, "cannot put Decimal NaN"),
    ({"ids": {1, 2}}, "cannot put set in an audit payload"),
    ({"user": object()}, "cannot put object in an audit payload"),
])
def test_canonical_json_refuses_what_has_no_single_spelling(value, message):
    with pytest.raises(TypeError, match=message):
        canonical_json(value)


def test_a_refused_payload_moves_no_head(ledger, db_session):
    heads = lambda: {h.chain: (h.seq, h.hash) for h in db_session.scalars(  # noqa: E731
        select(AuditHead).execution_options(populate_existing=True))}
    before = heads()
    with pytest.raises(TypeError, match="floats are not allowed"):
        audit.record("test.float", actor=None, case=ledger.case, payload={"rate": 9.5})
    with pytest.raises(TypeError):
        audit.record_many([("test.ok", None, {}), ("test.float", ledger.case, {"rate": 9.5})], actor=None)
    assert heads() == before
    assert audit.verify().ok


def test_record_many_appends_in_order_across_cases(ledger, db_session):
    third = CaseFactory()
    events = audit.record_many([("bulk.a", ledger.case, {"i": 1}), ("bulk.b", third, {"i": 2}),
                                ("bulk.c", None, {"i": 3}), ("bulk.d", ledger.case, {"i": 4})],
                               actor=None)
    last = ledger.events[-1].seq
    assert [e.seq for e in events] == [last + 1, last + 2, last + 3, last + 4]
    assert [(e.case_id, e.case_seq) for e in events] == [
        (ledger.case.id, 4), (third.id, 1), (None, None), (ledger.case.id, 5)]
    assert events[0].prev_hash == ledger.events[-1].hash and events[3].case_prev_hash == events[0].case_hash
    assert [e.action for e in audit.events_for_case(ledger.case.id)][-2:] == ["bulk.a", "bulk.d"]
    assert audit.verify().ok


def test_verify_passes_a_healthy_ledger(ledger):
    report = audit.verify()
    assert report.ok and report.breaks == [] and report.problems == []
    assert report.checked >= 6 and report.chains >= 3
    assert report.head_hash == ledger.events[-1].hash


def test_cli_verify_passes_a_healthy_ledger(app, ledger):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "ledger intact" in result.stdout and ledger.events[-1].hash in result.stdout
    assert result.stderr == ""


def test_nightly_task_reports_and_logs_the_head(ledger, caplog):
    with caplog.at_level(logging.INFO, logger="portal.tasks"):
        outcome = verify_audit_ledger.apply().get()
    assert outcome["ok"] is True and outcome["problems"] == []
    assert outcome["head"] == ledger.events[-1].hash
    assert any(ledger.events[-1].hash in r.getMessage() for r in caplog.records)

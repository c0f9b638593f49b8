"""The ledger's head leaves the database: a checkpoint seals {seq, hash, sealed_at, reason} with the
platform's key into the evidence store. Someone with database access who edits an event and
recomputes every later hash and the heads passes the chain walk, but not the checkpoints; a
checkpoint whose statement or signature was changed is reported; served notices and awards queue a
checkpoint after their commit; the daily one is e-mailed to creditor organisation administrators."""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.sign import signers
from sqlalchemy import select

from evidence import checkpoints
from evidence.checkpoints import AuditCheckpoint
from evidence.services import store
from evidence.tasks import seal_ledger_checkpoint
from portal import audit
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.audit import GENESIS, GLOBAL_CHAIN, chain_hash
from portal.audit_check import LEDGER_COLUMNS, stored_entry
from portal.database import commit, rollback
from portal.types import IST
from tests.audit.conftest import behind_the_orm
from tests.fakes.tsa_server import FakeTsa

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"


def cli_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def rewrite_and_rehash(session, event_id: int, payload: str) -> None:
    """What an intruder with write access does: edit one event, then recompute every hash of the
    global chain and of every case chain, and the heads, so that the chain walk finds nothing."""
    behind_the_orm(session, "UPDATE audit_events SET payload = :p WHERE id = :id", p=payload, id=event_id)
    rows = session.execute(select(*LEDGER_COLUMNS).order_by(audit.AuditEvent.seq)).all()
    prev, case_prev = GENESIS, {}
    for row in rows:
        entry = stored_entry(row)
        new = {"id": row.id, "prev": prev, "hash": chain_hash(prev, entry), "cprev": None, "chash": None}
        prev = new["hash"]
        if row.case_id is not None:
            new["cprev"] = case_prev.get(row.case_id, GENESIS)
            new["chash"] = case_prev[row.case_id] = chain_hash(new["cprev"], entry)
        behind_the_orm(session, "UPDATE audit_events SET prev_hash = :prev, hash = :hash, "
                       "case_prev_hash = :cprev, case_hash = :chash WHERE id = :id", **new)
    behind_the_orm(session, "UPDATE audit_heads SET hash = :h WHERE chain = :c", h=prev, c=GLOBAL_CHAIN)
    for case_id, head in case_prev.items():
        behind_the_orm(session, "UPDATE audit_heads SET hash = :h WHERE chain = :c", h=head, c=f"case:{case_id}")


def stored_document(checkpoint: AuditCheckpoint) -> dict:
    with store().open(checkpoint.document_sha256) as fh:
        return json.loads(fh.read())


def put_document(session, checkpoint: AuditCheckpoint, document: dict) -> None:
    """Replace the checkpoint's document (a new blob, the index row pointed at it behind the ORM)."""
    data = json.dumps(document).encode()
    sha = checkpoints.store_document(data)
    behind_the_orm(session, "UPDATE audit_checkpoints SET document_sha256 = :sha, seq = :seq, hash = :hash "
                   "WHERE id = :id", sha=sha, seq=document["statement"]["seq"],
                   hash=document["statement"]["hash"], id=checkpoint.id)


def test_a_checkpoint_seals_the_global_head_outside_the_database(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    head = db_session.get(audit.AuditHead, GLOBAL_CHAIN)
    assert (checkpoint.seq, checkpoint.hash) == (head.seq, head.hash) == (ledger.events[-1].seq,
                                                                          ledger.events[-1].hash)
    document = stored_document(checkpoint)
    assert set(document["statement"]) == {"format", "seq", "hash", "sealed_at", "reason"}
    assert document["statement"]["reason"] == "daily"
    signed = cms.ContentInfo.load(base64.b64decode(document["cms"]))["content"]
    assert signed["encap_content_info"]["content"].native is None  # detached
    report = audit.verify()
    assert report.ok and report.witnessed == 1
    result = cli_verify(app)
    assert result.exit_code == 0
    assert f"and 1 sealed checkpoint(s)\nledger intact; global head {head.hash}" in result.output


def test_a_head_already_sealed_is_not_sealed_again_after_a_served_notice(app, ledger, db_session):
    """Two transactions that each served a notice queue a checkpoint each; when the second added
    nothing after the first was sealed, it seals nothing (the same head, in the same second the same
    document). The daily checkpoint is sealed all the same."""
    first = checkpoints.seal_head("notice served")
    assert first is not None
    assert checkpoints.seal_head("notice served") is None
    daily = checkpoints.seal_head(checkpoints.DAILY)
    assert daily is not None and (daily.seq, daily.hash) == (first.seq, first.hash)
    assert len(db_session.scalars(select(AuditCheckpoint)).all()) == 2


def test_a_rewritten_and_rehashed_ledger_passes_the_chains_but_not_the_checkpoint(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    victim = ledger.case_events(ledger.case)[1]
    rewrite_and_rehash(db_session, victim.id, '{"from":"filed","to":"paid"}')

    report = audit.verify()
    assert report.breaks == []  # the chain walk alone is fooled
    [problem] = report.contradictions
    assert problem == (f"checkpoint #{checkpoint.id} (daily, event #{checkpoint.seq}): event #{checkpoint.seq} "
                       f"no longer has the sealed hash {checkpoint.hash[:16]}…: the ledger was rewritten "
                       "after this checkpoint")
    result = cli_verify(app)
    assert result.exit_code == 1
    assert f"BROKEN: {problem}" in result.stderr
    assert "1 checkpoint(s) contradict the ledger" in result.stderr
    assert "broken chain(s)" not in result.stderr


def test_a_checkpoint_repointed_at_the_rewritten_head_fails_its_signature(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    rewrite_and_rehash(db_session, ledger.events[0].id, '{"from":"draft","to":"withdrawn"}')
    document = stored_document(checkpoint)
    new_head = db_session.execute(select(audit.AuditHead.hash).where(
        audit.AuditHead.chain == GLOBAL_CHAIN).execution_options(populate_existing=True)).scalar_one()
    document["statement"]["hash"] = new_head  # the intruder has no seal key: the old signature stays
    put_document(db_session, checkpoint, document)

    [problem] = audit.verify().contradictions
    assert problem.endswith("its signature does not verify: the statement was changed after it was sealed")
    assert cli_verify(app).exit_code == 1


def test_a_checkpoint_signed_with_another_key_is_reported(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    document = stored_document(checkpoint)
    own = signers.SimpleSigner.load_pkcs12_data(make_demo_pkcs12("Not the platform", b"pw"), None, b"pw")
    forged = asyncio.run(own.async_sign_general_data(checkpoints.statement_bytes(document["statement"]),
                                                     "sha256", detached=True))
    document["cms"] = base64.b64encode(forged.dump()).decode()
    put_document(db_session, checkpoint, document)
    [problem] = audit.verify().contradictions
    assert problem.endswith("it is not signed with the platform's seal key")


def test_a_damaged_signature_or_a_missing_document_is_reported_not_raised(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    document = stored_document(checkpoint)
    document["cms"] = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    put_document(db_session, checkpoint, document)
    [problem] = audit.verify().contradictions
    assert "its signature cannot be read" in problem, problem
    missing = "ab" * 32
    behind_the_orm(db_session, "UPDATE audit_checkpoints SET document_sha256 = :s WHERE id = :id",
                   s=missing, id=checkpoint.id)
    [problem] = audit.verify().contradictions
    assert problem.endswith(f"its document {missing} is missing from the evidence store")


def test_an_altered_document_in_the_store_is_reported(app, ledger, db_session):
    checkpoint = checkpoints.seal_head("daily")
    path = Path(app.config["EVIDENCE_STORE"].removeprefix("fs:")) / checkpoint.document_sha256[:2] / \
        checkpoint.document_sha256[2:4] / checkpoint.document_sha256
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes().replace(b'"daily"', b'"weekly"'))
    [problem] = audit.verify().contradictions
    assert problem.endswith("its document in the evidence store was altered")


def test_a_served_notice_queues_a_checkpoint_after_its_commit(app, db_session, ledger):
    event = audit.record("case.serve_notice", actor=None, case=ledger.case, payload={"notice_id": None})
    assert db_session.scalars(select(AuditCheckpoint)).all() == []  # never inside the ledger's transaction
    commit()
    [checkpoint] = db_session.scalars(select(AuditCheckpoint)).all()
    assert (checkpoint.seq, checkpoint.hash, checkpoint.reason) == (event.seq, event.hash, "notice served")


def test_a_rolled_back_award_seals_nothing(app, db_session, ledger):
    commit()
    audit.record("award.served", actor=None, case=ledger.case, payload={"award_id": 1})
    rollback()
    commit()
    assert db_session.scalars(select(AuditCheckpoint)).all() == []


def test_the_daily_checkpoint_is_mailed_to_creditor_administrators(app, db_session, ledger, outbox):
    commit()
    result = seal_ledger_checkpoint("daily")
    assert result["sealed"] and result["mailed"] >= 1
    mails = [m for m in outbox() if ledger.creditor.email in m["To"]]
    [mail] = mails
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == f"Sulah ledger checkpoint #{result['seq']}"
    assert result["hash"] in body and result["document_sha256"] in body


def test_the_checkpoint_mail_matches_its_snapshot(app):
    checkpoint = AuditCheckpoint(seq=4211, hash="9f" * 32, document_sha256="3c" * 32, reason="daily",
                                 created_at=dt.datetime(2026, 12, 6, 18, 30, tzinfo=dt.UTC))
    user = type("U", (), {"name": "Asha Verma",
                          "organization": type("O", (), {"legal_name": "Verma Fasteners Pvt Ltd"})()})()
    with app.test_request_context():
        from flask import render_template

        text = render_template("email/ledger_checkpoint.txt", checkpoint=checkpoint, user=user,
                               sealed_at=checkpoint.created_at.astimezone(IST).strftime("%d %b %Y, %H:%M IST"))
    path = SNAPSHOTS / "ledger_checkpoint.txt"
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text)
    assert path.exists(), f"no snapshot {path}: run with SULAH_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text()


@pytest.fixture
def tsa(app, monkeypatch):
    server = FakeTsa(fixed_time=dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=2))
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", server.url)
    yield server
    server.stop()


def test_with_a_tsa_the_checkpoint_carries_an_rfc3161_timestamp(app, ledger, db_session, tsa):
    checkpoint = checkpoints.seal_head("notice served")
    signed = cms.ContentInfo.load(base64.b64decode(stored_document(checkpoint)["cms"]))["content"]
    unsigned = signed["signer_infos"][0]["unsigned_attrs"].native
    [token] = [a for a in unsigned if a["type"] == "signature_time_stamp_token"]
    assert token["values"] and tsa.issued
    assert audit.verify().ok
    assert hashlib.sha256(json.dumps(stored_document(checkpoint), indent=1, sort_keys=True).encode()) \
        .hexdigest() == checkpoint.document_sha256


def test_without_the_seal_key_the_checkpoints_are_reported_unchecked(app, ledger, db_session, monkeypatch):
    checkpoints.seal_head("daily")
    monkeypatch.setitem(app.config, "PLATFORM_SEAL_PKCS12", "/nonexistent/seal.p12")
    [problem] = audit.verify().contradictions
    assert problem == ("the 1 checkpoint(s) cannot be checked: The platform seal certificate "
                       "(PLATFORM_SEAL_PKCS12) cannot be read.")
    assert cli_verify(app).exit_code == 1

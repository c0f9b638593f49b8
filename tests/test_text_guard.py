"""A NUL character in any text or JSON field is refused at flush on both databases, nothing stored."""
from __future__ import annotations

import pytest

from portal import audit
from portal.extensions import db
from portal.text_guard import NulInText, _has_nul
from tests.factories import CreditorFactory, PartyFactory


def test_nul_in_a_text_column_is_refused_and_nothing_is_stored(db_session):
    creditor = CreditorFactory()
    party = PartyFactory(created_by_org_id=creditor.org_id, legal_name="Clean Traders")
    db.session.flush()
    party_id = party.id
    party.legal_name = "Bad\x00 Traders"
    with pytest.raises(NulInText, match="NUL"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(type(party), party_id) is None  # the whole transaction went


def test_nul_is_found_anywhere_in_json_values():
    assert _has_nul({"a": ["fine", {"b": "not\x00fine"}]})
    assert _has_nul({"key\x00": 1})
    assert not _has_nul({"a": ["fine", 1, None, {"b": "श्री\t₹"}]})


def test_an_audit_payload_keeps_a_nul_escaped_not_raw(db_session):
    (event,) = audit.record_many([("test.nul", None, {"reason": "not\x00fine"})], actor=None)
    db.session.flush()
    assert "\x00" not in event.payload and "\\u0000" in event.payload


def test_text_without_nul_passes(db_session):
    creditor = CreditorFactory()
    party = PartyFactory(created_by_org_id=creditor.org_id, legal_name="श्री Traders\t(₹)")
    db.session.flush()
    assert party.id is not None

"""The notices' lifecycle tables: what each row may start as, and what each action allows."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from notices.bulk.states import BATCH_ITEM, BatchItemStatus
from notices.mandates.states import MANDATE, MandateStatus
from notices.serving.states import DISPATCH, DispatchStatus
from notices.signing.states import CEREMONY, ENDED, SETTLEMENT_CEREMONY, CeremonyStatus
from notices.states import NOTICE, NoticeStatus
from portal import lifecycle
from portal.accounts.roles import Role
from portal.types import utcnow

MACHINES = (NOTICE, DISPATCH, BATCH_ITEM, CEREMONY, SETTLEMENT_CEREMONY, MANDATE)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_registered_and_windows_come_from_the_table(machine):
    assert lifecycle.MACHINES[machine.name] is machine
    for t in machine.transitions:
        assert machine.sources(t.action) == t.sources


def test_a_notice_is_born_drafting_never_in_between():
    # (An award, born signed, is a served document of its own: notices/serving/documents.py.)
    assert NOTICE.initial == {NoticeStatus.DRAFTING}
    S = NoticeStatus
    path = [("submitted", S.DRAFTING, Role.CREDITOR), ("changes_requested", S.IN_REVIEW, Role.ADVOCATE),
            ("version_drafted", S.CHANGES_REQUESTED, Role.CREDITOR), ("approved", S.IN_REVIEW, Role.ADVOCATE),
            ("signed", S.APPROVED, Role.ADVOCATE)]
    for action, status, role in path:
        assert NOTICE.allows(SimpleNamespace(status=status), action, role), action
    assert not NOTICE.allows(SimpleNamespace(status=S.DRAFTING), "approved", Role.ADVOCATE)
    assert not NOTICE.allows(SimpleNamespace(status=S.IN_REVIEW), "approved", Role.CREDITOR)
    assert not NOTICE.allows(SimpleNamespace(status=S.SIGNED), "version_drafted", Role.CREDITOR)


def test_a_live_claim_is_not_taken_again_an_expired_one_is():
    now = utcnow()
    live = SimpleNamespace(status=DispatchStatus.SENDING, claimed_until=now + timedelta(minutes=1))
    expired = SimpleNamespace(status=DispatchStatus.SENDING, claimed_until=now - timedelta(seconds=1))
    queued = SimpleNamespace(status=DispatchStatus.QUEUED, claimed_until=None)
    assert not DISPATCH.allows(live, "claim", Role.SYSTEM)
    assert DISPATCH.allows(expired, "claim", Role.SYSTEM)
    assert DISPATCH.allows(queued, "claim", Role.SYSTEM)
    assert not DISPATCH.allows(queued, "claim", Role.CREDITOR)
    sent = SimpleNamespace(status=DispatchStatus.SENT, claimed_until=None)
    assert not DISPATCH.allows(sent, "claim", Role.SYSTEM)
    assert DISPATCH.allows(sent, "undeliverable", Role.SYSTEM)
    assert DISPATCH.sources("posted") == {DispatchStatus.QUEUED}


def test_batch_items_and_mandates_move_once():
    for action in ("item_drafted", "item_failed"):
        assert BATCH_ITEM.allows(SimpleNamespace(status=BatchItemStatus.QUEUED), action, Role.SYSTEM)
        assert not BATCH_ITEM.allows(SimpleNamespace(status=BatchItemStatus.DRAFTED), action, Role.SYSTEM)
    assert MANDATE.allows(SimpleNamespace(status=MandateStatus.AWAITING_ADVOCATE), "countersigned", Role.ADVOCATE)
    assert not MANDATE.allows(SimpleNamespace(status=MandateStatus.AWAITING_ADVOCATE), "countersigned",
                              Role.CREDITOR)
    assert not MANDATE.allows(SimpleNamespace(status=MandateStatus.IN_FORCE), "countersigned", Role.ADVOCATE)


def test_a_ceremony_ends_once_and_names_its_document_in_the_ledger():
    assert CEREMONY.transitions == SETTLEMENT_CEREMONY.transitions
    assert (CEREMONY.event, SETTLEMENT_CEREMONY.event) == ("notice", "settlement")
    for status, action in ENDED.items():
        assert CEREMONY.transition_for(action).target == status
        assert not CEREMONY.allows(SimpleNamespace(status=status), "signing_completed", Role.ADVOCATE)
    assert CEREMONY.allows(SimpleNamespace(status=CeremonyStatus.PENDING), "signing_completed", Role.DEBTOR)

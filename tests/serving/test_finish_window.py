"""The finish window: the provider's acceptance is recorded on its own right after the send, so a
fault in what follows (the case transition, the timeline) never sends the notice again, and the
notice is served from the first acceptance's time. A resend (the acceptance itself was lost)
carries the same personal link."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from notices.serving import dispatch as dispatching
from notices.serving import dispatch_runner
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, ServiceTerms
from notices.serving.states import DispatchStatus
from notices.serving.tasks import due_dispatch_ids
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.debtor.models import DebtorLink
from portal.extensions import db
from portal.types import utcnow
from tests.serving.helpers import signed_notice

LINK = re.compile(r"http://[^/\s]+/n/([A-Za-z0-9_-]{20,})")


def debtor_mails(outbox):
    return [m for m in outbox() if m["To"] == "debtor@example.in"]


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch):
    monkeypatch.setattr(dispatch_runner.time, "sleep", lambda _s: None)


def test_a_fault_in_the_finish_step_does_not_resend_and_keeps_the_first_acceptance(db_session, outbox,
                                                                                  monkeypatch):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    attempts = []

    def lock_timeout(*_args, **_kwargs):  # the case row (or the ledger's head) is held elsewhere
        attempts.append(1)
        raise OperationalError("UPDATE cases", {}, Exception("canceling statement due to lock timeout"))

    monkeypatch.setattr(dispatch_runner, "fire", lock_timeout)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()  # eager: the send task runs here
    assert len(attempts) == dispatch_runner.SETTLE_TRIES
    db.session.expire_all()
    dispatch = db.session.get(Dispatch, dispatch.id)
    first = dispatch.accepted_at
    assert first is not None and dispatch.status == DispatchStatus.SENDING
    assert dispatch.provider == "smtp" and dispatch.provider_message_id
    assert b"250" in dispatch.accepted_reply
    assert case.status == CaseStatus.NOTICE_SIGNED
    assert len(debtor_mails(outbox)) == 1
    monkeypatch.undo()
    monkeypatch.setattr(dispatch_runner.time, "sleep", lambda _s: None)

    # The sweep finds the accepted, unsettled dispatch (its claim has not even lapsed) ...
    later = first + timedelta(minutes=1)
    assert dispatch.id in due_dispatch_ids(now=later)
    db.session.execute(update(Dispatch).where(Dispatch.id == dispatch.id)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    commit()
    # ... and the next run settles it from the recorded acceptance, without sending again.
    assert dispatch_runner.run(dispatch.id).result == "sent"
    assert dispatch_runner.run(dispatch.id).result == "done"
    assert len(debtor_mails(outbox)) == 1
    db.session.expire_all()
    dispatch = db.session.get(Dispatch, dispatch.id)
    assert dispatch.status == DispatchStatus.SENT and dispatch.sent_at == first
    assert db.session.get(ServiceTerms, notice.id).first_dispatched_at == first
    (dispatched,) = db.session.scalars(select(DeliveryEvent).where(
        DeliveryEvent.notice_id == notice.id, DeliveryEvent.kind == EventKind.DISPATCHED))
    assert dispatched.occurred_at == first and dispatched.provider_ref == dispatch.provider_message_id
    assert b"250" in dispatched.raw
    db.session.refresh(case)
    assert case.status == CaseStatus.NOTICE_SERVED
    assert dispatch.id not in due_dispatch_ids(now=later)


def test_a_resend_after_a_lost_acceptance_carries_the_same_personal_link(db_session, outbox, monkeypatch):
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    real_accept = dispatch_runner._accept

    def killed(*_args, **_kwargs):  # the worker dies right after the provider's 250
        raise RuntimeError("worker lost before recording the acceptance")

    monkeypatch.setattr(dispatch_runner, "_accept", killed)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    with pytest.raises(RuntimeError):
        commit()
    monkeypatch.setattr(dispatch_runner, "_accept", real_accept)
    db.session.execute(update(Dispatch).where(Dispatch.id == dispatch.id)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    commit()
    assert dispatch_runner.run(dispatch.id).result == "sent"
    first, second = debtor_mails(outbox)  # the one duplicate left: nothing recorded the first 250
    assert first["Message-ID"] == second["Message-ID"]
    links = [LINK.search(m.get_body(("plain",)).get_content()).group(1) for m in (first, second)]
    assert links[0] == links[1]
    assert db.session.scalar(select(func.count(DebtorLink.id)).where(DebtorLink.dispatch_id == dispatch.id)) == 1

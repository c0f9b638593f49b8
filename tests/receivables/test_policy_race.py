"""The first visits to /collections/ at once on PostgreSQL: both find no reminder policy and both
insert one. The insert is ON CONFLICT DO NOTHING, so the second waits for the first's transaction,
inserts nothing and reads the policy (with its levels) the first created; no unique violation.
The debtor's settings row is created the same way."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from portal.database import commit
from portal.extensions import db
from portal.receivables.defaults import DEFAULT_LEVELS
from portal.receivables.models import DebtorSetting, ReminderLevel, ReminderPolicy
from portal.receivables.policies import policy_for, setting_for
from tests.audit.test_concurrency import committing_app, run_together  # noqa: F401  (fixture)
from tests.factories import CreditorFactory, PartyFactory

pytestmark = pytest.mark.postgres
HOLD = 0.3  # seconds the first keeps its uncommitted row, so the second's insert runs into it


def _org_and_party(app) -> tuple[int, int]:
    with app.app_context():
        creditor = CreditorFactory()
        party = PartyFactory(created_by_org_id=creditor.org_id)
        commit()
        ids = creditor.org_id, party.id
        db.session.remove()
    return ids


def _first_and_second(make):
    """Two jobs: the first creates and holds its row uncommitted while the second, having seen no
    row, inserts; then the first commits."""
    def first(barrier):
        made = make()
        barrier.wait()
        time.sleep(HOLD)
        commit()
        return made

    def second(barrier):
        barrier.wait()
        made = make()
        commit()
        return made

    return [first, second]


def test_two_first_visits_create_one_policy(committing_app):  # noqa: F811
    org_id, _ = _org_and_party(committing_app)

    def make():
        policy = policy_for(org_id)
        return policy.id, len(policy.levels)

    results = run_together(committing_app, _first_and_second(make))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1]
    assert results[0][1] == len(DEFAULT_LEVELS)
    with committing_app.app_context():
        assert db.session.scalar(select(func.count(ReminderPolicy.id))
                                 .where(ReminderPolicy.org_id == org_id)) == 1
        assert db.session.scalar(select(func.count(ReminderLevel.id)).join(ReminderPolicy).where(
            ReminderPolicy.org_id == org_id)) == len(DEFAULT_LEVELS)
        db.session.remove()


def test_two_first_visits_create_one_debtor_setting(committing_app):  # noqa: F811
    org_id, party_id = _org_and_party(committing_app)
    results = run_together(committing_app, _first_and_second(lambda: setting_for(org_id, party_id).id))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0] == results[1]
    with committing_app.app_context():
        assert db.session.scalar(select(func.count(DebtorSetting.id)).where(
            DebtorSetting.org_id == org_id, DebtorSetting.party_id == party_id)) == 1
        db.session.remove()

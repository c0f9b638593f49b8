"""Two beats at once on PostgreSQL: both plan the same reminders, the unique constraint lets one
insert each and the other nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.database import commit
from portal.extensions import db
from portal.receivables import evaluation
from portal.receivables.models import Reminder
from portal.receivables.tasks import run_once
from tests.audit.test_concurrency import committing_app, run_together  # noqa: F401  (fixture)
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

pytestmark = pytest.mark.postgres
TODAY = date(2026, 12, 7)


def test_two_runs_at_once_produce_each_reminder_once(committing_app):  # noqa: F811
    with committing_app.app_context():
        creditor, _ = creditor_with_reminders()
        for n in range(20):
            debtor_case(creditor, invoice(f"T-{n}", TODAY - timedelta(days=n)))
        commit()
        org_id = creditor.org_id
        db.session.remove()

    def beat(barrier):
        plan = evaluation.plan(TODAY)
        barrier.wait()  # both have planned the same 20 before either inserts
        created = evaluation.produce(plan, TODAY)
        commit()
        return created

    results = run_together(committing_app, [beat, beat])
    assert sorted(results) == [0, 20], results
    with committing_app.app_context():
        assert run_once(TODAY, queue_sending=False)["created"] == 0
        count = db.session.scalar(select(func.count(Reminder.id)).where(Reminder.org_id == org_id))
        assert count == 20
        db.session.remove()

"""Calendar reminders: a party's unfiled step due within three days gets one e-mail ahead and one on the
day; filed steps, later steps and cases no longer in arbitration get none."""
from datetime import timedelta

from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings import tasks as proceedings_tasks
from arbitration.proceedings.models import ProceedingParty, StepKind
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from tests.proceedings.helpers import TODAY, arbitration_case, upload


def add(a, kind, party, days):
    return proceedings.add_step(a.neutral, a.case, kind=kind, party=party, due_on=TODAY + timedelta(days=days),
                                title="", today=TODAY)


def subjects(outbox, reference):
    return [(m["To"], m["Subject"]) for m in outbox() if m["Subject"].startswith(reference)]


def test_reminders_go_to_the_filing_party_ahead_and_on_the_day(db_session, outbox):
    a = arbitration_case()
    proceedings.open_proceedings(a.neutral, a.case, TODAY)
    defence = add(a, StepKind.DEFENCE, ProceedingParty.RESPONDENT, 2)
    add(a, StepKind.REJOINDER, ProceedingParty.CLAIMANT, 10)             # not yet within three days
    filed = add(a, StepKind.DOCUMENTS, ProceedingParty.CLAIMANT, 1)
    proceedings.file_step(a.staff, filed, upload(), "docs.txt", "", TODAY)
    commit()
    assert proceedings_tasks.run(TODAY) == {"checked": 2, "sent": 1}
    sent = subjects(outbox, a.case.reference)
    assert sent == [("debtor@example.in", f"{a.case.reference}: Statement of defence due on "
                                          f"{defence.due_on:%d %b %Y}")]
    body = next(m for m in outbox() if m["Subject"].startswith(a.case.reference)).get_body(("plain",)).get_content()
    assert "not accepted unless the arbitrator extends it" in body and "/proceedings" in body
    assert proceedings_tasks.run(TODAY)["sent"] == 0                       # once ahead
    assert proceedings_tasks.run(TODAY + timedelta(days=1))["sent"] == 0
    assert proceedings_tasks.run(defence.due_on)["sent"] == 1              # and once on the day
    assert proceedings_tasks.run(defence.due_on)["sent"] == 0
    assert len(subjects(outbox, a.case.reference)) == 2


def test_no_reminders_once_the_case_leaves_arbitration(db_session, outbox):
    a = arbitration_case()
    step = add(a, StepKind.STATEMENT_OF_CLAIM, ProceedingParty.CLAIMANT, 1)
    a.case._status = CaseStatus.SETTLED
    commit()
    assert proceedings_tasks.run(TODAY) == {"checked": 0, "sent": 0}
    db.session.refresh(step)
    assert step.last_reminded_on is None


def test_the_beat_task_is_scheduled_and_runs_for_today(app, db_session):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["calendar-reminders"]["task"] == "arbitration.remind_calendar_steps"
    assert proceedings_tasks.remind_calendar_steps.run() == {"checked": 0, "sent": 0}

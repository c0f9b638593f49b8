"""The case's advocate as services: assign, reassign, assign many, decline, and every refusal.

Each change is audited in the same transaction; portal.notifications mails it from the audit event,
only after the commit (its words are snapshot-tested in tests/notifications)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cases import assignment
from portal.cases.states import CaseStatus
from portal.database import commit, rollback
from portal.dev import outbox as box
from portal.errors import DomainError
from portal.extensions import db
from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory

S = CaseStatus


class Org:
    """A creditor organisation with two engaged advocates and one it has not engaged."""

    def __init__(self) -> None:
        self.staff = CreditorFactory(name="Meera Kulkarni")
        self.org = self.staff.organization
        self.rao = self.engaged(name="Adv. Nandini Rao", email="nandini@rao-chambers.example")
        self.iyer = self.engaged(name="Adv. Kavya Iyer", email="kavya@iyer-law.example")
        self.stranger = AdvocateFactory(name="Adv. Stranger")
        EngagementFactory(org_id=CreditorFactory().org_id, advocate_id=self.stranger.id)  # engaged elsewhere

    def engaged(self, **kw):
        advocate = AdvocateFactory(**kw)
        EngagementFactory(org_id=self.org.id, advocate_id=advocate.id)
        return advocate

    def case(self, status: S = S.FILED, advocate=None):
        return CaseFactory(creditor=self.org, _status=status, created_by_id=self.staff.id,
                           advocate_id=advocate.id if advocate else None)


@pytest.fixture
def org(db_session) -> Org:
    return Org()


def events(case, *actions):
    """The case's audit events of these kinds, as (action, payload)."""
    found = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                        AuditEvent.action.in_(actions))
                               .order_by(AuditEvent.case_seq))
    return [(e.action, e.data) for e in found]


def test_assign_audits_and_emails_the_advocate_after_commit(org, outbox):
    case = org.case()
    assert assignment.assign_advocate(org.staff, case, org.rao) is True
    assert case.advocate_id == org.rao.id
    assert events(case, assignment.ASSIGNED) == [(assignment.ASSIGNED, {"advocate_id": org.rao.id})]
    assert outbox() == []  # nothing before the commit
    commit()
    [mail] = outbox()
    assert mail["To"] == org.rao.email
    assert mail["Subject"].startswith(f"{org.org.legal_name} assigned you {case.reference}, its claim")
    body = box.body_text(mail)
    assert "decline the case on its page with your reason" in body and "किसी" not in mail["Subject"]
    assert case.reference in body and org.staff.name in body and f"/cases/{case.reference}" in body


def test_a_rolled_back_assignment_sends_nothing(org, outbox):
    case = org.case()
    assignment.assign_advocate(org.staff, case, org.rao)
    rollback()
    commit()
    assert outbox() == []


def test_reassign_records_the_previous_advocate(org, outbox):
    case = org.case(advocate=org.rao)
    assert assignment.assign_advocate(org.staff, case, org.iyer) is True
    assert case.advocate_id == org.iyer.id
    assert events(case, assignment.REASSIGNED) == [
        (assignment.REASSIGNED, {"advocate_id": org.iyer.id, "previous_advocate_id": org.rao.id})]
    commit()
    assert [m["To"] for m in outbox()] == [org.iyer.email]


def test_assigning_the_same_advocate_changes_nothing(org, outbox):
    case = org.case(advocate=org.rao)
    assert assignment.assign_advocate(org.staff, case, org.rao) is False
    assert events(case, assignment.ASSIGNED, assignment.REASSIGNED) == []
    commit()
    assert outbox() == []


@pytest.mark.parametrize("who", ["stranger", "creditor", "inactive"])
def test_only_an_engaged_active_advocate_can_be_assigned(org, who):
    case = org.case()
    advocate = {"stranger": lambda: org.stranger, "creditor": lambda: org.staff,
                "inactive": lambda: org.engaged(active=False)}[who]()
    with pytest.raises(DomainError, match="not an advocate your organisation has engaged"):
        assignment.assign_advocate(org.staff, case, advocate)
    assert case.advocate_id is None


@pytest.mark.parametrize("status,message", [
    (S.NOTICE_IN_REVIEW, "returns or signs the notice first"),
    (S.WITHDRAWN, "while the case is withdrawn"),
    (S.CLOSED, "while the case is closed"),
])
def test_the_advocate_is_fixed_in_review_and_once_the_case_ended(org, status, message):
    case = org.case(status, advocate=org.rao)
    with pytest.raises(DomainError, match=message):
        assignment.assign_advocate(org.staff, case, org.iyer)
    with pytest.raises(DomainError, match=message):
        assignment.decline(org.rao, case, "No time.")
    assert case.advocate_id == org.rao.id


def test_decline_leaves_the_case_without_advocate_and_tells_the_creditor(org, outbox):
    colleague = CreditorFactory(organization=org.org, is_org_admin=False, name="Rahul Patil")
    case = org.case()
    assignment.assign_advocate(colleague, case, org.rao)
    commit()
    outbox_before = len(outbox())
    assignment.decline(org.rao, case, "  I act for the debtor in another matter.  ")
    assert case.advocate_id is None
    assert events(case, assignment.DECLINED) == [
        (assignment.DECLINED, {"advocate_id": org.rao.id, "reason": "I act for the debtor in another matter.",
                               "staff_id": colleague.id})]
    decline = assignment.last_decline(case)
    assert decline.advocate_name == "Adv. Nandini Rao"
    assert decline.reason == "I act for the debtor in another matter."
    commit()
    mails = outbox()[outbox_before:]
    # The one who filed the claim and the one who assigned the advocate, each in a mail of their own.
    assert sorted(m["To"] for m in mails) == sorted([org.staff.email, colleague.email])
    for mail in mails:
        assert mail["Subject"].startswith(f"Adv. Nandini Rao declined {case.reference}")
        assert "I act for the debtor in another matter." in box.body_text(mail)

    assignment.assign_advocate(org.staff, case, org.iyer)  # the creditor reassigns
    assert assignment.last_decline(case) is None


def test_a_reason_typed_over_several_lines_still_reaches_the_creditor_in_one_line_subject(org, outbox):
    """The reason is quoted in the mail's subject. Line breaks, and the control characters Python
    also counts as line ends (a fuzzed \\x1e once made the e-mail library refuse the mail and the
    request end in a 500), become single spaces there; the body keeps the reason as typed."""
    case = org.case(advocate=org.rao)
    commit()
    before = len(outbox())
    assignment.decline(org.rao, case, "Conflict:\r\nI act for\x1ethe debtor\u2028elsewhere.")
    commit()
    (mail,) = outbox()[before:]
    assert mail["Subject"].endswith("The reason given: Conflict: I act for the debtor elsewhere.")
    assert "I act for" in box.body_text(mail)


@pytest.mark.parametrize("reason,message", [
    ("", "Give your reason"), ("   \n ", "Give your reason"), ("x" * 2001, "under 2000 characters")])
def test_decline_needs_a_reason(org, reason, message):
    case = org.case(advocate=org.rao)
    with pytest.raises(DomainError, match=message):
        assignment.decline(org.rao, case, reason)
    assert case.advocate_id == org.rao.id


def test_only_the_assigned_advocate_declines(org):
    case = org.case(advocate=org.rao)
    for someone in (org.iyer, org.staff, org.stranger):
        with pytest.raises(DomainError, match="Only the advocate assigned"):
            assignment.decline(someone, case, "Not mine.")
    assert case.advocate_id == org.rao.id


def test_assign_many_assigns_what_it_can_and_says_why_not_for_the_rest(org, outbox):
    fresh, other, mine, in_review = (org.case(), org.case(advocate=org.iyer), org.case(advocate=org.rao),
                                     org.case(S.NOTICE_IN_REVIEW, advocate=org.iyer))
    result = assignment.assign_many(org.staff, [fresh, other, mine, in_review], org.rao)
    assert result.assigned == [fresh, other]
    assert result.unchanged == [mine]
    assert [(c, "returns or signs" in why) for c, why in result.refused] == [(in_review, True)]
    assert in_review.advocate_id == org.iyer.id
    commit()
    [mail] = outbox()  # one e-mail for both new cases
    assert mail["Subject"] == "2 steps on Sulah wait for you"
    body = box.body_text(mail)
    assert fresh.reference in body and other.reference in body and mine.reference not in body


def test_assign_many_refuses_an_advocate_not_engaged(org):
    with pytest.raises(DomainError, match="not an advocate"):
        assignment.assign_many(org.staff, [org.case()], org.stranger)


def test_find_engaged_advocate_reveals_nothing_about_other_addresses(org):
    assert assignment.find_engaged_advocate(org.org.id, " Nandini@Rao-Chambers.example ") == org.rao
    with pytest.raises(DomainError) as unknown:
        assignment.find_engaged_advocate(org.org.id, "nobody@nowhere.example")
    with pytest.raises(DomainError) as unengaged:
        assignment.find_engaged_advocate(org.org.id, org.stranger.email)
    assert str(unknown.value).replace("nobody@nowhere.example", "X") == \
        str(unengaged.value).replace(org.stranger.email, "X")


def test_usual_advocate_is_the_only_one_or_the_one_assigned_last(db_session):
    staff = CreditorFactory()
    assert assignment.usual_advocate(staff.org_id) is None
    only = AdvocateFactory(name="Adv. A")
    EngagementFactory(org_id=staff.org_id, advocate_id=only.id)
    assert assignment.usual_advocate(staff.org_id) == only
    second = AdvocateFactory(name="Adv. B")
    EngagementFactory(org_id=staff.org_id, advocate_id=second.id)
    assert assignment.usual_advocate(staff.org_id) is None  # two, and none assigned yet
    case = CaseFactory(creditor=staff.organization, _status=S.FILED)
    assignment.assign_advocate(staff, case, second)
    assignment.assign_advocate(staff, CaseFactory(creditor=staff.organization, _status=S.FILED), only)
    assert assignment.usual_advocate(staff.org_id) == only
    assert assignment.assign_advocate(staff, case, second) is False  # unchanged: no new event
    assert assignment.usual_advocate(staff.org_id) == only

"""Priority per case (the rule table over one claim's facts, with its reasons in words) on the case
page and the case list, for the creditor's own staff only; the case list's staff-owner filter."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from portal.cases.intake import today_ist
from portal.receivables import promises, queue, scoring
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory, EngagementFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


@pytest.fixture
def world(db_session):
    """One debtor with two claims: an old one with a broken promise, a recent one not yet due."""
    today = today_ist()
    creditor, _ = creditor_with_reminders(enabled=False)
    old = debtor_case(creditor, invoice("OLD-7", today - timedelta(days=40)))
    recent = debtor_case(creditor, invoice("NEW-1", today + timedelta(days=10), total="25000.00"),
                         party=old.debtor)
    promises.make(creditor, old.invoices[0], "118000", today, made_how="staff after a call", today=today)
    assert promises.decide_due(today + timedelta(days=promises.GRACE_DAYS + 1)) == {"kept": 0, "broken": 1}
    return creditor, old, recent


def test_each_case_is_scored_from_its_own_facts_with_reasons(world):
    creditor, old, recent = world
    scores = scoring.case_scores(creditor.organization, today_ist(), {old.id, recent.id})
    assert scores[old.id].value == 15 + 15 + 10
    assert scores[old.id].reasons == ("₹1,18,000.00 outstanding (+15)", "oldest invoice 40 days overdue (+15)",
                                      "1 promise to pay broken (+10)")
    assert scores[recent.id].value == 5
    assert scores[recent.id].reasons == ("₹25,000.00 outstanding (+5)",)
    # The debtor's own score sums both claims' facts.
    debtor = queue.rank(creditor.organization, today_ist())[old.debtor_party_id].score
    assert debtor.value == 15 + 15 + 10
    assert "₹1,43,000.00 outstanding (+15)" in debtor.reasons


def test_a_paid_case_has_no_score(world):
    creditor, old, recent = world
    scores = scoring.case_scores(creditor.organization, today_ist(), {recent.id, 10**9})
    assert set(scores) == {recent.id}


def test_the_case_page_shows_its_priority_to_the_creditors_staff_only(client, auth, world):
    creditor, old, _ = world
    auth.login_as(creditor)
    page = text(client.get(f"/cases/{old.reference}"))
    assert "Priority in collections" in page
    assert "1 promise to pay broken (+10)" in page and "never shown to the debtor" in page
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    old.advocate_id = advocate.id
    auth.login_as(advocate)
    resp = client.get(f"/cases/{old.reference}")
    assert resp.status_code == 200 and "Priority in collections" not in text(resp)


def test_the_case_list_shows_each_cases_priority_and_reasons(client, auth, world):
    creditor, old, recent = world
    auth.login_as(creditor)
    page = text(client.get("/cases/"))
    assert '<th scope="col">Priority</th>' in page
    assert "<strong>40</strong> <span class=\"hint\">₹1,18,000.00 outstanding (+15); oldest invoice 40 days " \
           "overdue (+15); 1 promise to pay broken (+10)</span>" in page
    assert "<strong>5</strong> <span class=\"hint\">₹25,000.00 outstanding (+5)</span>" in page


def test_the_cases_advocate_sees_the_case_in_its_list_without_priorities(client, auth, world):
    creditor, old, _ = world
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    old.advocate_id = advocate.id
    auth.login_as(advocate)
    page = text(client.get("/cases/"))
    assert old.reference in page
    assert "Priority" not in page and "promise to pay broken" not in page


def test_a_debtor_user_sees_no_priorities(client, auth, world):
    auth.login_as(DebtorUserFactory())
    assert "promise to pay broken" not in text(client.get("/cases/"))


def test_the_staff_owner_filter_lists_the_cases_of_that_persons_debtors(client, auth, world):
    creditor, old, recent = world
    colleague = CreditorFactory(organization=creditor.organization, is_org_admin=False, name="Kavya Menon")
    other = debtor_case(creditor, invoice("ELSE-1", today_ist()))
    queue.allocate(creditor, creditor.org_id, old.debtor_party_id, colleague)
    auth.login_as(creditor)
    page = text(client.get("/cases/"))
    assert '<label for="f-owner">Followed up by</label>' in page and "Kavya Menon" in page
    listed = text(client.get("/cases/", query_string={"owner": str(colleague.id)}))
    assert old.reference in listed and recent.reference in listed and other.reference not in listed
    assert other.reference not in text(client.get("/cases/", query_string={"owner": str(creditor.id)}))
    # Combined with the other filters, and kept in the export.
    csv = client.get("/cases/", query_string={"owner": str(colleague.id), "q": "NEW-1", "format": "csv"})
    assert recent.reference in csv.get_data(as_text=True) and old.reference not in csv.get_data(as_text=True)


def test_a_bad_owner_is_a_400_and_the_filter_is_for_creditors(client, auth, world):
    creditor, old, _ = world
    auth.login_as(creditor)
    resp = client.get("/cases/", query_string={"owner": "abc"})
    assert resp.status_code == 400 and "staff owner filter must be chosen from the list" in text(resp)
    advocate = AdvocateFactory()
    auth.login_as(advocate)
    assert 'id="f-owner"' not in text(client.get("/cases/"))

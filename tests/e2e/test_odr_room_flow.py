"""In Chromium: the debtor writes in the ODR room and the creditor's open page shows the message
without a reload (the static poller, allowed by the strict Content-Security-Policy); a reply
goes under its parent."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.cases.states import CaseStatus
from portal.database import commit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def negotiating(live_server):
    from tests.factories import CaseFactory, CreditorFactory, DebtorUserFactory, PartyFactory

    with live_server.app_context():
        creditor = CreditorFactory(email="odr.creditor@e2e.example")
        debtor = DebtorUserFactory(email="odr.debtor@e2e.example")
        party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor.id, legal_name="Lotus Fashion")
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.IN_NEGOTIATION,
                           created_by_id=creditor.id)
        commit()
        return {"creditor": creditor.email, "debtor": debtor.email, "reference": case.reference}


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_a_new_message_appears_on_the_other_sides_open_page(open_page, negotiating):
    reference = negotiating["reference"]
    creditor = open_page()
    problems: list[str] = []
    creditor.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in(creditor, negotiating["creditor"])
    creditor.goto(f"/odr/{reference}")
    expect(creditor.get_by_text("No messages yet.")).to_be_visible()

    debtor = open_page()
    log_in(debtor, negotiating["debtor"])
    debtor.goto(f"/odr/{reference}")
    debtor.get_by_label("Your message").fill("We can pay <b>half</b> this week.")
    debtor.get_by_role("button", name="Send").click()
    expect(debtor.get_by_role("status")).to_have_text("Your message was posted.")

    # No reload: the poller fetches it within a few seconds and shows the text as text.
    message = creditor.locator(".odr-message", has_text="We can pay <b>half</b> this week.")
    expect(message).to_be_visible(timeout=15_000)
    expect(creditor.locator("#no-messages")).to_have_count(0)

    # Replying without JavaScript's help: the Reply link fills the form's target.
    debtor.get_by_role("link", name="Reply").click()
    expect(debtor.get_by_role("heading", name=re.compile("^Reply to"))).to_be_visible()
    debtor.get_by_label("Your message").fill("The rest by 15 December.")
    debtor.get_by_role("button", name="Send").click()
    reply = creditor.locator(".odr-replies .odr-message", has_text="The rest by 15 December.")
    expect(reply).to_be_visible(timeout=15_000)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems

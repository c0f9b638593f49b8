"""In Chromium, the tribunal: the institution appoints a neutral from its queue; the neutral is refused
with an incomplete Sixth Schedule disclosure, then files it and accepts; the creditor sees the s.13(2)
challenge deadline in IST and challenges; the arbitrator rejects the challenge with reasons."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal.models import Challenge
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import to_ist
from tests.e2e.test_proceedings_flow import log_in, on_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def dispute(live_server):
    def set_up():
        from portal.database import commit
        from tests.factories import AdminFactory, CaseFactory, CreditorFactory, NeutralFactory, PartyFactory

        creditor = CreditorFactory(email="tribunal.creditor@e2e.example")
        admin = AdminFactory(email="institution@e2e.example")
        neutral = NeutralFactory(email="panel.arbitrator@e2e.example", name="Ms. Leela Iyer (Retd.)")
        party = PartyFactory(created_by_org_id=creditor.org_id, legal_name="Godavari Castings")
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.IN_ARBITRATION,
                           created_by_id=creditor.id)
        # Both parties agreed in writing that the institution appoints (s.11; tests/tribunal covers
        # the court route and the consent screens).
        from arbitration.tribunal.models import InstitutionConsent
        from portal.accounts.policy import Side

        for side in Side.CREDITOR, Side.DEBTOR:
            db.session.add(InstitutionConsent(case_id=case.id, side=side, given_by_name="e2e", statement="Agreed."))
        commit()
        return {"creditor": creditor.email, "admin": admin.email, "admin_totp": admin.totp_secret,
                "neutral": neutral.email, "neutral_totp": neutral.totp_secret, "name": neutral.name, "neutral_id": neutral.id,
                "reference": case.reference}

    return on_thread(live_server, set_up)


def test_appointment_disclosure_acceptance_and_a_challenge(open_page, live_server, dispute):
    reference = dispute["reference"]
    admin = open_page()
    log_in(admin, dispute["admin"], dispute["admin_totp"])
    admin.get_by_role("link", name="Arbitrations awaiting a tribunal").click()
    admin.get_by_role("link", name=reference).click()
    admin.get_by_label("Neutral", exact=True).select_option(value=str(dispute["neutral_id"]))
    admin.get_by_role("button", name="Ask this neutral to act").click()
    expect(admin.get_by_role("status")).to_contain_text("is asked to accept the appointment")

    arbitrator = open_page()
    log_in(arbitrator, dispute["neutral"], dispute["neutral_totp"])
    arbitrator.get_by_role("link", name="Invitations to arbitrate").click()
    arbitrator.get_by_role("link", name=f"{reference}: ").click()
    arbitrator.get_by_label("3. Prior experience (including experience with arbitrations)").fill(
        "Retired district judge; 25 commercial arbitrations.")
    arbitrator.get_by_label("4. Number of ongoing arbitrations").fill("2")
    arbitrator.get_by_role("button", name="File the disclosure and accept").click()
    expect(arbitrator.get_by_role("alert").first).to_contain_text("Item 5: answer yes or no.")

    for item in ("relationships", "time"):
        arbitrator.locator(f"input[name={item}][value=no]").check()
    arbitrator.get_by_label("I have no relationship with the parties").check()
    arbitrator.get_by_role("button", name="File the disclosure and accept").click()
    expect(arbitrator.get_by_role("status")).to_contain_text(f"You are the arbitrator in {reference}")

    def deadline():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return to_ist(tribunal.current_appointment(case).challenge_deadline).strftime("%d %b %Y, %H:%M IST")

    shown = on_thread(live_server, deadline)
    creditor = open_page()
    log_in(creditor, dispute["creditor"])
    creditor.goto(f"/arbitration/{reference}/tribunal")
    expect(creditor.get_by_text(f"A party may challenge the arbitrator until {shown}")).to_be_visible()
    creditor.get_by_label("Reasons for the challenge").fill("The arbitrator lectured for the respondent's trade "
                                                            "body.")
    creditor.get_by_role("button", name="File the challenge").click()
    expect(creditor.get_by_role("status")).to_contain_text("Your challenge is filed")

    arbitrator.goto(f"/arbitration/{reference}/tribunal")
    arbitrator.get_by_label("Reject the challenge: the proceedings continue").check()
    arbitrator.get_by_label("Reasons", exact=True).fill("A single public lecture gives no ground for doubt.")
    arbitrator.get_by_role("button", name="Record the decision").click()
    expect(arbitrator.get_by_role("status")).to_contain_text("The challenge is rejected")
    decision = on_thread(live_server, lambda: db.session.scalar(select(Challenge)).decision.value)
    assert decision == "rejected"

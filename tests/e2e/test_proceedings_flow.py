"""In Chromium, the arbitral proceedings: the accepted arbitrator uploads its signing certificate and
sets the calendar; the creditor files its statement of claim and the debtor its defence; the arbitrator
schedules a hearing, records attendance and final minutes after it, and issues a signed procedural order
that everyone can download, its PAdES signature intact."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from arbitration.proceedings.models import CalendarStep, Hearing
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
P12_PASSPHRASE = "arbitrator-pw"


def on_thread(live_server, work):
    """pyHanko and key loading may call asyncio.run(), which cannot run where Playwright's loop is open."""
    out: dict = {}

    def run() -> None:
        live_server.app.extensions["celery"].set_current()
        with live_server.app_context():
            out["value"] = work()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert "value" in out, "the work on the helper thread failed"
    return out["value"]


@pytest.fixture
def arbitration(live_server):
    def set_up():
        from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
        from portal.adapters.esign.democert import make_demo_pkcs12
        from portal.database import commit
        from tests.factories import (
            CaseFactory,
            CreditorFactory,
            DebtorUserFactory,
            NeutralFactory,
            PartyFactory,
        )

        creditor = CreditorFactory(email="arb.creditor@e2e.example")
        debtor = DebtorUserFactory(email="arb.debtor@e2e.example")
        neutral = NeutralFactory(email="arbitrator@e2e.example", name="Justice (Retd.) K. Menon")
        party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor.id, legal_name="Indus Traders")
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.IN_ARBITRATION,
                           created_by_id=creditor.id, neutral_id=neutral.id)
        db.session.flush()
        now = utcnow()
        db.session.add(Appointment(case_id=case.id, neutral_id=neutral.id, how=AppointmentHow.INSTITUTION,
                                   status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                                   disclosure_filed_at=now, answered_at=now, agreed_at=now))
        commit()
        return {"creditor": creditor.email, "debtor": debtor.email, "neutral": neutral.email,
                "totp": neutral.totp_secret, "reference": case.reference, "case_id": case.id,
                "p12": make_demo_pkcs12(neutral.name, P12_PASSPHRASE.encode())}

    return on_thread(live_server, set_up)


def log_in(page: Page, email: str, totp_secret: str | None = None) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if totp_secret:
        expect(page).to_have_url(re.compile(r"/login/2fa"))
        page.get_by_label("Authentication code or recovery code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def file_submission(page: Page, reference: str, title: str, name: str, text: bytes) -> None:
    page.goto(f"/arbitration/{reference}/proceedings")
    page.get_by_label(f"Your submission for “{title}”").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": text})
    page.get_by_role("button", name="File it").click()
    expect(page.get_by_role("status")).to_contain_text(f"{title} filed.")


def test_calendar_filings_hearing_minutes_and_a_signed_order(open_page, live_server, arbitration):
    reference, today = arbitration["reference"], today_ist()
    arbitrator = open_page()
    log_in(arbitrator, arbitration["neutral"], arbitration["totp"])
    arbitrator.goto("/arbitration/neutral/certificate")
    arbitrator.get_by_label("Your DSC exported as PKCS#12 (.p12 or .pfx)").set_input_files(
        {"name": "arbitrator.p12", "mimeType": "application/x-pkcs12", "buffer": arbitration["p12"]})
    arbitrator.get_by_label("Its passphrase").fill(P12_PASSPHRASE)
    arbitrator.get_by_role("button", name="Store the certificate").click()
    expect(arbitrator.get_by_role("status")).to_contain_text("Certificate for")

    arbitrator.goto(f"/arbitration/{reference}/proceedings")
    expect(arbitrator.get_by_text("The arbitrator has not set the calendar yet.")).to_be_visible()
    for kind, party, days in (("Statement of claim", "Claimant", 7), ("Statement of defence", "Respondent", 14)):
        arbitrator.get_by_label("Step", exact=True).select_option(label=kind)
        arbitrator.get_by_label("Filed by").select_option(label=party)
        arbitrator.get_by_label("Deadline", exact=True).fill((today + timedelta(days=days)).isoformat())
        arbitrator.get_by_role("button", name="Add to the calendar").click()
        expect(arbitrator.get_by_role("status")).to_contain_text(f"{kind} set for")
    expect(arbitrator.get_by_text("Pleadings complete (s.23(4), six months):")).to_be_visible()

    creditor = open_page()
    log_in(creditor, arbitration["creditor"])
    file_submission(creditor, reference, "Statement of claim", "claim.txt", b"Statement of claim: Rs 1,18,000.\n")
    debtor = open_page()
    log_in(debtor, arbitration["debtor"])
    file_submission(debtor, reference, "Statement of defence", "defence.txt", b"Defence: goods were short.\n")

    arbitrator.reload()
    expect(arbitrator.get_by_text(re.compile(r"Pleadings complete on"))).to_be_visible()
    expect(arbitrator.get_by_text("Award (s.29A, twelve months):")).to_be_visible()
    arbitrator.get_by_label("Date", exact=True).fill((today + timedelta(days=3)).isoformat())
    arbitrator.get_by_label("Time (IST)").fill("11:00")
    arbitrator.get_by_label("Video link (https://)").fill("https://meet.example.in/indus-hearing")
    arbitrator.get_by_role("button", name="Schedule").click()
    expect(arbitrator.get_by_role("status")).to_contain_text("Hearing scheduled for")

    def hold_the_hearing():  # the hearing takes place: its start moves into the past
        hearing = db.session.scalar(select(Hearing).where(Hearing.case_id == arbitration["case_id"]))
        hearing.starts_at = utcnow() - timedelta(minutes=75)
        db.session.commit()
        return hearing.id

    hearing_id = on_thread(live_server, hold_the_hearing)
    arbitrator.goto(f"/arbitration/{reference}/proceedings/hearings/{hearing_id}")
    arbitrator.get_by_label("The claimant attended").check()
    arbitrator.get_by_label("Attended for the claimant by").fill("Ms A. Shah, proprietor")
    arbitrator.get_by_label("The respondent attended").check()
    arbitrator.get_by_label("Attended for the respondent by").fill("Mr V. Rao, partner")
    arbitrator.get_by_role("textbox", name="Minutes").fill("Both parties heard on the shortfall in delivery.")
    arbitrator.get_by_label("Finalise the minutes (they cannot change afterwards)").check()
    arbitrator.get_by_role("button", name="Save").click()
    expect(arbitrator.get_by_role("status")).to_have_text("The minutes are final.")
    arbitrator.goto(f"/arbitration/{reference}/proceedings/hearings/{hearing_id}")
    expect(arbitrator.get_by_text("Both parties heard on the shortfall in delivery.")).to_be_visible()
    expect(arbitrator.get_by_text("Respondent: present (Mr V. Rao, partner)")).to_be_visible()

    arbitrator.goto(f"/arbitration/{reference}/proceedings")
    arbitrator.get_by_label(re.compile(r"Text of the order")).fill("The respondent shall produce its stock register.")
    arbitrator.get_by_role("button", name="Sign and issue the order").click()
    expect(arbitrator.get_by_role("status")).to_have_text("Procedural Order No. 1 signed and issued.")

    debtor.goto(f"/arbitration/{reference}/proceedings")
    with debtor.expect_download() as download:
        debtor.get_by_role("link", name="Procedural Order No. 1 (signed PDF)").click()
    pdf = download.value.path().read_bytes()

    def checked():
        from notices.signing.signatures import signature_intact

        steps = db.session.scalars(select(CalendarStep).where(CalendarStep.case_id == arbitration["case_id"]))
        return signature_intact(pdf), [bool(s.filed_at) for s in steps]

    intact, filed = on_thread(live_server, checked)
    assert intact and filed == [True, True]

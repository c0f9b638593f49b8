"""In Chromium, the award: the accepted arbitrator drafts it from the case, is refused finalising
while s.31 elements are missing (the message names them), completes, finalises and signs it; the case
is awarded, the respondent is served through the dispatch pipeline with a delivery-proof certificate,
and the debtor downloads the signed award, whose PAdES signature validates with pyHanko."""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.e2e.test_proceedings_flow import P12_PASSPHRASE, log_in, on_thread

pytestmark = pytest.mark.browser
ALWAYS = {"contact_from_minute": 0, "contact_until_minute": 24 * 60, "daily_contact_cap": 50}


@pytest.fixture
def arbitration(live_server):
    def set_up():
        from arbitration.proceedings import neutral_keys
        from arbitration.tribunal.models import Appointment, AppointmentHow, AppointmentStatus
        from portal.adapters.esign.democert import make_demo_pkcs12
        from portal.database import commit
        from portal.types import utcnow
        from tests.factories import (
            CaseFactory,
            CreditorFactory,
            DebtorUserFactory,
            NeutralFactory,
            PartyFactory,
        )

        creditor = CreditorFactory(email="award.creditor@e2e.example")
        for key, value in ALWAYS.items():
            setattr(creditor.organization, key, value)
        debtor = DebtorUserFactory(email="award.debtor@e2e.example")
        neutral = NeutralFactory(email="award.arbitrator@e2e.example", name="Justice (Retd.) S. Rao")
        party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor.id, legal_name="Deccan Traders")
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.IN_ARBITRATION,
                           created_by_id=creditor.id, neutral_id=neutral.id)
        db.session.flush()
        now = utcnow()
        db.session.add(Appointment(case_id=case.id, neutral_id=neutral.id, how=AppointmentHow.INSTITUTION,
                                   status=AppointmentStatus.ACCEPTED, disclosure={"circumstances": "None."},
                                   disclosure_filed_at=now, answered_at=now, agreed_at=now))
        # The pleadings closed a month ago (s.23): the award may be made (s.25, s.29A).
        from datetime import timedelta

        from arbitration.proceedings.models import Proceedings

        db.session.add(Proceedings(case_id=case.id, appointed_on=today_ist() - timedelta(days=90), fast_track=False,
                                   pleadings_closed_on=today_ist() - timedelta(days=30)))
        p12 = make_demo_pkcs12(neutral.name, P12_PASSPHRASE.encode())
        neutral_keys.install(neutral, p12, P12_PASSPHRASE)
        commit()
        return {"creditor": creditor.email, "debtor": debtor.email, "neutral": neutral.email,
                "totp": neutral.totp_secret, "reference": case.reference, "case_id": case.id, "p12": p12}

    return on_thread(live_server, set_up)


def test_award_drafted_refused_signed_served_and_validated(open_page, live_server, arbitration):
    reference = arbitration["reference"]
    arbitrator = open_page()
    log_in(arbitrator, arbitration["neutral"], arbitration["totp"])
    arbitrator.goto(f"/arbitration/{reference}/award")
    arbitrator.get_by_role("button", name="Open the draft award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The draft award is open")
    arbitrator.get_by_role("button", name="Finalise the award").click()
    expect(arbitrator.get_by_text(re.compile(r"The award cannot be finalised: missing .*reasons, date, seat"))
           ).to_be_visible()

    arbitrator.get_by_label("The arbitration agreement relied on").fill("Clause 18 of the supply agreement")
    arbitrator.get_by_label("Seat of arbitration").fill("Pune")
    arbitrator.get_by_label("Date of the award").fill(today_ist().isoformat())
    arbitrator.get_by_label(re.compile(r"^Reasons")).fill("The goods were accepted.\n\nThe claim is proved.")
    arbitrator.get_by_label("Principal sum awarded (₹)").fill("118000")
    arbitrator.get_by_label(re.compile(r"^Pre-award interest rate")).fill("0")
    arbitrator.get_by_label(re.compile(r"^Pre-award interest amount")).fill("0")
    arbitrator.get_by_label("Post-award interest", exact=True).select_option("statutory")
    arbitrator.get_by_label(re.compile(r"^Current rate of interest")).fill("7")
    arbitrator.get_by_label(re.compile(r"^Costs \(")).fill("25000")
    arbitrator.get_by_label("Costs borne by").select_option("respondent")
    arbitrator.get_by_role("button", name="Save the draft").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The draft award is saved.")
    arbitrator.get_by_role("button", name="Finalise the award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The award is finalised.")
    arbitrator.get_by_role("button", name="Sign and serve the award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The award is signed")

    debtor = open_page()
    log_in(debtor, arbitration["debtor"])
    debtor.goto(f"/arbitration/{reference}/award")
    expect(debtor.get_by_text("Challenge possible until")).to_be_visible()
    with debtor.expect_download() as download:
        debtor.get_by_role("link", name="Download the signed award (PDF)").click()
    pdf = download.value.path().read_bytes()

    def checked():
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        from arbitration.awards.models import Award
        from notices.serving.models import DeliveryProof, Dispatch
        from portal.adapters.esign.pades import load_signer
        from portal.cases.models import Case

        signer, _ = load_signer(arbitration["p12"], P12_PASSPHRASE.encode())
        status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0],
                                        ValidationContext(trust_roots=[signer.signing_cert]))
        award = db.session.scalar(select(Award).where(Award.case_id == arbitration["case_id"]))
        dispatches = list(db.session.scalars(select(Dispatch).where(Dispatch.document_id == award.served_document_id)))
        proof = db.session.scalar(select(DeliveryProof).where(DeliveryProof.document_id == award.served_document_id))
        return (status.intact and status.valid and status.trusted, db.session.get(Case, award.case_id).status,
                [d.status.value for d in dispatches], proof is not None)

    valid, case_status, dispatched, proved = on_thread(live_server, checked)
    assert valid and case_status == CaseStatus.AWARDED and dispatched == ["sent"] and proved

"""In Chromium, one arbitration from start to finish: the creditor records the clause and the advocate
approves and signs the s.21 notice, whose service invokes arbitration; the institution appoints a
neutral, who discloses and accepts, sets the calendar, receives both pleadings, holds and minutes a
hearing, then drafts, finalises and signs the award; it is served on the respondent through the
dispatch pipeline, validates with pyHanko, and its delivery-proof certificate downloads as a PDF."""
from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.types import utcnow
from tests.e2e.test_proceedings_flow import P12_PASSPHRASE, file_submission, log_in, on_thread
from tests.e2e.test_serving_flow import debtor_opens_the_notice
from tests.invocation.helpers import CLAUSE, PDF
from tests.serving.helpers import ALWAYS, demo_pkcs12

pytestmark = pytest.mark.browser
DEBTOR_MAIL = "accounts@story-debtor.example"


def s21_mail_to(live_server, address: str):
    """The served s.21 request among the mails to `address` (its own subject, A&C s.21)."""
    from email import message_from_bytes, policy

    for path in sorted(live_server.outbox.glob("*.eml")):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(msg["To"]) and str(msg["Subject"]).startswith("Request to refer"):
            return msg
    return None


@pytest.fixture
def dispute(live_server):
    """What exists before the story: a case in negotiation with the agreement in its evidence, the
    creditor, its mandated advocate holding a signing certificate, the debtor's user, the institution's
    administrator and a neutral listed on the panel."""
    def set_up():
        from arbitration.tribunal import panel
        from evidence.models import DocumentKind
        from evidence.services import add_document
        from notices.drafting import workflow as services
        from portal.adapters.esign.democert import make_demo_pkcs12
        from portal.cases.models import ContactKind, PartyContact
        from portal.database import commit
        from tests.factories import (
            AdminFactory,
            AdvocateFactory,
            CaseFactory,
            CreditorFactory,
            DebtorUserFactory,
            EngagementFactory,
            NeutralFactory,
            PartyFactory,
        )

        creditor = CreditorFactory(email="story.creditor@e2e.example")
        for key, value in ALWAYS.items():
            setattr(creditor.organization, key, value)
        advocate = AdvocateFactory(email="story.advocate@e2e.example", name="Adv. Rohan Desai")
        EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
        advocate.advocate_profile.signing_pkcs12 = demo_pkcs12(advocate.name)
        advocate.advocate_profile.signing_passphrase = "pw"
        services.grant_mandate(creditor, advocate)
        debtor = DebtorUserFactory(email="story.debtor@e2e.example")
        party = PartyFactory(created_by_org_id=creditor.org_id, user_id=debtor.id, legal_name="Malabar Spices LLP",
                             contacts=[PartyContact(kind=ContactKind.EMAIL, value=DEBTOR_MAIL, source="test")])
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.IN_NEGOTIATION,
                           advocate_id=advocate.id, created_by_id=creditor.id)
        add_document(creditor, case, io.BytesIO(PDF), "distribution-agreement.pdf", DocumentKind.AGREEMENT)
        admin = AdminFactory(email="story.institution@e2e.example")
        neutral = NeutralFactory(email="story.arbitrator@e2e.example", name="Justice (Retd.) A. Pillai")
        panel.update_profile(neutral, expertise="Commercial contracts, sale of goods", languages="English, Malayalam",
                             fee_schedule="As the institution's schedule", base_fee=None, available=True,
                             availability_note="")
        commit()
        return {"creditor": creditor.email, "advocate": advocate.email, "advocate_totp": advocate.totp_secret,
                "debtor": debtor.email, "admin": admin.email, "admin_totp": admin.totp_secret,
                "neutral": neutral.email, "neutral_totp": neutral.totp_secret, "neutral_id": neutral.id,
                "reference": case.reference, "case_id": case.id,
                "p12": make_demo_pkcs12(neutral.name, P12_PASSPHRASE.encode())}

    return on_thread(live_server, set_up)


def test_from_invocation_to_a_served_and_proved_award(open_page, live_server, dispute, tmp_path):
    ref, today = dispute["reference"], today_ist()

    # 1. The creditor records the clause from its evidence and drafts the s.21 notice.
    creditor = open_page()
    log_in(creditor, dispute["creditor"])
    creditor.goto(f"/arbitration/{ref}/invocation")
    creditor.get_by_label("Document containing the arbitration clause").select_option(
        label="distribution-agreement.pdf (agreement)")
    creditor.get_by_label("Page number").fill("9")
    creditor.get_by_label("The clause, quoted as written").fill(CLAUSE)
    creditor.get_by_label("Seat of arbitration").first.fill("Kochi")
    creditor.get_by_role("button", name="Record the clause").click()
    expect(creditor.get_by_role("status").first).to_contain_text("arbitration clause is on record")
    creditor.get_by_role("button", name="Draft the notice invoking arbitration").click()
    expect(creditor.get_by_role("status").first).to_contain_text("notice invoking arbitration is drafted")
    notice_url = creditor.url
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.locator("#notice-status")).to_have_text("in review")

    # 2. The advocate approves it with a fresh TOTP code and signs it.
    advocate = open_page()
    log_in(advocate, dispute["advocate"], dispute["advocate_totp"])
    advocate.goto(notice_url)
    # The login spent this time-step's code; the next step's code is fresh and within the drift allowed.
    advocate.get_by_label("Authentication code from your app").fill(
        pyotp.TOTP(dispute["advocate_totp"]).at(time.time() + 30))
    advocate.get_by_role("button", name="Approve this version").click()
    expect(advocate.get_by_role("status").first).to_have_text("Approved. The notice is ready for your signature.")
    advocate.get_by_role("button", name=re.compile("^Sign")).click()
    expect(advocate.get_by_role("status").first).to_contain_text("Signed")

    # 3. The creditor serves it: arbitration is invoked, the respondent's copy carries the signed PDF.
    creditor.goto(f"/arbitration/{ref}/invocation")
    creditor.get_by_label("E-mail, with the signed notice attached").check()
    creditor.get_by_role("button", name="Serve the notice and invoke arbitration").click()
    expect(creditor.get_by_role("status").first).to_contain_text("Arbitration is invoked")
    # Sent is not received (IT Act s.13): the arbitration commences when the respondent receives it,
    # here by opening the notice through the link in its mail.
    expect(creditor.locator("body")).to_contain_text("its receipt is not proven yet")
    debtor_opens_the_notice(open_page, live_server, DEBTOR_MAIL, ref)
    creditor.reload()
    expect(creditor.locator("body")).to_contain_text("The arbitration commenced on")
    mail = s21_mail_to(live_server, DEBTOR_MAIL)  # the debtor may also be told to agree on the arbitrator
    assert mail is not None, "the s.21 notice never reached the SMTP sink"
    assert "not a demand for payment" in mail.get_body(("plain",)).get_content()
    assert any(p.get_content_type() == "application/pdf" for p in mail.iter_attachments())

    # 4. The clause names no appointing authority: the page says the court appoints under s.11(5)/(6)
    # unless both parties agree in writing that the institution does; both agree, then it appoints.
    creditor.goto(f"/arbitration/{ref}/tribunal")
    expect(creditor.get_by_text(re.compile(r"section 11\(5\)"))).to_be_visible()
    expect(creditor.get_by_role("link", name=re.compile("Download the s.11 application bundle"))).to_be_visible()
    creditor.get_by_role("button", name="Agree in writing that the institution appoints").click()
    expect(creditor.get_by_role("status").first).to_contain_text("the institution appoints is recorded")
    debtor = open_page()
    log_in(debtor, dispute["debtor"])
    debtor.goto(f"/arbitration/{ref}/tribunal")
    debtor.get_by_role("button", name="Agree in writing that the institution appoints").click()
    expect(debtor.get_by_role("status").first).to_contain_text("the institution appoints is recorded")
    admin = open_page()
    log_in(admin, dispute["admin"], dispute["admin_totp"])
    admin.get_by_role("link", name="Arbitrations awaiting a tribunal").click()
    admin.get_by_role("link", name=ref).click()
    admin.get_by_label("Neutral", exact=True).select_option(value=str(dispute["neutral_id"]))
    admin.get_by_role("button", name="Ask this neutral to act").click()
    expect(admin.get_by_role("status")).to_contain_text("is asked to accept the appointment")

    # 5. The neutral files the Sixth Schedule disclosure and accepts.
    arbitrator = open_page()
    log_in(arbitrator, dispute["neutral"], dispute["neutral_totp"])
    arbitrator.get_by_role("link", name="Invitations to arbitrate").click()
    arbitrator.get_by_role("link", name=f"{ref}: ").click()
    arbitrator.get_by_label("3. Prior experience (including experience with arbitrations)").fill(
        "Retired High Court judge; 40 commercial arbitrations.")
    arbitrator.get_by_label("4. Number of ongoing arbitrations").fill("3")
    for item in ("relationships", "time"):
        arbitrator.locator(f"input[name={item}][value=no]").check()
    arbitrator.get_by_label("I have no relationship with the parties").check()
    arbitrator.get_by_role("button", name="File the disclosure and accept").click()
    expect(arbitrator.get_by_role("status")).to_contain_text(f"You are the arbitrator in {ref}")
    creditor.goto(f"/arbitration/{ref}/tribunal")
    expect(creditor.get_by_text("A party may challenge the arbitrator until")).to_be_visible()

    # 6. The arbitrator stores its signing certificate and sets the procedural calendar.
    arbitrator.goto("/arbitration/neutral/certificate")
    arbitrator.get_by_label("Your DSC exported as PKCS#12 (.p12 or .pfx)").set_input_files(
        {"name": "arbitrator.p12", "mimeType": "application/x-pkcs12", "buffer": dispute["p12"]})
    arbitrator.get_by_label("Its passphrase").fill(P12_PASSPHRASE)
    arbitrator.get_by_role("button", name="Store the certificate").click()
    expect(arbitrator.get_by_role("status")).to_contain_text("Certificate for")
    arbitrator.goto(f"/arbitration/{ref}/proceedings")
    for kind, party, days in (("Statement of claim", "Claimant", 7), ("Statement of defence", "Respondent", 14)):
        arbitrator.get_by_label("Step", exact=True).select_option(label=kind)
        arbitrator.get_by_label("Filed by").select_option(label=party)
        arbitrator.get_by_label("Deadline", exact=True).fill((today + timedelta(days=days)).isoformat())
        arbitrator.get_by_role("button", name="Add to the calendar").click()
        expect(arbitrator.get_by_role("status")).to_contain_text(f"{kind} set for")

    # 7. The pleadings: the creditor's statement of claim, the debtor's defence.
    file_submission(creditor, ref, "Statement of claim", "claim.txt", b"Statement of claim: Rs 1,18,000 unpaid.\n")
    file_submission(debtor, ref, "Statement of defence", "defence.txt", b"Defence: the pepper was damp.\n")

    # 8. A hearing is scheduled, held and minuted.
    arbitrator.goto(f"/arbitration/{ref}/proceedings")
    expect(arbitrator.get_by_text(re.compile(r"Pleadings complete on"))).to_be_visible()
    arbitrator.get_by_label("Date", exact=True).fill((today + timedelta(days=3)).isoformat())
    arbitrator.get_by_label("Time (IST)").fill("11:00")
    arbitrator.get_by_label("Video link (https://)").fill("https://meet.example.in/malabar-hearing")
    arbitrator.get_by_role("button", name="Schedule").click()
    expect(arbitrator.get_by_role("status")).to_contain_text("Hearing scheduled for")

    def hold_the_hearing():
        # Not a browser step: a hearing is only scheduled in the future and minuted once it has
        # started, so the clock is moved past its start (as in test_proceedings_flow).
        from arbitration.proceedings.models import Hearing

        hearing = db.session.scalar(select(Hearing).where(Hearing.case_id == dispute["case_id"]))
        hearing.starts_at = utcnow() - timedelta(minutes=75)
        db.session.commit()
        return hearing.id

    hearing_url = f"/arbitration/{ref}/proceedings/hearings/{on_thread(live_server, hold_the_hearing)}"
    arbitrator.goto(hearing_url)
    arbitrator.get_by_label("The claimant attended").check()
    arbitrator.get_by_label("Attended for the claimant by").fill("Mr K. Nair, director")
    arbitrator.get_by_label("The respondent attended").check()
    arbitrator.get_by_label("Attended for the respondent by").fill("Ms P. Thomas, partner")
    arbitrator.get_by_role("textbox", name="Minutes").fill("Both parties heard on the condition of the goods.")
    arbitrator.get_by_label("Finalise the minutes (they cannot change afterwards)").check()
    arbitrator.get_by_role("button", name="Save").click()
    expect(arbitrator.get_by_role("status")).to_have_text("The minutes are final.")
    arbitrator.goto(hearing_url)
    expect(arbitrator.get_by_text("Respondent: present (Ms P. Thomas, partner)")).to_be_visible()

    # 9. The arbitrator drafts the award (agreement and seat come from the clause), finalises and signs it.
    arbitrator.goto(f"/arbitration/{ref}/award")
    arbitrator.get_by_role("button", name="Open the draft award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The draft award is open")
    expect(arbitrator.get_by_label("Seat of arbitration")).to_have_value("Kochi")
    expect(arbitrator.get_by_label("The arbitration agreement relied on")).to_contain_text("distribution-agreement.pdf")
    arbitrator.get_by_label("Date of the award").fill(today.isoformat())
    arbitrator.get_by_label(re.compile(r"^Reasons")).fill("The goods were accepted without protest.\n\n"
                                                         "The claim is proved.")
    arbitrator.get_by_label("Principal sum awarded (₹)").fill("118000")
    arbitrator.get_by_label(re.compile(r"^Pre-award interest rate")).fill("0")
    arbitrator.get_by_label(re.compile(r"^Pre-award interest amount")).fill("0")
    arbitrator.get_by_label("Post-award interest", exact=True).select_option("statutory")
    arbitrator.get_by_label(re.compile(r"^Current rate of interest")).fill("7")
    arbitrator.get_by_label(re.compile(r"^Costs \(")).fill("20000")
    arbitrator.get_by_label("Costs borne by").select_option("respondent")
    arbitrator.get_by_role("button", name="Save the draft").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The draft award is saved.")
    arbitrator.get_by_role("button", name="Finalise the award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The award is finalised.")
    arbitrator.get_by_role("button", name="Sign and serve the award").click()
    expect(arbitrator.get_by_role("status").first).to_contain_text("The award is signed")

    # 10. The respondent downloads the signed award; the claimant downloads the delivery proof.
    debtor.goto(f"/arbitration/{ref}/award")
    expect(debtor.get_by_text("Challenge possible until")).to_be_visible()
    with debtor.expect_download() as download:
        debtor.get_by_role("link", name="Download the signed award (PDF)").click()
    award_pdf = download.value.path().read_bytes()
    creditor.goto(f"/arbitration/{ref}/award")
    with creditor.expect_download() as download:
        creditor.get_by_role("link", name="Delivery-proof certificate (PDF)").click()
    proof_path = tmp_path / "award-delivery-proof.pdf"
    download.value.save_as(proof_path)
    assert proof_path.read_bytes().startswith(b"%PDF")

    def checked():
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        from arbitration.awards.models import Award
        from notices.serving.models import Dispatch
        from portal.adapters.esign.pades import load_signer
        from portal.cases.models import Case

        signer, _ = load_signer(dispute["p12"], P12_PASSPHRASE.encode())
        status = validate_pdf_signature(PdfFileReader(io.BytesIO(award_pdf)).embedded_signatures[0],
                                        ValidationContext(trust_roots=[signer.signing_cert]))
        award = db.session.scalar(select(Award).where(Award.case_id == dispute["case_id"]))
        dispatches = db.session.scalars(select(Dispatch).where(Dispatch.document_id == award.served_document_id))
        return (status.intact, status.valid and status.trusted, status.coverage.name,
                db.session.get(Case, dispute["case_id"]).status, [(d.address, d.status.value) for d in dispatches])

    intact, trusted, coverage, case_status, dispatched = on_thread(live_server, checked)
    assert intact and trusted and coverage == "ENTIRE_FILE"
    assert case_status == CaseStatus.AWARDED and dispatched == [(DEBTOR_MAIL, "sent")]

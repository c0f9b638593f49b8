"""In Chromium: the creditor points to the arbitration clause in its evidence, drafts the s.21
notice from the case and submits it; the advocate approves and signs it; the creditor serves it,
which invokes arbitration; the respondent's copy arrives with the signed PDF and the page shows the
date the arbitration commenced."""
from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from playwright.sync_api import expect

from evidence.models import DocumentKind
from evidence.services import add_document
from notices.drafting import workflow as services
from portal.cases.states import CaseStatus
from portal.database import commit
from tests.e2e.test_serving_flow import debtor_opens_the_notice, log_in, mail_to
from tests.invocation.helpers import CLAUSE, PDF
from tests.serving.helpers import ALWAYS, demo_pkcs12

pytestmark = pytest.mark.browser


@pytest.fixture
def disputed(live_server):
    from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory

    def set_up():  # on a thread of its own: pyHanko signs through asyncio.run(), which cannot run
        # on this thread while Playwright's event loop is open (the mandate is DSC-signed)
        with live_server.app_context():
            creditor = CreditorFactory(email="invoke.owner@e2e.example")
            for key, value in ALWAYS.items():
                setattr(creditor.organization, key, value)
            advocate = AdvocateFactory(email="invoke.advocate@e2e.example", name="Adv. Farah Khan")
            EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
            advocate.advocate_profile.signing_pkcs12 = demo_pkcs12(advocate.name)
            advocate.advocate_profile.signing_passphrase = "pw"
            case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.IN_NEGOTIATION,
                               advocate_id=advocate.id, created_by_id=creditor.id)
            case.debtor.contacts[0].value = "accounts@invoke-debtor.example"
            add_document(creditor, case, io.BytesIO(PDF), "master-supply-agreement.pdf", DocumentKind.AGREEMENT)
            services.grant_mandate(creditor, advocate)
            commit()
            return {"creditor": creditor.email, "advocate": advocate.email, "secret": advocate.totp_secret,
                    "advocate_id": advocate.id, "reference": case.reference}

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(set_up).result()


def test_clause_notice_signature_and_invocation(open_page, live_server, disputed):
    ref = disputed["reference"]
    creditor = open_page()
    log_in(creditor, disputed["creditor"])
    creditor.goto(f"/arbitration/{ref}/invocation")
    creditor.get_by_label("Document containing the arbitration clause").select_option(
        label="master-supply-agreement.pdf (agreement)")
    creditor.get_by_label("Page number").fill("7")
    creditor.get_by_label("The clause, quoted as written").fill(CLAUSE)
    creditor.get_by_label("Seat of arbitration").first.fill("Mumbai")
    creditor.get_by_role("button", name="Record the clause").click()
    expect(creditor.get_by_role("status").first).to_contain_text("arbitration clause is on record")
    creditor.get_by_role("button", name="Draft the notice invoking arbitration").click()
    expect(creditor.get_by_role("status").first).to_contain_text("notice invoking arbitration is drafted")
    notice_url = creditor.url
    creditor.get_by_role("button", name="Submit to the advocate for review").click()

    with live_server.app_context():
        from notices.models import Notice
        from portal.accounts.models import User
        from portal.extensions import db

        notice_id = int(notice_url.rstrip("/").rsplit("/", 1)[1])
        advocate_user = db.session.get(User, disputed["advocate_id"])
        # The previous time-step's code, so the login below can use the current one (no replay).
        services.approve(advocate_user, db.session.get(Notice, notice_id),
                         pyotp.TOTP(disputed["secret"]).at(time.time() - 30))
        commit()

    advocate = open_page()
    log_in(advocate, disputed["advocate"], disputed["secret"])
    advocate.goto(f"/notices/{notice_id}")
    advocate.get_by_role("button", name=re.compile("^Sign")).click()
    expect(advocate.get_by_role("status").first).to_contain_text("Signed")

    creditor.goto(f"/arbitration/{ref}/invocation")
    creditor.get_by_label("E-mail, with the signed notice attached").check()
    creditor.get_by_role("button", name="Serve the notice and invoke arbitration").click()
    expect(creditor.get_by_role("status").first).to_contain_text("Arbitration is invoked")
    # Sent is not received (IT Act s.13): the arbitration commences when the respondent receives it,
    # here by opening the notice through the link in its mail.
    expect(creditor.locator("body")).to_contain_text("its receipt is not proven yet")
    debtor_opens_the_notice(open_page, live_server, "accounts@invoke-debtor.example", ref)
    creditor.reload()
    expect(creditor.locator("body")).to_contain_text("The arbitration commenced on")

    mail = mail_to(live_server, "accounts@invoke-debtor.example")
    assert mail is not None, "the s.21 notice never reached the SMTP sink"
    assert any(p.get_content_type() == "application/pdf" for p in mail.iter_attachments())
    with live_server.app_context():
        from sqlalchemy import select

        from arbitration.invocation import notice as invocation
        from portal.cases.models import Case
        from portal.extensions import db

        case = db.session.scalar(select(Case).where(Case.reference == ref))
        assert case.status == CaseStatus.IN_ARBITRATION and invocation.commenced_on(case) is not None

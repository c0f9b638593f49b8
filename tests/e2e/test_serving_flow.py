"""In Chromium: the advocate signs an approved notice, the creditor serves it by e-mail, the mail
goes through the SMTP sink, the debtor opens the personal link and acknowledges it, and the case
page shows the timeline and a downloadable delivery-proof certificate."""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy

import pyotp
import pytest
from playwright.sync_api import Page, expect

from notices.drafting import workflow as services
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.database import commit
from tests.factories import PASSWORD
from tests.serving.helpers import ALWAYS, demo_pkcs12

pytestmark = pytest.mark.browser


@pytest.fixture
def approved(live_server):
    from tests.factories import AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory

    def set_up():  # on a thread of its own: pyHanko signs through asyncio.run(), which cannot run
        # on this thread while Playwright's event loop is open (the mandate is DSC-signed)
        with live_server.app_context():
            creditor = CreditorFactory(email="serve.owner@e2e.example")
            for key, value in ALWAYS.items():
                setattr(creditor.organization, key, value)
            advocate = AdvocateFactory(email="serve.advocate@e2e.example", name="Adv. Kavita Rao")
            EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
            case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                               created_by_id=creditor.id)
            case.debtor.contacts[0].value = "accounts@serve-debtor.example"
            advocate.advocate_profile.signing_pkcs12 = demo_pkcs12(advocate.name)
            advocate.advocate_profile.signing_passphrase = "pw"
            notice = services.start_notice(creditor, case, today_ist())
            services.submit(creditor, notice)
            services.grant_mandate(creditor, advocate)
            # The previous time-step's code, so the login below can use the current one (no replay).
            services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).at(time.time() - 30))
            commit()
            return {"creditor": creditor.email, "advocate": advocate.email, "secret": advocate.totp_secret,
                    "notice_id": notice.id, "reference": case.reference}

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(set_up).result()


def log_in(page: Page, email: str, secret: str | None = None) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if secret:
        page.get_by_label("Authentication code or recovery code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Continue").click()


def mail_to(live_server, address: str):
    for path in sorted(live_server.outbox.glob("*.eml")):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(msg["To"]):
            return msg
    return None


def code_sent_to(live_server, address: str, timeout: float = 30.0) -> str:
    """The one-time code in the newest code mail to `address` (the worker sends it after commit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(live_server.outbox.glob("*.eml"), reverse=True):
            msg = message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(msg["To"]) and "Your Sulah code" in str(msg["Subject"]):
                return re.search(r"is (\d{6})", msg.get_body(("plain",)).get_content()).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no code mail to {address}")


def debtor_opens_the_notice(open_page, live_server, address: str, reference: str):
    """The debtor follows the personal link in its mail and opens the notice with the code sent to it:
    the view is receipt (IT Act s.12, s.13(2)). Returns the debtor's page."""
    mail = mail_to(live_server, address)
    assert mail is not None, "the notice never reached the SMTP sink"
    link = re.search(r"http://\S+/n/[A-Za-z0-9_-]+", mail.get_body(("plain",)).get_content()).group(0)
    debtor = open_page()
    debtor.set_viewport_size({"width": 390, "height": 844})  # a phone
    debtor.goto(link)
    expect(debtor.locator("h1")).to_contain_text(reference)
    debtor.get_by_role("button", name="Send me the code").click()
    expect(debtor.get_by_role("status").first).to_contain_text("We sent a 6-digit code")
    debtor.get_by_label("Code", exact=True).fill(code_sent_to(live_server, address))
    debtor.get_by_role("button", name="Open the notice").click()
    expect(debtor.locator("h1")).to_contain_text(reference)
    return debtor


def test_sign_serve_view_acknowledge_and_prove(open_page, live_server, approved, tmp_path):
    advocate = open_page()
    log_in(advocate, approved["advocate"], approved["secret"])
    advocate.goto(f"/notices/{approved['notice_id']}")
    advocate.get_by_role("button", name=re.compile("^Sign")).click()
    expect(advocate.get_by_role("status").first).to_contain_text("Signed")

    creditor = open_page()
    log_in(creditor, approved["creditor"])
    creditor.goto(f"/cases/{approved['reference']}")
    creditor.get_by_role("link", name="Service and delivery").click()
    creditor.get_by_label("E-mail, with the signed PDF attached").check()
    creditor.get_by_label(re.compile("move the case into online dispute resolution")).check()
    creditor.get_by_role("button", name="Serve the notice").click()
    expect(creditor.get_by_role("status").first).to_contain_text("Service started")
    expect(creditor.locator("#timeline")).to_contain_text("dispatched")

    mail = mail_to(live_server, "accounts@serve-debtor.example")
    assert mail is not None, "the notice never reached the SMTP sink"
    assert any(p.get_content_type() == "application/pdf" for p in mail.iter_attachments())
    debtor = debtor_opens_the_notice(open_page, live_server, "accounts@serve-debtor.example",
                                     approved["reference"])
    debtor.get_by_role("button", name="I have received this notice").click()
    expect(debtor.get_by_role("status").first).to_contain_text("acknowledgement is recorded")

    creditor.goto(f"/cases/{approved['reference']}")
    timeline = creditor.get_by_role("list", name="Delivery timeline")
    for kind in ("queued", "dispatched", "viewed", "acknowledged"):
        expect(timeline).to_contain_text(kind)
    with creditor.expect_download() as download:
        creditor.get_by_role("link", name=re.compile("Download the delivery-proof certificate")).click()
    path = tmp_path / "proof.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

"""Staff pages speak English or Hindi, as the person chose with the switch in the page header
(portal.accounts.language): the account keeps the choice, so it follows them to another device and
their next sign-in; a choice made before signing in carries over until they choose on the account.
Documents and e-mails keep their own language whatever the reader's pages speak."""
from __future__ import annotations

import subprocess

import pytest
from lxml import html
from sqlalchemy import select

from notices.models import Notice
from portal.accounts import User
from portal.cases.states import CaseStatus
from portal.i18n import force_locale, gettext
from tests.conftest import CommittingClient, csrf_from
from tests.factories import PASSWORD, AdvocateFactory, CaseFactory, CreditorFactory, EngagementFactory


def _page(resp) -> html.HtmlElement:
    assert resp.status_code == 200, resp.status_code
    return html.fromstring(resp.get_data(as_text=True))


def _speaks(resp) -> str:
    return _page(resp).get("lang")


def _hindi(message: str) -> str:
    with force_locale("hi"):
        return gettext(message)


def _stored(db_session, user) -> str | None:
    db_session.expire_all()
    return db_session.get(User, user.id).language


@pytest.fixture
def creditor(db_session):
    user = CreditorFactory(name="Meera Kulkarni")
    db_session.commit()
    return user


def test_a_staff_member_chooses_hindi_and_the_account_keeps_it(app, client, auth, creditor, db_session):
    auth.login_as(creditor)
    page = client.get("/dashboard")
    assert _speaks(page) == "en" and _stored(db_session, creditor) is None
    switch = _page(page).xpath("//nav[@class='language']//a[@hreflang='hi']/@href")
    assert switch and "lang=hi" in switch[0]

    hindi = client.get(switch[0])
    assert _speaks(hindi) == "hi"
    assert _hindi("Log out") != "Log out" and _hindi("Log out") in hindi.get_data(as_text=True)
    assert _stored(db_session, creditor) == "hi"
    assert _speaks(client.get("/dashboard")) == "hi"      # no ?lang= any more: the account's choice

    elsewhere = CommittingClient(app, use_cookies=True)    # another device: signs in afresh
    login = elsewhere.get("/login")
    assert _speaks(login) == "en"
    elsewhere.post("/login", data={"email": creditor.email, "password": PASSWORD,
                                   "csrf_token": csrf_from(login)})
    assert _speaks(elsewhere.get("/dashboard")) == "hi"

    assert _speaks(client.get("/dashboard?lang=en")) == "en"
    assert _stored(db_session, creditor) == "en"
    assert _speaks(elsewhere.get("/dashboard")) == "en"


def test_an_unknown_language_is_ignored_and_nothing_is_stored(client, auth, creditor, db_session):
    auth.login_as(creditor)
    assert _speaks(client.get("/dashboard?lang=xx")) == "en"
    assert _speaks(client.get("/dashboard?lang=")) == "en"
    assert _stored(db_session, creditor) is None


def test_the_choice_made_on_the_sign_in_page_carries_over(app, creditor, db_session):
    browser = CommittingClient(app, use_cookies=True)
    login = browser.get("/login?lang=hi")
    assert _speaks(login) == "hi"
    browser.post("/login", data={"email": creditor.email, "password": PASSWORD,
                                 "csrf_token": csrf_from(login)})
    assert _speaks(browser.get("/dashboard")) == "hi"
    assert _stored(db_session, creditor) is None            # not chosen on the account: not kept there


def test_a_notice_drafted_from_hindi_pages_keeps_its_own_language(client, auth, db_session, tmp_path):
    creditor = CreditorFactory()
    advocate = AdvocateFactory()
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                       stated_interest_rate=18)
    db_session.commit()
    auth.login_as(creditor)
    assert _speaks(client.get("/dashboard?lang=hi")) == "hi"
    page = client.get("/dashboard")
    resp = client.post(f"/cases/{case.reference}/notices/new",
                       data={"csrf_token": csrf_from(page), "language": "en", "pay_within_days": "15"})
    assert resp.status_code == 302
    notice = db_session.scalar(select(Notice).where(Notice.case_id == case.id))
    pdf = client.get(f"/notices/{notice.id}/preview.pdf")
    assert pdf.status_code == 200
    (tmp_path / "n.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "15 days" in text and "Page 1 of" in text
    assert not any("\u0900" <= ch <= "\u097f" for ch in text)   # no Devanagari in the English notice

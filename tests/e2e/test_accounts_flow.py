"""In Chromium: a creditor signs up and invites a colleague who joins; an advocate cannot reach any
case before setting up two-factor authentication; a bad GSTIN is refused and nothing is stored."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.accounts.models import Engagement, Organization, User
from portal.accounts.roles import Role
from portal.extensions import db
from portal.i18n import force_locale, gettext
from tests import factories
from tests.e2e.test_cold_start_journey import PHONE, shot

pytestmark = pytest.mark.browser

PASSWORD = "Kaveri-Looms-2026"


def sign_up(page: Page, *, legal_name: str, gstin: str, name: str, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Business legal name").fill(legal_name)
    page.get_by_label("Registered address").fill("Plot 7, MIDC Bhiwandi, Thane 421302")
    page.get_by_label("GSTIN", exact=True).fill(gstin)
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_have_text("You are logged out.")


def invite(page: Page, email: str, role_label: str) -> None:
    page.goto("/team")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Invite as").select_option(label=role_label)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {email}.")


def invitation_link(page: Page, email: str, live_server) -> str:
    """Read the invitation the SMTP sink caught, on the dev outbox page, as a developer would."""
    page.get_by_role("link", name="Dev outbox").click()
    page.locator("#outbox tbody tr", has_text=email).get_by_role("link").click()
    expect(page.locator("#mail-body")).to_contain_text("invites you to join Sulah")
    link = page.locator("#mail-body a[href*='/invitations/']").get_attribute("href")
    assert link and link.startswith(f"{live_server.url}/invitations/")
    return link


def accept(page: Page, link: str, name: str, **advocate: str) -> None:
    page.goto(link)
    page.get_by_label("Your full name").fill(name)
    if advocate:
        page.get_by_label("Bar Council enrolment number").fill(advocate["enrolment"])
        page.get_by_label("State Bar Council").fill(advocate["state"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()


def test_creditor_signs_up_invites_a_colleague_who_joins_logs_out_and_in(open_page, live_server):
    owner = open_page()
    sign_up(owner, legal_name="Kaveri Looms Private Limited", gstin="27AAPFU0939F1ZV",
            name="Meera Kulkarni", email="meera@kaveri-looms.example")
    expect(owner).to_have_url(re.compile(r"/dashboard$"))
    expect(owner.get_by_role("heading", level=1)).to_have_text("Welcome, Meera Kulkarni")
    expect(owner.locator("main")).to_contain_text("at Kaveri Looms Private Limited")

    invite(owner, "rahul@kaveri-looms.example", "Colleague (creditor staff)")
    link = invitation_link(owner, "rahul@kaveri-looms.example", live_server)

    colleague = open_page()
    accept(colleague, link, "Rahul Patil")
    expect(colleague).to_have_url(re.compile(r"/dashboard$"))
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Welcome, Rahul Patil")
    expect(colleague.locator("main")).to_contain_text("at Kaveri Looms Private Limited")

    log_out(colleague)
    colleague.goto("/dashboard")
    expect(colleague).to_have_url(re.compile(r"/login\?next="))
    log_in(colleague, "rahul@kaveri-looms.example", PASSWORD)
    expect(colleague).to_have_url(re.compile(r"/dashboard$"))
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Welcome, Rahul Patil")

    colleague.goto(link)  # an invitation works once
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Not Found")
    expect(colleague.locator("main")).to_contain_text("expired or was already used")

    owner.goto("/team")
    expect(owner.locator("main")).to_contain_text("Rahul Patil <rahul@kaveri-looms.example>")
    with live_server.app_context():
        rahul = db.session.scalar(select(User).where(User.email == "rahul@kaveri-looms.example"))
        assert rahul.role == Role.CREDITOR and not rahul.is_org_admin
        assert rahul.organization.legal_name == "Kaveri Looms Private Limited"
        assert rahul.organization.gstin == "27AAPFU0939F1ZV"
        assert rahul.organization.pan == "AAPFU0939F"

    # Rahul leaves the company: Meera switches off his access on her phone. His open session ends
    # and he cannot sign in; switched on again, he can.
    owner.set_viewport_size(PHONE)
    owner.get_by_role("button", name="Switch off Rahul Patil's access").click()
    expect(owner.get_by_role("status")).to_contain_text("Rahul Patil's access is switched off")
    expect(owner.locator("main")).to_contain_text("Access switched off")
    expect(owner.get_by_role("button", name="Switch off Meera Kulkarni's access")).to_have_count(0)
    shot(owner, "team-colleague-switched-off", "accounts")
    colleague.goto("/dashboard")
    expect(colleague).to_have_url(re.compile(r"/login\?next="))
    log_in(colleague, "rahul@kaveri-looms.example", PASSWORD)
    expect(colleague.locator("main")).to_contain_text("This account has been switched off.")
    owner.get_by_role("button", name="Let Rahul Patil sign in again").click()
    expect(owner.get_by_role("status")).to_contain_text("Rahul Patil can sign in again.")
    log_in(colleague, "rahul@kaveri-looms.example", PASSWORD)
    expect(colleague).to_have_url(re.compile(r"/dashboard$"))

    # Rahul reads Hindi better: the switch in the header turns his pages to Hindi on his phone. The
    # sign-in page after he logs out stays in Hindi, and his account keeps the choice, so his pages
    # open in Hindi on another device too.
    colleague.set_viewport_size(PHONE)
    colleague.get_by_role("navigation", name="Page language").get_by_role("link", name="हिन्दी").click()
    expect(colleague.locator("html")).to_have_attribute("lang", "hi")
    with live_server.app_context(), force_locale("hi"):   # what the Hindi pages say, from the catalogue
        hindi = {m: gettext(m) for m in ("Dashboard", "Log out", "Collections", "Page language", "E-mail",
                                         "Password", "Log in")}
    assert hindi["Dashboard"] != "Dashboard"
    expect(colleague.get_by_role("link", name=hindi["Dashboard"], exact=True)).to_be_visible()
    expect(colleague.get_by_role("link", name=hindi["Collections"], exact=True)).to_be_visible()
    shot(colleague, "dashboard-in-hindi", "accounts")
    colleague.get_by_role("button", name=re.compile(hindi["Log out"])).click()
    expect(colleague.locator("html")).to_have_attribute("lang", "hi")
    colleague.get_by_label(hindi["E-mail"]).fill("rahul@kaveri-looms.example")
    colleague.get_by_label(hindi["Password"], exact=True).fill(PASSWORD)
    colleague.get_by_role("button", name=hindi["Log in"]).click()
    expect(colleague).to_have_url(re.compile(r"/dashboard$"))
    expect(colleague.locator("html")).to_have_attribute("lang", "hi")

    laptop = open_page()                     # another device: signs in on an English page
    log_in(laptop, "rahul@kaveri-looms.example", PASSWORD)
    expect(laptop).to_have_url(re.compile(r"/dashboard$"))
    expect(laptop.locator("html")).to_have_attribute("lang", "hi")
    laptop.goto("/team")    # not his page: the refusal, in Hindi too
    expect(laptop.locator("html")).to_have_attribute("lang", "hi")
    laptop.goto("/dashboard")
    laptop.get_by_role("navigation", name=hindi["Page language"]).get_by_role("link", name="English").click()
    expect(laptop.locator("html")).to_have_attribute("lang", "en")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Welcome, Rahul Patil")


def test_advocate_must_set_up_two_factor_before_reaching_any_case(open_page, live_server):
    with live_server.app_context():
        owner = factories.CreditorFactory(email="owner@godavari-spices.example",
                                          organization__legal_name="Godavari Spices LLP")
        db.session.commit()
        org_id = owner.org_id
    creditor = open_page()
    log_in(creditor, "owner@godavari-spices.example", factories.PASSWORD)
    expect(creditor).to_have_url(re.compile(r"/dashboard$"))
    invite(creditor, "adv.iyer@chambers.example", "Advocate (independent counsel)")
    link = invitation_link(creditor, "adv.iyer@chambers.example", live_server)

    advocate = open_page()
    accept(advocate, link, "Adv. Kavya Iyer",
           enrolment="MAH/4321/2016", state="Maharashtra and Goa")
    expect(advocate).to_have_url(re.compile(r"/account/2fa$"))
    expect(advocate.get_by_role("status")).to_have_text(
        "Your role requires two-factor authentication. Set it up to continue.")
    for blocked in ("/cases/", "/dashboard", "/team"):
        advocate.goto(blocked)
        expect(advocate).to_have_url(re.compile(r"/account/2fa$"))

    # Logging in again does not get round it either.
    log_out(advocate)
    log_in(advocate, "adv.iyer@chambers.example", PASSWORD)
    expect(advocate).to_have_url(re.compile(r"/account/2fa$"))
    secret = advocate.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    code_field = advocate.get_by_label("6-digit code from your app")
    code_field.fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    advocate.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(advocate.locator("#code-error")).to_have_text(
        "That code did not match. Check the time on your phone and retry.")
    with live_server.app_context():
        assert not db.session.scalar(select(User.totp_enabled)
                                     .where(User.email == "adv.iyer@chambers.example"))

    code_field.fill(pyotp.TOTP(secret).now())
    advocate.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is on")
    codes = advocate.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    advocate.get_by_role("link", name="Continue").click()
    expect(advocate).to_have_url(re.compile(r"/dashboard$"))
    advocate.goto("/cases/")
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Cases")

    # Next time the second factor is asked at login; a recovery code works once.
    log_out(advocate)
    log_in(advocate, "adv.iyer@chambers.example", PASSWORD)
    expect(advocate).to_have_url(re.compile(r"/login/2fa"))
    advocate.get_by_label("Authentication code or recovery code").fill(codes[0])
    advocate.get_by_role("button", name="Continue").click()
    expect(advocate).to_have_url(re.compile(r"/dashboard$"))
    advocate.goto("/cases/")
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Cases")
    with live_server.app_context():
        adv = db.session.scalar(select(User).where(User.email == "adv.iyer@chambers.example"))
        assert adv.role == Role.ADVOCATE and adv.totp_enabled
        assert adv.advocate_profile.enrolment_number == "MAH/4321/2016"
        assert db.session.scalars(select(Engagement.org_id)
                                  .where(Engagement.advocate_id == adv.id)).all() == [org_id]


def test_signup_with_a_bad_gstin_shows_why_and_stores_nothing(open_page, live_server):
    page = open_page()
    sign_up(page, legal_name="Narmada Steel Traders", gstin="27AAPFU0939F1ZX",
            name="Arjun Shah", email="arjun@narmada-steel.example")
    expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.locator("#gstin-error")).to_have_text(
        "The GSTIN's check character does not match; please re-check it.")
    expect(page.get_by_label("GSTIN", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_text("Please correct the highlighted fields.")
    # What the user typed is kept, except the passwords.
    expect(page.get_by_label("Business legal name")).to_have_value("Narmada Steel Traders")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    with live_server.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)
                                 .where(Organization.legal_name == "Narmada Steel Traders")) == 0
        assert db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.email == "arjun@narmada-steel.example")) == 0

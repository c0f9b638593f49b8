"""Creditor sign-up: the happy path, and every bad input refused with a clear 422 storing nothing."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import EnterpriseCategory, Organization, User
from portal.accounts.roles import Role
from portal.audit import AuditEvent
from tests.accounts.conftest import page_text
from tests.conftest import csrf_from
from tests.factories import CreditorFactory, OrganizationFactory

PASSWORD = "Kaveri-Looms-2026"
GOOD = {
    "legal_name": "Kaveri Looms Private Limited",
    "address": "Plot 7, MIDC Bhiwandi, Thane 421302",
    "gstin": "27aapfu0939f1zv",
    "pan": "",
    "udyam_number": "udyam-mh-33-0012345",
    "udyam_registered_on": "2021-04-01",
    "enterprise_category": "small",
    "upi_vpa": "Kaveri@OKAXIS",
    "name": "Meera Kulkarni",
    "email": "Meera@Kaveri-Looms.example",
    "phone": "098765 43210",
    "password": PASSWORD,
    "confirm": PASSWORD,
}
TABLES = (Organization, User, AuditEvent)


def post_signup(client, **changes):
    page = client.get("/signup")
    assert page.status_code == 200
    data = {**GOOD, "csrf_token": csrf_from(page), **changes}
    return client.post("/signup", data=data)


def test_signup_creates_the_organisation_its_admin_and_an_audit_event(client, db_session):
    resp = post_signup(client)
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"

    user = db_session.scalar(select(User).where(User.email == "meera@kaveri-looms.example"))
    assert user.role == Role.CREDITOR and user.is_org_admin and user.phone == "+919876543210"
    assert user.password_hash.startswith("$argon2id$")
    org = user.organization
    assert (org.legal_name, org.gstin, org.pan) == (GOOD["legal_name"], "27AAPFU0939F1ZV", "AAPFU0939F")
    assert (org.udyam_number, org.udyam_registered_on) == ("UDYAM-MH-33-0012345", date(2021, 4, 1))
    assert org.enterprise_category == EnterpriseCategory.SMALL and org.msmed_eligible
    assert org.upi_vpa == "kaveri@okaxis"

    events = db_session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                                .order_by(AuditEvent.seq)).all()
    assert [e.action for e in events] == ["org.signed_up", "user.logged_in"]
    assert events[0].data == {"org_id": org.id, "legal_name": GOOD["legal_name"],
                              "gstin": "27AAPFU0939F1ZV"}

    dashboard = client.get("/dashboard")  # signed in straight away
    assert dashboard.status_code == 200
    assert "Welcome to Sulah, Meera Kulkarni." in page_text(dashboard)


def test_signup_without_the_optional_identifiers(client, db_session):
    resp = post_signup(client, gstin="", pan="", udyam_number="", udyam_registered_on="",
                       enterprise_category="", upi_vpa="", phone="")
    assert resp.status_code == 302
    user = db_session.scalar(select(User).where(User.email == "meera@kaveri-looms.example"))
    org = user.organization
    assert (org.gstin, org.pan, org.udyam_number, org.upi_vpa, user.phone) == (None,) * 5
    assert not org.msmed_eligible


def test_a_pan_matching_the_gstin_is_accepted(client, db_session):
    assert post_signup(client, pan="aapfu0939f").status_code == 302


BAD_INPUTS = [
    ({"gstin": "27AAPFU0939F1ZX"}, "The GSTIN's check character does not match; please re-check it."),
    ({"gstin": "27AAPFU0939F1Z"}, "A GSTIN has 15 characters"),
    ({"gstin": "00AAPFU0939F1ZV"}, "(00) are not a state code"),
    ({"gstin": "27AAPFU0939F1ZV", "address": "12 Peenya, Bengaluru, Karnataka"},
     "registered in Maharashtra (it starts 27), but the address is in Karnataka"),
    ({"pan": "ABCPE1234F"}, "This PAN does not match the PAN inside the GSTIN."),
    ({"gstin": "", "pan": "ABCDE12345"}, "A PAN looks like ABCDE1234F"),
    ({"udyam_number": "UDYAM-MH-33-00123"}, "A Udyam number looks like UDYAM-MH-33-0012345."),
    ({"udyam_registered_on": ""}, "Give the date of the Udyam registration."),
    ({"udyam_registered_on": "2019-03-31"}, "Udyam registration began on 1 July 2020"),
    ({"udyam_registered_on": "2099-01-01"}, "cannot be in the future"),
    ({"udyam_registered_on": "31/31/2021"}, "Not a valid date value."),
    ({"enterprise_category": ""}, "Choose the category on the Udyam certificate."),
    ({"enterprise_category": "huge"}, "Not a valid choice."),
    ({"upi_vpa": "kaveri-at-okaxis"}, "A UPI ID looks like business@bank."),
    ({"phone": "022 2345 6789"}, "it must start with 6, 7, 8 or 9"),
    ({"phone": "98765"}, "has 10 digits; this one has 5"),
    ({"password": "kaveri-looms-2026", "confirm": "kaveri-looms-2026"},
     "Mix upper and lower case letters and at least one digit."),
    ({"password": "Short-1", "confirm": "Short-1"}, "Use at least 10 characters."),
    ({"confirm": "Kaveri-Looms-2025"}, "The passwords differ."),
    ({"email": "meera@"}, "Enter a valid e-mail address."),
    ({"legal_name": ""}, "This field is required."),
    ({"address": "  "}, "This field is required."),
]


@pytest.mark.parametrize("changes,message", BAD_INPUTS,
                         ids=[next(iter(c)) + ":" + m[:25] for c, m in BAD_INPUTS])
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(client, db_session, count_rows,
                                                                    changes, message):
    before = count_rows(*TABLES)
    resp = post_signup(client, **changes)
    assert resp.status_code == 422
    text = page_text(resp)
    assert message in text
    assert "Please correct the highlighted fields." in text
    assert count_rows(*TABLES) == before
    assert client.get("/dashboard").status_code == 302  # nobody was signed in


def test_duplicate_email_is_refused_whatever_its_case(client, db_session, count_rows):
    CreditorFactory(email="meera@kaveri-looms.example")
    before = count_rows(*TABLES)
    resp = post_signup(client, email="MEERA@Kaveri-Looms.Example", gstin="")
    assert resp.status_code == 422
    assert "An account with that e-mail address already exists. Try logging in." in page_text(resp)
    assert count_rows(*TABLES) == before


def test_duplicate_gstin_is_refused(client, db_session, count_rows):
    OrganizationFactory(gstin="27AAPFU0939F1ZV")
    before = count_rows(*TABLES)
    resp = post_signup(client, gstin="27 AAPFU 0939F1ZV")
    assert resp.status_code == 422
    assert ("An organisation with that GSTIN is already registered. "
            "Ask its administrator to invite you.") in page_text(resp)
    assert count_rows(*TABLES) == before


@pytest.mark.parametrize("token", [None, "", "not-a-real-token"])
def test_signup_without_a_valid_csrf_token_is_refused(client, db_session, count_rows, token):
    client.get("/signup")
    before = count_rows(*TABLES)
    data = dict(GOOD) if token is None else {**GOOD, "csrf_token": token}
    resp = client.post("/signup", data=data)
    assert resp.status_code == 400
    assert "Your form had expired or was sent from elsewhere." in page_text(resp)
    assert count_rows(*TABLES) == before

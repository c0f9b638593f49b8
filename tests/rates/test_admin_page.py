"""The platform admin's Bank Rate page: list, add, edit, refusals (422, nothing stored), roles."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.rates.models import BankRate
from tests.conftest import csrf_from
from tests.factories import AdminFactory, AdvocateFactory, CreditorFactory, DebtorUserFactory, NeutralFactory

URL = "/admin/bank-rates"


@pytest.fixture
def admin(db_session):
    return AdminFactory()


def rate_events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                           .order_by(AuditEvent.seq)).all()


def counts(session):
    return (session.scalar(select(func.count()).select_from(BankRate)),
            session.scalar(select(func.count()).select_from(AuditEvent)))


def test_admin_sees_the_seeded_table(client, auth, admin):
    auth.login_as(admin)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "05 Dec 2025" in html and "5.50%" in html and "07 Feb 2025" in html
    assert html.count("Unconfirmed") == 7  # the pre-2025 rows await confirmation


def test_admin_adds_a_rate_and_it_is_audited(client, auth, admin, db_session):
    auth.login_as(admin)
    page = client.get(URL)
    resp = client.post(URL, data={
        "csrf_token": csrf_from(page), "effective_from": "2026-02-06", "rate_percent": "5.25",
        "source_note": "RBI press release 2026-02-06"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(URL)
    row = db_session.scalar(select(BankRate).where(BankRate.effective_from == date(2026, 2, 6)))
    assert (row.rate_percent, row.created_by_id) == (Decimal("5.25"), admin.id)
    [event] = rate_events(db_session, "bank_rate.added")
    assert event.actor_id == admin.id
    assert event.data == {"id": row.id, "effective_from": "2026-02-06", "rate_percent": "5.25",
                          "source_note": "RBI press release 2026-02-06"}
    assert "Bank Rate 5.25% from 06 Feb 2026 added." in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("rate_percent", "six", "Enter the rate as a number"),
    ("rate_percent", "NaN", "Enter the rate as a number"),
    ("rate_percent", "-1", "more than 0% and at most 20.00%"),
    ("rate_percent", "0", "more than 0% and at most 20.00%"),
    ("rate_percent", "20.01", "more than 0% and at most 20.00%"),
    ("rate_percent", "6.255", "at most two decimal places"),
    ("rate_percent", "", "Give the rate"),
    ("effective_from", "2025-02-30", "Write the date as YYYY-MM-DD"),
    ("effective_from", "07/02/2025", "Write the date as YYYY-MM-DD"),
    ("effective_from", "", "Give the date the rate took effect"),
    ("effective_from", "1899-01-01", "looks like a typing slip"),
    ("effective_from", "2025-02-07", "is already recorded (6.50%)"),
    ("source_note", "", "Say where the figure comes from"),
    ("source_note", "x" * 301, "300 characters"),
])
def test_bad_input_is_explained_and_nothing_is_stored(client, auth, admin, db_session, field,
                                                      value, message):
    auth.login_as(admin)
    page = client.get(URL)
    before = counts(db_session)
    data = {"csrf_token": csrf_from(page), "effective_from": "2026-02-06", "rate_percent": "5.25",
            "source_note": "RBI press release", field: value}
    resp = client.post(URL, data=data)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert counts(db_session) == before


def test_admin_edits_a_rate_with_before_and_after_in_the_audit(client, auth, admin, db_session):
    row = db_session.scalar(select(BankRate).where(BankRate.effective_from == date(2023, 2, 8)))
    auth.login_as(admin)
    page = client.get(f"{URL}/{row.id}/edit")
    assert page.status_code == 200 and 'value="6.75"' in page.get_data(as_text=True)
    resp = client.post(f"{URL}/{row.id}/edit", data={
        "csrf_token": csrf_from(page), "effective_from": "2023-02-08", "rate_percent": "6.75",
        "source_note": "Confirmed: RBI monetary policy statement 8 Feb 2023"})
    assert resp.status_code == 302
    [event] = rate_events(db_session, "bank_rate.changed")
    assert event.data["before"]["source_note"] == "to be confirmed against RBI before reliance"
    assert event.data["after"]["source_note"].startswith("Confirmed")
    db_session.refresh(row)
    assert row.updated_by_id == admin.id


def test_an_edit_that_changes_nothing_records_nothing(client, auth, admin, db_session):
    row = db_session.scalar(select(BankRate).where(BankRate.effective_from == date(2025, 6, 6)))
    auth.login_as(admin)
    page = client.get(f"{URL}/{row.id}/edit")
    before = counts(db_session)
    resp = client.post(f"{URL}/{row.id}/edit", data={
        "csrf_token": csrf_from(page), "effective_from": "2025-06-06", "rate_percent": "5.75",
        "source_note": row.source_note}, follow_redirects=True)
    assert "Nothing was changed." in resp.get_data(as_text=True)
    assert counts(db_session) == before


def test_edit_to_a_taken_date_or_bad_rate_is_refused(client, auth, admin, db_session):
    row = db_session.scalar(select(BankRate).where(BankRate.effective_from == date(2025, 6, 6)))
    auth.login_as(admin)
    page = client.get(f"{URL}/{row.id}/edit")
    before = counts(db_session)
    for data, message in [({"effective_from": "2025-04-09"}, "is already recorded (6.25%)"),
                          ({"rate_percent": "25"}, "at most 20.00%")]:
        resp = client.post(f"{URL}/{row.id}/edit", data={
            "csrf_token": csrf_from(page), "effective_from": "2025-06-06", "rate_percent": "5.75",
            "source_note": "RBI", **data})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert counts(db_session) == before
    db_session.refresh(row)
    assert (row.effective_from, row.rate_percent) == (date(2025, 6, 6), Decimal("5.75"))
    assert client.get(f"{URL}/999999/edit").status_code == 404


@pytest.mark.parametrize("factory", [CreditorFactory, AdvocateFactory, DebtorUserFactory,
                                     NeutralFactory])
def test_other_roles_are_refused(client, auth, db_session, factory):
    user = factory()
    row_id = db_session.scalar(select(BankRate.id).limit(1))
    auth.login_as(user)
    listing = client.get(URL)
    assert listing.status_code == 403
    assert "Platform administrators only." in listing.get_data(as_text=True)
    assert client.get(f"{URL}/{row_id}/edit").status_code == 403
    before = counts(db_session)
    token = csrf_from(listing)
    assert client.post(URL, data={"csrf_token": token, "effective_from": "2026-02-06",
                                  "rate_percent": "5.25", "source_note": "x"}).status_code == 403
    assert client.post(f"{URL}/{row_id}/edit", data={
        "csrf_token": token, "effective_from": "2026-02-06", "rate_percent": "5.25",
        "source_note": "x"}).status_code == 403
    assert counts(db_session) == before


def test_anonymous_visitors_are_sent_to_log_in(client, db_session):
    for path in (URL, f"{URL}/1/edit"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.post(URL, data={}).status_code == 400  # no form token: refused before the view

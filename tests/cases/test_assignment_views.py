"""The case's advocate through the pages and the API: the case page's form, the new-claim field,
the case list's bulk action, the advocate's decline page, POST /api/cases's advocate_email.
Happy paths, bad and stale input (a clear 4xx, nothing changed) and the wrong people (403/404)."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.dev import outbox as box
from tests.cases.test_intake import api_body, form_data
from tests.conftest import csrf_for, csrf_from
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
)

S = CaseStatus


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


class World:
    def __init__(self) -> None:
        self.staff = CreditorFactory(is_org_admin=False, name="Rahul Patil")
        self.org = self.staff.organization
        self.rao = self.engaged(name="Adv. Nandini Rao")
        self.iyer = self.engaged(name="Adv. Kavya Iyer")
        self.stranger = AdvocateFactory(name="Adv. Not Engaged")

    def engaged(self, **kw):
        advocate = AdvocateFactory(**kw)
        EngagementFactory(org_id=self.org.id, advocate_id=advocate.id)
        return advocate

    def case(self, status: S = S.FILED, advocate=None) -> Case:
        return CaseFactory(creditor=self.org, _status=status, created_by_id=self.staff.id,
                           advocate_id=advocate.id if advocate else None)


@pytest.fixture
def w(db_session) -> World:
    return World()


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_for(client), **data})


# --- the case page ---------------------------------------------------------------------------

def test_creditor_assigns_then_changes_the_advocate_on_the_case_page(client, auth, w, db_session, outbox):
    case = w.case()
    auth.login_as(w.staff)
    page = client.get(f"/cases/{case.reference}")
    body = text(page)
    assert "Assign an advocate" in body and "Adv. Nandini Rao" in body and "Adv. Not Engaged" not in body
    resp = client.post(f"/cases/{case.reference}/advocate",
                       data={"csrf_token": csrf_from(page), "advocate_id": str(w.rao.id), "current": ""})
    assert resp.status_code == 302
    db_session.refresh(case)
    assert case.advocate_id == w.rao.id
    assert [m["To"] for m in outbox()] == [w.rao.email]
    page = client.get(f"/cases/{case.reference}")
    assert "is now the advocate" in text(page) and "Change the advocate" in text(page)

    resp = post(client, f"/cases/{case.reference}/advocate", advocate_id=str(w.iyer.id), current=str(w.rao.id))
    assert resp.status_code == 302
    db_session.refresh(case)
    assert case.advocate_id == w.iyer.id


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999", "१", "None"])
def test_junk_advocate_is_refused_in_words(client, auth, w, db_session, value):
    case = w.case()
    auth.login_as(w.staff)
    resp = post(client, f"/cases/{case.reference}/advocate", advocate_id=value, current="")
    assert resp.status_code == 422
    assert "Choose an advocate" in text(resp) or "not an advocate your organisation has engaged" in text(resp)
    db_session.refresh(case)
    assert case.advocate_id is None


def test_an_advocate_not_engaged_is_refused(client, auth, w, db_session):
    case = w.case()
    auth.login_as(w.staff)
    resp = post(client, f"/cases/{case.reference}/advocate", advocate_id=str(w.stranger.id), current="")
    assert resp.status_code == 422
    assert "not an advocate your organisation has engaged" in text(resp)
    db_session.refresh(case)
    assert case.advocate_id is None


def test_a_stale_form_is_asked_again(client, auth, w, db_session):
    """Someone changed the advocate after this page was opened: the choice is not applied blindly."""
    case = w.case(advocate=w.iyer)
    auth.login_as(w.staff)
    resp = post(client, f"/cases/{case.reference}/advocate", advocate_id=str(w.rao.id), current="")
    assert resp.status_code == 409
    assert "changed after you opened this page (it is now Adv. Kavya Iyer)" in text(resp)
    assert f'name="current" type="hidden" value="{w.iyer.id}"' in text(resp)  # the form is fresh now
    db_session.refresh(case)
    assert case.advocate_id == w.iyer.id


def test_an_expired_form_is_a_400(client, auth, w, db_session):
    case = w.case()
    auth.login_as(w.staff)
    resp = client.post(f"/cases/{case.reference}/advocate",
                       data={"csrf_token": "stale", "advocate_id": str(w.rao.id), "current": ""})
    assert resp.status_code == 400


def test_wrong_people_cannot_assign(client, auth, w, db_session):
    case = w.case(advocate=w.rao)
    data = {"advocate_id": str(w.iyer.id), "current": str(w.rao.id)}
    for user, status in [(w.rao, 403), (w.iyer, 404), (CreditorFactory(), 404), (w.stranger, 404)]:
        auth.login_as(user)
        assert post(client, f"/cases/{case.reference}/advocate", **data).status_code == status, user
    in_review = w.case(S.NOTICE_IN_REVIEW, advocate=w.rao)
    auth.login_as(w.staff)
    resp = post(client, f"/cases/{in_review.reference}/advocate", advocate_id=str(w.iyer.id),
                current=str(w.rao.id))
    assert resp.status_code == 403 and "not with the advocate for review" in text(resp)
    db_session.refresh(case)
    assert case.advocate_id == w.rao.id


def test_the_debtor_sees_no_assignment_form_nor_decline(client, auth, w, db_session):
    debtor = DebtorUserFactory()
    case = w.case(S.NOTICE_SERVED, advocate=w.rao)
    case.debtor.user_id = debtor.id
    auth.login_as(debtor)
    resp = client.get(f"/cases/{case.reference}")
    assert resp.status_code == 200
    assert "Assign an advocate" not in text(resp) and "Decline this case" not in text(resp)


# --- declining -------------------------------------------------------------------------------

def test_advocate_declines_with_a_reason_and_the_creditor_reassigns(client, auth, w, db_session, outbox):
    case = w.case(advocate=w.rao)
    auth.login_as(w.rao)
    page = client.get(f"/cases/{case.reference}")
    assert "Decline this case" in text(page)
    confirm = client.get(f"/cases/{case.reference}/decline")
    assert confirm.status_code == 200 and "Your reason for declining" in text(confirm)

    resp = client.post(f"/cases/{case.reference}/decline",
                       data={"csrf_token": csrf_from(confirm), "reason": "   "})
    assert resp.status_code == 422 and "Give your reason for declining" in text(resp)
    db_session.refresh(case)
    assert case.advocate_id == w.rao.id

    resp = post(client, f"/cases/{case.reference}/decline", reason="Conflict: I act for the debtor.")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/cases/")
    db_session.refresh(case)
    assert case.advocate_id is None
    [mail] = outbox()
    assert mail["To"] == w.staff.email and "Conflict: I act for the debtor." in box.body_text(mail)

    auth.login_as(w.staff)
    page = client.get(f"/cases/{case.reference}")
    assert "Adv. Nandini Rao declined this case" in text(page)
    assert "Conflict: I act for the debtor." in text(page)
    resp = post(client, f"/cases/{case.reference}/advocate", advocate_id=str(w.iyer.id), current="")
    assert resp.status_code == 302
    assert "declined this case" not in text(client.get(f"/cases/{case.reference}"))


def test_the_reason_is_shown_to_the_creditor_and_the_decliner_only(client, auth, w, db_session):
    debtor = DebtorUserFactory()
    case = w.case(S.FILED, advocate=w.rao)
    case.debtor.user_id = debtor.id
    auth.login_as(w.rao)
    assert post(client, f"/cases/{case.reference}/decline", reason="Conflict of interest.").status_code == 302
    for user, shown in [(w.staff, True), (w.rao, True), (w.iyer, False), (debtor, False)]:
        auth.login_as(user)
        page = client.get(f"/cases/{case.reference}")
        assert page.status_code == 200, user  # w.iyer: an engaged advocate sees unassigned cases
        assert ("Conflict of interest." in text(page)) is shown, user


def test_only_the_assigned_advocate_may_decline(client, auth, w, db_session):
    case = w.case(advocate=w.rao)
    for user, status in [(w.staff, 403), (w.iyer, 404), (w.stranger, 404), (CreditorFactory(), 404)]:
        auth.login_as(user)
        assert client.get(f"/cases/{case.reference}/decline").status_code == status, user
        assert post(client, f"/cases/{case.reference}/decline", reason="x").status_code == status, user
    in_review = w.case(S.NOTICE_IN_REVIEW, advocate=w.rao)
    auth.login_as(w.rao)
    resp = post(client, f"/cases/{in_review.reference}/decline", reason="No time.")
    assert resp.status_code == 403 and "return the notice first" in text(resp)
    db_session.refresh(case)
    assert case.advocate_id == w.rao.id


def test_an_overlong_reason_is_refused(client, auth, w, db_session):
    case = w.case(advocate=w.rao)
    auth.login_as(w.rao)
    resp = post(client, f"/cases/{case.reference}/decline", reason="x" * 2001)
    assert resp.status_code == 422 and "under 2000 characters" in text(resp)


# --- the new-claim form ----------------------------------------------------------------------

def test_new_claim_defaults_to_the_only_engaged_advocate(client, auth, db_session, outbox):
    staff = CreditorFactory()
    only = AdvocateFactory(name="Adv. Only One")
    EngagementFactory(org_id=staff.org_id, advocate_id=only.id)
    auth.login_as(staff)
    page = client.get("/cases/new")
    assert f'<option selected value="{only.id}">' in text(page)
    resp = client.post("/cases/new", data=form_data(csrf_from(page), advocate_id=str(only.id)))
    assert resp.status_code == 302
    case = db_session.scalar(select(Case).where(Case.creditor_org_id == staff.org_id))
    assert case.advocate_id == only.id
    assert [m["To"] for m in outbox()] == [only.email]


def test_new_claim_with_no_advocate_and_with_a_bad_one(client, auth, w, db_session):
    auth.login_as(w.staff)
    page = client.get("/cases/new")
    assert "None for now" in text(page)
    for bad in (str(w.stranger.id), "junk"):
        resp = client.post("/cases/new", data=form_data(csrf_from(page), advocate_id=bad))
        assert resp.status_code == 422 and "not an advocate your organisation has engaged" in text(resp)
    assert db_session.scalar(select(Case).where(Case.creditor_org_id == w.org.id)) is None
    resp = client.post("/cases/new", data=form_data(csrf_from(page), advocate_id=""))
    assert resp.status_code == 302
    assert db_session.scalar(select(Case).where(Case.creditor_org_id == w.org.id)).advocate_id is None


def test_new_claim_without_any_engaged_advocate_points_to_the_team_page(client, auth, db_session):
    admin = CreditorFactory(is_org_admin=True)
    auth.login_as(admin)
    page = text(client.get("/cases/new"))
    assert "has not engaged an advocate yet" in page and 'href="/team"' in page


# --- the case list ---------------------------------------------------------------------------

def test_bulk_assign_from_the_case_list(client, auth, w, db_session, outbox):
    a, b, in_review = w.case(), w.case(advocate=w.iyer), w.case(S.NOTICE_IN_REVIEW, advocate=w.iyer)
    auth.login_as(w.staff)
    page = client.get("/cases/")
    assert f'name="cases" value="{a.id}"' in text(page) and "Assign advocate" in text(page)
    resp = client.post("/cases/assign", data={"csrf_token": csrf_from(page), "advocate_id": str(w.rao.id),
                                              "cases": [str(a.id), str(b.id), str(in_review.id)]})
    assert resp.status_code == 302
    for case in (a, b, in_review):
        db_session.refresh(case)
    assert (a.advocate_id, b.advocate_id, in_review.advocate_id) == (w.rao.id, w.rao.id, w.iyer.id)
    [mail] = outbox()
    assert mail["To"] == w.rao.email and mail["Subject"] == "2 steps on Sulah wait for you"
    assert a.reference in box.body_text(mail) and b.reference in box.body_text(mail)
    listing = text(client.get("/cases/"))
    assert "is now the advocate of 2 cases" in listing
    assert f"Not assigned: {in_review.reference}: its advocate cannot be changed now" in listing


@pytest.mark.parametrize("data,message", [
    ({"advocate_id": "ADV"}, "Tick at least one case."),
    ({"cases": "x", "advocate_id": "ADV"}, "could not be coerced"),
    ({"cases": "CASE"}, "Choose an advocate."),
    ({"cases": "CASE", "advocate_id": "STRANGER"}, "not an advocate your organisation has engaged"),
    ({"cases": [str(n) for n in range(1, 203)], "advocate_id": "ADV"}, "at most 200 cases"),
])
def test_bulk_assign_bad_input(client, auth, w, db_session, data, message):
    case = w.case()
    ids = {"ADV": str(w.rao.id), "STRANGER": str(w.stranger.id), "CASE": str(case.id)}
    auth.login_as(w.staff)
    resp = post(client, "/cases/assign", **{k: ids.get(v, v) if isinstance(v, str) else v
                                            for k, v in data.items()})
    assert resp.status_code == 422 and message in text(resp)
    db_session.refresh(case)
    assert case.advocate_id is None


def test_bulk_assign_never_touches_another_organisations_cases(client, auth, w, db_session):
    theirs = CaseFactory(_status=S.FILED)
    auth.login_as(w.staff)
    resp = post(client, "/cases/assign", cases=str(theirs.id), advocate_id=str(w.rao.id))
    assert resp.status_code == 409 and "1 of the ticked cases could not be found" in text(resp)
    assert theirs.reference not in text(resp)
    db_session.refresh(theirs)
    assert theirs.advocate_id is None


def test_only_creditor_staff_bulk_assign(client, auth, w, db_session):
    case = w.case()
    for user in (w.rao, DebtorUserFactory()):
        auth.login_as(user)
        assert post(client, "/cases/assign", cases=str(case.id), advocate_id=str(w.rao.id)).status_code == 403
        assert 'action="/cases/assign"' not in text(client.get("/cases/"))
    db_session.refresh(case)
    assert case.advocate_id is None


# --- POST /api/cases -------------------------------------------------------------------------

def api_post(client, body):
    return client.post("/api/cases", json=body, headers={"X-CSRFToken": csrf_for(client)})


def test_api_assigns_an_engaged_advocate_by_email(client, auth, w, db_session, outbox):
    auth.login_as(w.staff)
    resp = api_post(client, api_body(advocate_email=w.rao.email.upper()))
    assert resp.status_code == 201, resp.json
    case = db_session.scalar(select(Case).where(Case.reference == resp.json["reference"]))
    assert case.advocate_id == w.rao.id
    assert [m["To"] for m in outbox()] == [w.rao.email]


@pytest.mark.parametrize("email", ["STRANGER", "nobody@nowhere.example", "not an address"])
def test_api_refuses_an_unengaged_or_unknown_advocate(client, auth, w, db_session, email):
    auth.login_as(w.staff)
    email = w.stranger.email if email == "STRANGER" else email
    resp = api_post(client, api_body(advocate_email=email))
    assert resp.status_code == 422
    assert resp.json["error"] == "invalid"
    assert "not the e-mail address of an advocate your organisation has engaged" in \
        resp.json["errors"]["advocate_email"][0]
    assert db_session.scalar(select(Case).where(Case.creditor_org_id == w.org.id)) is None


@pytest.mark.parametrize("value", [42, ["a@b.example"], "x" * 300])
def test_api_advocate_email_of_the_wrong_shape(client, auth, w, db_session, value):
    auth.login_as(w.staff)
    resp = api_post(client, api_body(advocate_email=value))
    assert resp.status_code == 422 and "advocate_email" in resp.json["errors"]

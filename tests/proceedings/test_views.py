"""The proceedings pages end to end: the acting arbitrator sets the calendar, each side files (the debtor
through its personal link), a hearing is held and minuted, a signed order issued and downloaded, fees and
extensions recorded; bad input gets a clear 4xx and nothing is kept."""
import io
from datetime import timedelta

from sqlalchemy import func, select

from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings.models import CalendarStep, FeeDeposit, Hearing
from notices.signing.signatures import signature_intact
from portal.cases.intake import today_ist
from portal.extensions import db
from portal.types import to_ist, utcnow
from tests.conftest import csrf_from
from tests.debtor.guest import login_guest
from tests.proceedings.helpers import _P12, accept, arbitration_case, give_key


def page(client, case, status=200):
    resp = client.get(f"/arbitration/{case.reference}/proceedings")
    assert resp.status_code == status, resp.get_data(as_text=True)[:800]
    return resp


def post(client, case, suffix, data, **kw):
    token = csrf_from(page(client, case))
    return client.post(f"/arbitration/{case.reference}/proceedings{suffix}", data={"csrf_token": token, **data},
                       **kw)


def days(n: int) -> str:
    return (today_ist() + timedelta(days=n)).isoformat()


def test_calendar_filings_hearing_and_order(client, auth, db_session, outbox):
    a = arbitration_case()
    accept(a, answered_at=utcnow() - timedelta(days=10))
    auth.login_as(a.neutral)
    body = page(client, a.case).get_data(as_text=True)
    assert "has not set the calendar" in body and "not started" not in body.split("Award (s.29A")[0]
    bad = post(client, a.case, "/steps", {"kind": "statement_of_claim", "party": "claimant", "due_on": ""})
    assert bad.status_code == 422 and "Give the deadline" in bad.get_data(as_text=True)
    bad = post(client, a.case, "/steps", {"kind": "pleading", "party": "claimant", "due_on": days(7)})
    assert bad.status_code == 422
    past = post(client, a.case, "/steps", {"kind": "defence", "party": "respondent", "due_on": days(-1)})
    assert past.status_code == 409 and "cannot be in the past" in past.get_data(as_text=True)
    for kind, party, due in (("statement_of_claim", "claimant", 7), ("defence", "respondent", 14)):
        assert post(client, a.case, "/steps", {"kind": kind, "party": party, "due_on": days(due)}).status_code == 302
    claim, defence = proceedings.steps_for(a.case)
    # s.23(4) runs from the arbitrator's acceptance, as the tribunal recorded it.
    assert proceedings.proceedings_for(a.case).appointed_on == to_ist(utcnow() - timedelta(days=10)).date()
    body = page(client, a.case).get_data(as_text=True)
    assert "Pleadings complete (s.23(4), six months)" in body and "Statement of defence" in body

    auth.login_as(a.advocate)
    wrong = post(client, a.case, f"/steps/{defence.id}/file",
                 {"file": (io.BytesIO(b"Our claim.\n"), "claim.txt")}, content_type="multipart/form-data")
    assert wrong.status_code == 409 and "respondent&#39;s to file" in wrong.get_data(as_text=True)
    none = post(client, a.case, f"/steps/{claim.id}/file", {}, content_type="multipart/form-data")
    assert none.status_code == 422 and "Choose the file" in none.get_data(as_text=True)
    filed = post(client, a.case, f"/steps/{claim.id}/file",
                 {"file": (io.BytesIO(b"Statement of claim.\n"), "claim.txt"), "description": "with annexures"},
                 content_type="multipart/form-data")
    assert filed.status_code == 302
    assert post(client, a.case, "/steps", {"kind": "other", "party": "claimant",
                                           "due_on": days(3)}).status_code == 403

    login_guest(client, a.case, outbox)
    assert "My side agrees to the fast track" in page(client, a.case).get_data(as_text=True)
    filed = post(client, a.case, f"/steps/{defence.id}/file",
                 {"file": (io.BytesIO(b"Defence: goods short.\n"), "defence.txt")}, content_type="multipart/form-data")
    assert filed.status_code == 302
    db.session.refresh(defence)
    assert defence.filed_at is not None and defence.filed_by_id is None and defence.document_ids

    auth.login_as(a.neutral)
    body = page(client, a.case).get_data(as_text=True)
    assert "Pleadings complete on" in body and "Award (s.29A, twelve months)" in body
    bad = post(client, a.case, "/hearings", {"date": days(3), "time": "11:00", "duration_minutes": "60",
                                            "video_link": "http://meet.example.in/x"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    assert post(client, a.case, "/hearings", {"date": days(3), "time": "11:00", "duration_minutes": "60",
                                              "video_link": "https://meet.example.in/x"}).status_code == 302
    hearing = db.session.scalar(select(Hearing).where(Hearing.case_id == a.case.id))
    notices = [m for m in outbox() if m["Subject"] == f"{a.case.reference}: arbitration hearing scheduled"]
    assert len(notices) == 2 and any(m["To"] == "debtor@example.in" for m in notices)  # one per side
    assert "https://meet.example.in/x" in notices[0].get_body(("plain",)).get_content()
    url = f"/arbitration/{a.case.reference}/proceedings/hearings/{hearing.id}"
    early = client.post(f"{url}/minutes", data={"csrf_token": csrf_from(client.get(url)), "minutes": "x"})
    assert early.status_code == 409 and "once the hearing has started" in early.get_data(as_text=True)
    hearing.starts_at = utcnow() - timedelta(minutes=70)  # the hearing has now taken place
    db.session.commit()
    done = client.post(f"{url}/minutes", data={
        "csrf_token": csrf_from(client.get(url)), "claimant_present": "y", "claimant_by": "Adv. R. Iyer",
        "respondent_present": "y", "respondent_by": "Mr Rao", "arbitrator_present": "y",
        "minutes": "Both sides heard on the delivery dispute.", "finalise": "y"})
    assert done.status_code == 302
    shown = client.get(url).get_data(as_text=True)
    assert "Both sides heard on the delivery dispute." in shown and "(final," in shown and "Mr Rao" in shown

    refused = post(client, a.case, "/orders", {"text": "The claimant shall produce the ledger."})
    assert refused.status_code == 409 and "Upload your digital signature" in refused.get_data(as_text=True)
    give_key(a.neutral)
    from tests.serving.helpers import ALWAYS

    for key, value in ALWAYS.items():  # the served order goes now, whatever the hour (DOMAIN 24)
        setattr(a.case.creditor, key, value)
    db.session.commit()
    assert post(client, a.case, "/orders", {"text": "The claimant shall produce the ledger."}).status_code == 302
    # The claimant's people are e-mailed; the respondent is served the signed order as a document of
    # its own, in the tribunal's name, with its own attachment and a delivery timeline (16.5).
    mailed = [m for m in outbox() if m["Subject"] == f"{a.case.reference}: Procedural Order No. 1"]
    assert mailed and all("debtor@example.in" not in m["To"] for m in mailed)
    (served,) = [m for m in outbox() if "debtor@example.in" in m["To"] and "Procedural Order No. 1" in m["Subject"]]
    assert served["Subject"] == f"Procedural Order No. 1 in arbitration {a.case.reference}, from the arbitral tribunal"
    assert [p.get_filename() for p in served.iter_attachments()] == [
        f"procedural-order-no-1-{a.case.reference}.pdf"]
    from notices.serving.documents import DocumentKind, for_case

    (document,) = [d for d in for_case(a.case) if d.kind == DocumentKind.PROCEDURAL_ORDER]
    assert document.sender == "the arbitral tribunal" and document.status.value == "serving"
    pdf = client.get(f"/arbitration/{a.case.reference}/proceedings/orders/1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and signature_intact(pdf.data)
    assert client.get(f"/arbitration/{a.case.reference}/proceedings/orders/2.pdf").status_code == 404

    auth.login_as(a.staff)
    assert client.get(f"/arbitration/{a.case.reference}/proceedings/orders/1.pdf").status_code == 200
    assert "Procedural Order No. 1" in page(client, a.case).get_data(as_text=True)


def test_late_filing_is_refused_until_the_arbitrator_extends(client, auth, db_session):
    a = arbitration_case()
    accept(a)
    proceedings.open_proceedings(a.neutral, a.case, today_ist())
    step = proceedings.add_step(a.neutral, a.case, kind=proceedings.StepKind.DOCUMENTS,
                                party=proceedings.ProceedingParty.CLAIMANT, due_on=today_ist(), title="",
                                today=today_ist())
    step.due_on = today_ist() - timedelta(days=1)
    db.session.commit()
    auth.login_as(a.staff)
    assert "ask the arbitrator to extend it" in page(client, a.case).get_data(as_text=True)
    late = post(client, a.case, f"/steps/{step.id}/file", {"file": (io.BytesIO(b"Ledger.\n"), "l.txt")},
                content_type="multipart/form-data")
    assert late.status_code == 409 and "a late filing is not accepted" in late.get_data(as_text=True)
    auth.login_as(a.neutral)
    assert post(client, a.case, f"/steps/{step.id}/extend", {"due_on": "not a date"}).status_code == 422
    assert post(client, a.case, f"/steps/{step.id}/extend", {"due_on": days(5)}).status_code == 302
    auth.login_as(a.staff)
    assert post(client, a.case, f"/steps/{step.id}/file", {"file": (io.BytesIO(b"Ledger.\n"), "l.txt")},
                content_type="multipart/form-data").status_code == 302
    other = arbitration_case()
    assert client.post(f"/arbitration/{other.case.reference}/proceedings/steps/{step.id}/file",
                       data={"csrf_token": csrf_from(page(client, a.case))}).status_code == 404


def test_fees_extensions_and_fast_track(client, auth, db_session, outbox):
    a = arbitration_case()
    accept(a)
    auth.login_as(a.neutral)
    bad = post(client, a.case, "/fees", {"party": "claimant", "amount": "-5", "received_on": days(0),
                                         "reference": "UTR1"})
    assert bad.status_code == 422
    assert post(client, a.case, "/fees", {"party": "claimant", "amount": "25000.50", "received_on": days(0),
                                          "reference": "UTR1"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(FeeDeposit)) == 1
    assert "₹25,000.50" in page(client, a.case).get_data(as_text=True)
    assert post(client, a.case, "/extensions", {"months": "six", "basis": "consent"}).status_code == 422
    assert post(client, a.case, "/extensions", {"months": "3", "basis": "whim"}).status_code == 422
    too_long = post(client, a.case, "/extensions", {"months": "7", "basis": "consent"})
    assert too_long.status_code == 409 and "at most 6 months" in too_long.get_data(as_text=True)
    assert post(client, a.case, "/extensions", {"months": "6", "basis": "consent",
                                                "note": "Letters of both parties"}).status_code == 302
    more = post(client, a.case, "/extensions", {"months": "1", "basis": "consent"})
    assert more.status_code == 409 and "only a court extends" in more.get_data(as_text=True)
    early = post(client, a.case, "/fast-track", {})
    assert early.status_code == 409
    proceedings.open_proceedings(a.neutral, a.case, today_ist())
    db.session.commit()
    for user in (a.staff, a.debtor):
        auth.login_as(user)
        assert post(client, a.case, "/fast-track/consent", {}).status_code == 302
    auth.login_as(a.neutral)
    assert post(client, a.case, "/fast-track", {}).status_code == 302
    body = page(client, a.case).get_data(as_text=True)
    assert "Fast-track award (s.29B, six months)" in body and "Schedule a hearing" not in body
    refused = post(client, a.case, "/hearings", {"date": days(3), "time": "11:00", "duration_minutes": "60",
                                                 "video_link": "https://meet.example.in/x"})
    assert refused.status_code == 409 and "without hearings" in refused.get_data(as_text=True)


def test_a_neutral_who_may_not_act_only_reads(client, auth, db_session):
    a = arbitration_case()  # appointed, but not accepted: the tribunal says it may not act yet
    auth.login_as(a.neutral)
    body = page(client, a.case).get_data(as_text=True)
    assert "Add a step" not in body
    refused = post(client, a.case, "/steps", {"kind": "defence", "party": "respondent", "due_on": days(7)})
    assert refused.status_code == 403 and "accepted and filed its disclosure" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CalendarStep)) == 0


def test_the_neutral_certificate_page(client, auth, db_session):
    a = arbitration_case()
    auth.login_as(a.neutral)
    url = "/arbitration/neutral/certificate"
    assert "No certificate is on file" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": csrf_from(client.get(url)), "passphrase": "pw",
                                 "pkcs12": (io.BytesIO(b"junk"), "key.p12")}, content_type="multipart/form-data")
    assert bad.status_code == 422
    give_key(a.neutral)  # makes the demo key once
    db.session.rollback()
    ok = client.post(url, data={"csrf_token": csrf_from(client.get(url)), "passphrase": "pw",
                                "pkcs12": (io.BytesIO(_P12["p12"]), "key.p12")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    assert "Arbitrator (test)" in client.get(url).get_data(as_text=True)
    auth.login_as(a.advocate)
    assert client.get(url).status_code == 403

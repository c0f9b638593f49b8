"""Who may appoint (A&C s.11; Perkins Eastman 2019, CORE 2024): the institution only where the
agreement names it as appointing authority or both parties agreed in writing after the dispute arose;
under an ad hoc clause without that the admin's appoint button is absent, the page names the court
route under s.11(5)/(6) and the parties download the s.11 application bundle."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import authority
from arbitration.tribunal.models import InstitutionConsent
from portal.accounts.policy import Action, Side, can
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from tests.conftest import csrf_for
from tests.factories import AdminFactory, DebtorUserFactory, NeutralFactory
from tests.invocation.helpers import clause_basis, disputed_case, signed_invocation
from tests.settlement.helpers import pdf_text
from tests.tribunal.helpers import world


def ad_hoc_case():
    """An ad hoc clause (no appointing authority named), the s.21 notice signed, the case in arbitration."""
    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    signed_invocation(creditor, advocate, case)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    case._status = CaseStatus.IN_ARBITRATION
    db.session.flush()
    return creditor, debtor, case


@pytest.mark.parametrize(("clause", "names"), [
    ("The sole arbitrator shall be appointed by Sulah from its panel under the Arbitration Act.", True),
    ("Disputes go to arbitration; hearings by video on the Sulah platform.", False),   # no appointing
    ("The arbitrator shall be appointed by the parties jointly under the Arbitration Act.", False),
    ("The Nagpur Arbitration Centre shall appoint the sole arbitrator.", True),         # a configured user
])
def test_a_clause_names_the_institution_only_as_the_one_who_appoints(app, monkeypatch, clause, names):
    monkeypatch.setitem(app.config, "APPOINTING_INSTITUTIONS", ("Nagpur Arbitration Centre",))
    with app.app_context():
        assert authority.clause_names_institution(clause) is names


def test_without_the_agreement_or_both_consents_the_institution_may_not_appoint(db_session):
    w = world(institution=False)
    assert not can(w.admin, Action.APPOINT_ARBITRATOR, w.case)
    with pytest.raises(DomainError, match=r"section 11\(5\)"):
        tribunal.appoint_by_institution(w.admin, w.case, w.neutral)
    authority.give_consent(w.staff, w.case)
    with pytest.raises(DomainError, match="already agreed"):
        authority.give_consent(w.advocate, w.case)  # the creditor's side has agreed once
    assert not authority.institution_may_appoint(w.case)
    authority.give_consent(w.debtor, w.case)
    assert can(w.admin, Action.APPOINT_ARBITRATOR, w.case)
    assert tribunal.appoint_by_institution(w.admin, w.case, w.neutral).awaiting_neutral
    rows = db.session.scalars(select(InstitutionConsent).order_by(InstitutionConsent.id)).all()
    assert [(r.side, r.given_by_id) for r in rows] == [(Side.CREDITOR, w.staff.id), (Side.DEBTOR, w.debtor.id)]
    assert rows[0].statement == authority.CONSENT_STATEMENT
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "arbitration.institution_consent")).all() == ["arbitration.institution_consent"] * 2


def test_a_submission_agreement_names_the_institution(db_session):
    w = world(institution=False)
    from arbitration.invocation.models import ArbitrationBasis, BasisKind
    from arbitration.invocation.states import BasisStatus

    db.session.add(ArbitrationBasis(case=w.case, kind=BasisKind.SUBMISSION_AGREEMENT, status=BasisStatus.IN_FORCE,
                                    seat="Pune", recorded_by_id=w.staff.id))
    db.session.flush()
    assert authority.named_in_agreement(w.case) and can(w.admin, Action.APPOINT_ARBITRATOR, w.case)


def test_ad_hoc_clause_page_names_the_court_and_offers_the_bundle_not_the_button(client, auth, db_session,
                                                                                  tmp_path):
    creditor, debtor, case = ad_hoc_case()
    neutral = NeutralFactory(name="Justice (retd.) K. Iyer")
    tribunal.propose(creditor, case, neutral)
    db.session.commit()
    auth.login_as(AdminFactory())
    page = client.get(f"/arbitration/{case.reference}/tribunal").get_data(as_text=True)
    assert "Appoint as the institution" not in page and "section 11(5)" in page
    refused = client.post(f"/arbitration/{case.reference}/tribunal/appoint",
                          data={"csrf_token": csrf_for(client), "neutral_id": str(neutral.id)})
    assert refused.status_code == 403 and "s.11(5)/(6)" in refused.get_data(as_text=True)
    awaiting = client.get("/arbitration/tribunals/awaiting").get_data(as_text=True)
    assert "the court, s.11(5)/(6)" in awaiting

    auth.logout()
    auth.login_as(creditor)
    page = client.get(f"/arbitration/{case.reference}/tribunal").get_data(as_text=True)
    assert "Download the s.11 application bundle" in page
    assert "Agree in writing that the institution appoints" in page
    got = client.get(f"/arbitration/{case.reference}/tribunal/s11-application.zip")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    assert f"s11-application-{case.reference}.zip" in got.headers["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(got.data))
    names = bundle.namelist()
    assert names[0] == "01-s11-application-facts.pdf" and names[1].startswith("02-agreement-")
    assert names[2] == f"03-s21-notice-{case.reference}.pdf"
    facts = " ".join(pdf_text(bundle.read(names[0]), tmp_path).split())
    assert "Any dispute arising out of this agreement shall be referred to arbitration" in facts
    assert "Justice (retd.) K. Iyer" in facts and "not agreed by the other party" in facts
    assert "section 11(5)" in facts

    # Both sides agree in writing: the institution may appoint, and the bundle has no purpose.
    assert client.post(f"/arbitration/{case.reference}/tribunal/institution-consent",
                       data={"csrf_token": csrf_for(client)}).status_code == 302
    auth.logout()
    auth.login_as(debtor)
    assert client.post(f"/arbitration/{case.reference}/tribunal/institution-consent",
                       data={"csrf_token": csrf_for(client)}).status_code == 302
    assert client.post(f"/arbitration/{case.reference}/tribunal/institution-consent",
                       data={"csrf_token": csrf_for(client)}).status_code == 409
    assert client.get(f"/arbitration/{case.reference}/tribunal/s11-application.zip").status_code == 409
    auth.logout()
    auth.login_as(AdminFactory())
    page = client.get(f"/arbitration/{case.reference}/tribunal").get_data(as_text=True)
    assert "Appoint as the institution" in page
    assert "Both parties agreed in writing, after the dispute arose, that Sulah appoints." in page

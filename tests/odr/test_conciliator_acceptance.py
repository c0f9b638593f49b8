"""A conciliator, like an arbitrator, discloses and accepts before acting (A&C s.67(1); the Sixth
Schedule form): until then it holds no private session, makes no proposal and authenticates no
settlement; the institution cannot appoint a neutral tied to a party or its counsel."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from arbitration.odr import conciliation
from arbitration.odr.models.room import ConciliatorAcceptance
from arbitration.tribunal import panel
from arbitration.tribunal.models import Ground
from portal.accounts.policy import Action, can
from portal.cases.states import CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from tests.accounts.parties import Parties
from tests.conftest import csrf_for
from tests.factories import NeutralFactory
from tests.odr.helpers import post_message
from tests.tribunal.helpers import full_disclosure


def appointed_not_accepted():
    w = Parties()
    case = w.new_case(CaseStatus.IN_CONCILIATION, conciliator_accepted=False)
    return w, case


def test_the_conciliator_acts_only_after_disclosing_and_accepting(client, auth, db_session):
    w, case = appointed_not_accepted()
    for action in (Action.CAUCUS, Action.PROPOSE_AS_NEUTRAL, Action.TAKE_PART_IN_ROOM, Action.SIGN_SETTLEMENT):
        assert not can(w.neutral, action, case), action
        assert can(w.creditor_staff, action, case) or action == Action.PROPOSE_AS_NEUTRAL
    auth.login_as(w.neutral)
    room = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "file your disclosure and accept the appointment" in room
    refused = post_message(client, case, "Creditor: what is your floor?", caucus="creditor")
    assert refused.status_code == 403 and "disclosed and accepted" in refused.get_data(as_text=True)

    path = f"/odr/{case.reference}/conciliator"
    assert client.get(path).status_code == 200
    incomplete = client.post(path, data={"csrf_token": csrf_for(client), **full_disclosure(experience="")})
    assert incomplete.status_code == 422 and "Prior experience: this item must be answered." in \
        incomplete.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConciliatorAcceptance.id))) == 0
    done = client.post(path, data={"csrf_token": csrf_for(client), **full_disclosure()})
    assert done.status_code == 302
    row = conciliation.acceptance(case, w.neutral.id)
    assert row.disclosure["seventh_schedule"] and row.disclosure["ongoing"] == 3
    assert post_message(client, case, "Creditor: what is your floor?", caucus="creditor").status_code == 302
    again = client.post(path, data={"csrf_token": csrf_for(client), **full_disclosure()})
    assert again.status_code == 409

    auth.login_as(w.creditor_staff)
    assert client.get(path).status_code == 403  # only the conciliator answers its appointment


def test_a_conflicted_neutral_is_neither_appointed_nor_accepts(db_session):
    w = Parties()
    case = w.new_case(CaseStatus.IN_NEGOTIATION, conciliator_accepted=False)
    case.neutral_id = None
    tied = NeutralFactory()
    panel.declare(tied, ground=Ground.DIRECTOR, counterpart_name=case.debtor.legal_name)
    with pytest.raises(DomainError, match="Seventh Schedule"):
        conciliation.appoint_neutral(w.admin, case, tied)
    assert case.status == CaseStatus.IN_NEGOTIATION
    later = w.new_case(CaseStatus.IN_CONCILIATION, conciliator_accepted=False)
    panel.declare(w.neutral, ground=Ground.FAMILY, counterpart_name=later.debtor.legal_name)
    with pytest.raises(DomainError, match="Seventh Schedule"):
        conciliation.accept(w.neutral, later, full_disclosure())

"""The arbitration lifecycles' tables: the audit names they write are the established ones (the
notifications key on them), and the window for invoking arbitration is the case table's own."""
from __future__ import annotations

from arbitration.awards.states import AWARD
from arbitration.invocation.states import BASIS, INVOCABLE
from arbitration.odr.states import BIDDING, CONCILIATION_REQUEST, OFFER, PROPOSAL
from arbitration.settlement.states import AGREEMENT
from arbitration.tribunal.states import APPOINTMENT
from portal.cases import windows
from portal.cases.states import CASE, CaseStatus
from portal.lifecycle import Machine


def events(machine: Machine) -> set[str]:
    return {f"{machine.event or machine.name}.{t.action}" for t in machine.transitions}


def test_the_tables_write_the_established_audit_names():
    assert events(OFFER) == {"offer.accepted", "offer.rejected", "offer.withdrawn", "offer.countered",
                             "offer.superseded", "offer.lapsed"}
    assert events(PROPOSAL) == {"proposal.accepted", "proposal.rejected", "proposal.withdrawn"}
    assert events(BIDDING) == {"bidding.agreed", "bidding.declined", "bidding.withdrawn", "bidding.settled",
                               "bidding.exhausted", "bidding.lapsed"}
    assert events(CONCILIATION_REQUEST) == {"odr.neutral_appointed"}
    assert events(AGREEMENT) == {"settlement.cancelled", "settlement.signed"}
    assert events(BASIS) == {"arbitration.submission_agreement_complete"}
    assert events(AWARD) == {"award.finalised", "award.reopened", "award.signed", "award.served"}
    assert {"arbitration.proposal_lapsed", "arbitration.arbitrator_accepted", "arbitration.arbitrator_declined",
            "arbitration.arbitrator_challenged"} <= events(APPOINTMENT)


def test_nothing_leaves_an_ended_row():
    for machine, ended in ((OFFER, set(OFFER.statuses) - {OFFER.statuses.LIVE}),
                           (BIDDING, {"declined", "withdrawn", "settled", "exhausted", "lapsed"}),
                           (AGREEMENT, {"signed", "cancelled"}), (AWARD, {"served"}),
                           (APPOINTMENT, {"declined", "removed"})):
        sources = {s.value for t in machine.transitions for s in t.sources}
        assert not sources & {str(getattr(s, "value", s)) for s in ended}, machine.name


def test_arbitration_is_invoked_from_the_case_tables_window():
    assert CASE.sources("invoke_arbitration") == INVOCABLE
    assert CaseStatus.DEFAULTED in INVOCABLE and CaseStatus.IN_ARBITRATION not in INVOCABLE
    # The window the actions are registered with (portal.cases.windows) must agree.
    assert windows.INVOCABLE_STATUSES == INVOCABLE

"""Who acts in the ODR room, the settlement, the arbitration's basis, tribunal, proceedings and
award: registered with the policy mechanism."""
from __future__ import annotations

from portal.accounts import (
    EVERY_PARTY,
    Action,
    Role,
    Rule,
    institution_may_appoint,
    may_record_settlement,
    neutral_accepted,
    register_actions,
    tribunal_may_act,
)
from portal.cases import (
    AWARD_STATUSES,
    INVOCABLE_STATUSES,
    PROCEEDINGS_STATUSES,
    ROOM_OPEN_STATUSES,
    ROOM_VISIBLE_STATUSES,
    SERVED_STATUSES,
    CaseStatus,
)

register_actions({
    Action.VIEW_ODR_ROOM: Rule(EVERY_PARTY,
                               "The ODR room opens when negotiation starts.", statuses=ROOM_VISIBLE_STATUSES),
    Action.TAKE_PART_IN_ROOM: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                                   "Only the parties and the neutral write in the ODR room while it is open; "
                                   "the conciliator once it has disclosed and accepted.",
                                   statuses=ROOM_OPEN_STATUSES, case_check=neutral_accepted),
    Action.NEGOTIATE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                           "Only the parties make, answer and bid on offers, while the room is open.",
                           statuses=ROOM_OPEN_STATUSES),
    Action.REQUEST_CONCILIATION: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                      "Either party may ask for a conciliator while they negotiate.",
                                      statuses=frozenset({CaseStatus.IN_NEGOTIATION})),
    Action.APPOINT_NEUTRAL: Rule(frozenset({Role.ADMIN}), "Only the institution appoints a neutral.",
                                 statuses=frozenset({CaseStatus.IN_NEGOTIATION})),
    Action.CAUCUS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                        "Private sessions are between the conciliator and one party, during conciliation, "
                        "once the conciliator has disclosed and accepted.",
                        statuses=frozenset({CaseStatus.IN_CONCILIATION}), case_check=neutral_accepted),
    Action.PROPOSE_AS_NEUTRAL: Rule(frozenset({Role.NEUTRAL}),
                                    "Only the conciliator makes a proposal, once it has disclosed and "
                                    "accepted.",
                                    statuses=frozenset({CaseStatus.IN_CONCILIATION}),
                                    case_check=neutral_accepted),
    Action.ACCEPT_CONCILIATION: Rule(frozenset({Role.NEUTRAL}),
                                     "Only the appointed conciliator discloses and accepts, during "
                                     "conciliation.",
                                     statuses=frozenset({CaseStatus.IN_CONCILIATION})),
    # The advocate may sign on the creditor's behalf (with its DSC).
    Action.SIGN_SETTLEMENT: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL}),
                                 "Only the parties sign the settlement (the conciliator authenticates it, "
                                 "once it has disclosed and accepted).",
                                 statuses=ROOM_OPEN_STATUSES, case_check=neutral_accepted),
    Action.VIEW_SETTLEMENT: Rule(EVERY_PARTY,
                                 "Not allowed.", statuses=ROOM_VISIBLE_STATUSES),
    Action.VIEW_PROCEEDINGS: Rule(EVERY_PARTY, "The proceedings open when the case goes to arbitration.",
                                  statuses=PROCEEDINGS_STATUSES),
    Action.CONDUCT_PROCEEDINGS: Rule(
        frozenset({Role.NEUTRAL}), "Only the arbitrator, once it has accepted and filed its disclosure, "
        "conducts the proceedings.", statuses=frozenset({CaseStatus.IN_ARBITRATION}),
        case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.TAKE_PART_IN_PROCEEDINGS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                          "Only the parties file in the arbitration, while it runs.",
                                          statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.MANAGE_NEUTRAL_KEY: Rule(frozenset({Role.NEUTRAL}), "Only neutrals keep a signing key here.",
                                    needs_case=False),
    Action.VIEW_ARBITRATION_BASIS: Rule(EVERY_PARTY, "The basis of an arbitration is shown once the notice "
                                        "is served.", statuses=SERVED_STATUSES),
    Action.RECORD_ARBITRATION_BASIS: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE}),
                                          "Only the creditor or its advocate records the basis, before "
                                          "arbitration is invoked.", statuses=INVOCABLE_STATUSES),
    Action.ACCEPT_SUBMISSION_AGREEMENT: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                             "Only the parties accept a submission agreement, before "
                                             "arbitration is invoked.", statuses=INVOCABLE_STATUSES),
    Action.EDIT_PANEL_PROFILE: Rule(frozenset({Role.NEUTRAL}), "Only neutrals keep a panel listing.",
                                    needs_case=False),
    Action.BROWSE_PANEL: Rule(frozenset({Role.ADMIN, Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                              "Not allowed.", needs_case=False),
    Action.VIEW_TRIBUNAL: Rule(EVERY_PARTY, "The tribunal is formed once the case goes to arbitration.",
                               statuses=PROCEEDINGS_STATUSES),
    Action.APPOINT_ARBITRATOR: Rule(frozenset({Role.ADMIN}),
                                    "The institution appoints an arbitrator only while the case is in "
                                    "arbitration, and only where the arbitration agreement names it or both "
                                    "parties agreed in writing that it appoints (s.11); otherwise the "
                                    "appointment is for the court under s.11(5)/(6).",
                                    statuses=frozenset({CaseStatus.IN_ARBITRATION}),
                                    case_check=lambda u, c: institution_may_appoint(c)),
    Action.CONSENT_TO_INSTITUTION: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                        "Only a party agrees that the institution appoints, while the case "
                                        "is in arbitration.",
                                        statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.S11_BUNDLE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                            "The s.11 application bundle is for the parties, while no tribunal is "
                            "constituted in the arbitration.",
                            statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.PROPOSE_ARBITRATOR: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                    "Only the parties propose and agree on an arbitrator, while the case "
                                    "is in arbitration.", statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.ANSWER_APPOINTMENT: Rule(frozenset({Role.NEUTRAL}), "Only the neutral asked answers an "
                                    "appointment.", needs_case=False),
    Action.UPDATE_DISCLOSURE: Rule(frozenset({Role.NEUTRAL}),
                                   "Only the acting arbitrator files a disclosure.",
                                   statuses=frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED}),
                                   case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.CHALLENGE_ARBITRATOR: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR}),
                                      "Only a party challenges the arbitrator, while the case is in "
                                      "arbitration.", statuses=frozenset({CaseStatus.IN_ARBITRATION})),
    Action.DECIDE_CHALLENGE: Rule(frozenset({Role.NEUTRAL}),
                                  "Only the acting arbitrator decides a challenge.",
                                  statuses=frozenset({CaseStatus.IN_ARBITRATION}),
                                  case_check=lambda u, c: tribunal_may_act(c, u)),
    Action.VIEW_AWARD: Rule(EVERY_PARTY, "The award is made in the arbitration.", statuses=AWARD_STATUSES),
    # s.30: a settlement signed during the arbitration leaves the case SETTLED; its arbitrator records it.
    Action.DRAFT_AWARD: Rule(frozenset({Role.NEUTRAL}), "Only the acting arbitrator makes the award.",
                             statuses=frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.SETTLED}),
                             case_check=lambda u, c: tribunal_may_act(c, u) or may_record_settlement(c, u)),
    Action.RECORD_AWARD_CHALLENGE: Rule(frozenset({Role.CREDITOR, Role.ADVOCATE, Role.ADMIN}),
                                        "Only the claimant's side or the institution records a s.34 "
                                        "challenge, once the award is made.",
                                        statuses=frozenset({CaseStatus.AWARDED})),
    Action.CLOSE_ON_AWARD: Rule(frozenset({Role.CREDITOR, Role.ADMIN}),
                                "Only the claimant or the institution closes an awarded case.",
                                statuses=frozenset({CaseStatus.AWARDED, CaseStatus.PAID})),
})

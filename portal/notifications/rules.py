"""Whose turn it is after each audited event: who must act, what happened, what they may do, by when,
where, and which later events close the item. Pure Python (no Flask, no database): the listener
(portal.notifications.opening) loads the facts and applies this table.

Keyed on audit action names, which stay the same whichever service or `fire()` writes them.
"""
from __future__ import annotations

import calendar
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from portal.i18n import N_  # the table's texts are catalogue messages, put into words where read
from portal.types import IST

Facts = Mapping[str, Any]


class Audience(enum.StrEnum):
    CREDITOR = "creditor"    # the case's filer and the organisation's administrators
    ADVOCATE = "advocate"    # the case's advocate
    DEBTOR = "debtor"        # the debtor party (its account, or its personal link)
    NEUTRAL = "neutral"      # the conciliator or arbitrator (appointed, or invited)
    ADMIN = "admin"          # the platform's administrators
    STAFF = "staff"          # the creditor's staff member the event names (staff_id), else as CREDITOR


# Which side of the table each audience sits on: an event's payload "side" names the actor's side.
SIDE = {Audience.CREDITOR: "creditor", Audience.ADVOCATE: "creditor", Audience.DEBTOR: "debtor",
        Audience.NEUTRAL: "neutral", Audience.ADMIN: "admin", Audience.STAFF: "creditor"}


class Mail(enum.StrEnum):
    NEW = "new"                  # this module sends the notify_* mail
    EXISTING = "existing"        # another module already mails them for this event: item only
    EXISTING_IF_ACCOUNT = "existing_if_account"  # already mailed only to a debtor with an account
    NONE = "none"                # the person did it themselves a moment ago: item only


def always(_facts: Facts) -> bool:
    return True


def no_due(_facts: Facts) -> datetime | None:
    return None


@dataclass(frozen=True)
class Tell:
    kind: str                                  # the attention item's kind (stable, used for resolving)
    to: tuple[Audience, ...]
    what: str                                  # what happened (%(reference)s, %(creditor)s, %(debtor)s, ...)
    may: str                                   # what the person may do, and by when (%(due)s)
    endpoint: str                              # url_for endpoint of the page where they act
    args: tuple[str, ...] = ("reference",)     # fact names passed to url_for
    due: Callable[[Facts], datetime | None] = no_due
    when: Callable[[Facts], bool] = always     # open only when this holds
    mail: Mail = Mail.NEW
    existing_mail: str = ""                    # the template that already tells them (Mail.EXISTING*)
    lapses: bool = False                       # a window that needs no answer: hidden once due passes
    not_actor_side: bool = False               # never the side that did it (an offer goes to the other)


@dataclass(frozen=True)
class Closes:
    kinds: frozenset[str]
    same_side: bool = False   # only the items of the side named in the event's payload "side"
    match: tuple[str, ...] = field(default=())  # payload keys that must equal the item's subject


# ── clocks ────────────────────────────────────────────────────────────────────────────────────────

def end_of_ist_day(day: date) -> datetime:
    """The last minute of an IST calendar day, as UTC: 'by 15 Dec' means until that evening."""
    return datetime.combine(day, time(23, 59), IST).astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has no such day), IST calendar."""
    local = moment.astimezone(IST)
    month0 = local.month - 1 + months
    year, month = local.year + month0 // 12, month0 % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return end_of_ist_day(date(year, month, day))


def _instant(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return end_of_ist_day(value)
    text = str(value)
    if len(text) == 10:
        return end_of_ist_day(date.fromisoformat(text))
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def fact(name: str) -> Callable[[Facts], datetime | None]:
    return lambda facts: _instant(facts.get(name))


def s34_window(facts: Facts) -> datetime:
    """A challenge to the award within 3 months of receiving it (A&C s.34(3)); counted from service."""
    return add_months(facts["at"], 3)


def has(name: str) -> Callable[[Facts], bool]:
    return lambda facts: facts.get(name) not in (None, "")


def side_is(*sides: str) -> Callable[[Facts], bool]:
    return lambda facts: str(facts.get("side") or "") in sides


def counter(facts: Facts) -> bool:
    return facts.get("parent") is not None


def first_offer(facts: Facts) -> bool:
    return facts.get("parent") is None


# ── the table ────────────────────────────────────────────────────────────────────────────────────
C, A, D, N, ADM = Audience.CREDITOR, Audience.ADVOCATE, Audience.DEBTOR, Audience.NEUTRAL, Audience.ADMIN
CREDITOR_SIDE = (C, A)

NOTICE_REVIEW = Tell(
    "notice_review", (A,),
    N_("%(creditor)s submitted the notice in %(reference)s (against %(debtor)s) for your review."),
    N_("Review it: approve and sign it, or return it with comments."),
    "notices.show_notice", ("notice_id",))

# (what the creditor's side is told, what the debtor is told: whose offer it is, what they may do)
OFFER_WORDS = {
    "offer_received": (
        N_("The other side made an offer in %(reference)s."),
        N_("%(creditor)s made an offer in %(reference)s."),
        N_("Accept it, make a counter-offer or decline it%(until)s.")),
    "counter_offer_received": (
        N_("The other side answered your offer in %(reference)s with a counter-offer."),
        N_("%(creditor)s answered your offer in %(reference)s with a counter-offer."),
        N_("Accept it, counter again or decline it%(until)s.")),
}


def _offer(kind: str, to: tuple[Audience, ...], mail: Mail, when: Callable[[Facts], bool]) -> Tell:
    to_creditor, to_debtor, may = OFFER_WORDS[kind]
    what = to_debtor if to == (Audience.DEBTOR,) else to_creditor
    return Tell(kind, to, what, may, "offers.list_offers", due=fact("valid_until"), when=when, mail=mail,
                not_actor_side=True)


def _both(first: bool) -> Callable[[Facts], bool]:
    return lambda f: (first_offer(f) if first else counter(f))


BIDDING_ROUND = N_("Blind bidding round %(round)s is open in %(reference)s.")
BIDDING_SEAL = N_("Seal your figure for this round. Neither side sees the other's figure.")

RULES: dict[str, tuple[Tell, ...]] = {
    # ── collections before the notice ──
    # A reminder at a level that asks for a call went out: the call is the named person's (the level's
    # caller, else the debtor's owner) until its outcome is recorded on the Today list.
    "reminder.mark_sent": (Tell(
        "collections_call", (Audience.STAFF,),
        N_("A reminder that asks for a call went to %(debtor)s (%(reference)s)."),
        N_("Call them and record what came of the call on your Today list by %(due)s."),
        "receivables.today", (), due=fact("call_by"), when=lambda f: bool(f.get("call")), lapses=True),),
    # ── who acts for the creditor (portal.cases.assignment) ──
    **{action: (Tell(
        "case_assigned", (A,),
        N_("%(creditor)s assigned you %(reference)s, its claim against %(debtor)s (%(assigned_by)s "
           "assigned it)."),
        N_("Read the case and its evidence; the creditor drafts the notice and submits it for your "
           "review. If you cannot act (a conflict of interest, say), decline the case on its page "
           "with your reason."),
        "cases.show_case"),) for action in ("case.advocate_assigned", "case.advocate_reassigned")},
    "case.advocate_declined": (Tell(
        "case_declined", (C, Audience.STAFF),
        N_("%(advocate_name)s declined %(reference)s (against %(debtor)s). The reason given: "
           "%(reason)s"),
        N_("The case has no advocate now: assign another advocate your organisation has engaged, "
           "or invite one from the Team page."),
        "cases.show_case"),),
    # ── the legal notice ──
    "case.submit_notice": (NOTICE_REVIEW,),
    "notice.submitted": (NOTICE_REVIEW,),   # an s.21 notice (the case's status stays)
    "notice.changes_requested": (Tell(
        "notice_redraft", (C,),
        N_("Your advocate returned the notice in %(reference)s with comments."),
        N_("Read the comments, correct the facts or redraft, and submit it again."),
        "notices.show_notice", ("notice_id",)),),
    "notice.approved": (
        Tell("notice_approved", (C,),
             N_("Your advocate approved the notice in %(reference)s."),
             N_("Nothing to do yet: it is signed next, and then you serve it."),
             "notices.show_notice", ("notice_id",)),
        Tell("notice_sign", (A,),
             N_("You approved the notice in %(reference)s; it awaits your signature."),
             N_("Sign it with your digital signature certificate."),
             "notices.show_notice", ("notice_id",), mail=Mail.NONE),
    ),
    "notice.signed": (Tell(
        "notice_serve", (C,),
        N_("The notice in %(reference)s is signed by your advocate."),
        N_("Serve it: choose the channels (e-mail, SMS, WhatsApp, post) and send it."),
        "serving.show_delivery", ("notice_id",)),),
    # Dispatch is not receipt (IT Act s.13): the period to pay is told when receipt is proven.
    "case.serve_notice": (
        Tell("notice_answer", (D,),
             N_("%(creditor)s served a legal notice on you in %(reference)s."),
             N_("Pay, admit part, propose a plan or dispute the claim within %(pay_within_days)s "
                "days of receiving it."),
             "debtor_case.home", mail=Mail.EXISTING,
             existing_mail="notice_served.txt (the served notice itself, through its dispatch)"),
        Tell("notice_served", (C,),
             N_("The notice in %(reference)s was sent to %(debtor)s."),
             N_("The debtor has %(pay_within_days)s days from receiving it to answer. The period "
                "starts when receipt is shown (a delivery or read receipt, the debtor opening it, "
                "postal delivery); you will be told. Record any payment it makes."),
             "cases.show_case"),
    ),
    "notice.received": (
        Tell("notice_answer", (D,),
             N_("%(creditor)s served a legal notice on you in %(reference)s."),
             N_("Pay, admit part, propose a plan or dispute the claim by %(due)s."),
             "debtor_case.home", due=fact("respond_by"), when=has("respond_by"), mail=Mail.EXISTING,
             existing_mail="notice_served.txt (the served notice itself, through its dispatch)"),
        Tell("notice_received", (C,),
             N_("%(debtor)s received the notice in %(reference)s: %(how)s."),
             N_("The debtor has until %(due)s to answer; you will be told when it does. Record any "
                "payment it makes."),
             "cases.show_case", due=fact("respond_by"), when=has("respond_by"), lapses=True),
        Tell("cheque_complaint", CREDITOR_SIDE,
             N_("The drawer received the cheque notice in %(reference)s; the fifteen days to pay "
                "end on %(pay_by_text)s (NI Act s.138(c))."),
             N_("If the cheque amount is not paid by then, the complaint under section 138 may be "
                "filed from %(complaint_from_text)s and must be filed by %(due)s (s.142(1)(b))."),
             "cases.show_case", due=fact("complaint_by"), when=has("complaint_by"), lapses=True),
    ),
    "notice.service_failed": (Tell(
        "notice_reserve", (C,),
        N_("The notice in %(reference)s reached no one: every channel to %(debtor)s failed or "
           "bounced."),
        N_("It is not served and no period runs from it. Serve it again on another channel or by "
           "registered post."),
        "serving.show_delivery", ("notice_id",), mail=Mail.EXISTING,
        existing_mail="dispatch_failed.txt (one per failed channel, offering service on another)"),),
    "part_b.requested": (Tell(
        "part_b_upload", CREDITOR_SIDE,
        N_("Part B of the evidence certificate for the delivery proof in %(reference)s is asked of "
           "%(expert)s."),
        N_("Send the expert the delivery-proof certificate; upload the expert's signed Part B when "
           "it comes back."),
        "serving.show_delivery", ("notice_id",), mail=Mail.NONE),),
    # ── the debtor's answer ── (debtor.<kind>: one rule per response kind, below)
    # ── negotiation ──
    "offer.made": (
        _offer("offer_received", CREDITOR_SIDE, Mail.NEW,
               lambda f: side_is("debtor")(f) and first_offer(f)),
        _offer("counter_offer_received", CREDITOR_SIDE, Mail.NEW,
               lambda f: side_is("debtor")(f) and counter(f)),
        _offer("offer_received", (D,), Mail.NEW, lambda f: side_is("creditor")(f) and first_offer(f)),
        _offer("counter_offer_received", (D,), Mail.NEW, lambda f: side_is("creditor")(f) and counter(f)),
    ),
    "proposal.made": (
        Tell("proposal_received", CREDITOR_SIDE,
             N_("The conciliator proposed settlement terms in %(reference)s."),
             N_("Accept or decline the proposal%(until)s."),
             "offers.list_offers", due=fact("valid_until")),
        Tell("proposal_received", (D,),
             N_("The conciliator proposed settlement terms in %(reference)s."),
             N_("Accept or decline the proposal%(until)s."),
             "offers.list_offers", due=fact("valid_until")),
    ),
    "bidding.proposed": (
        Tell("bidding_proposed", CREDITOR_SIDE,
             N_("The debtor proposed blind bidding in %(reference)s."),
             N_("Agree to the terms (rounds and gap) or decline them."),
             "offers.bidding", when=side_is("debtor")),
        Tell("bidding_proposed", (D,),
             N_("%(creditor)s proposed blind bidding in %(reference)s."),
             N_("Agree to the terms (rounds and gap) or decline them."),
             "offers.bidding", when=side_is("creditor")),
    ),
    "bidding.agreed": (
        Tell("bidding_round", CREDITOR_SIDE, BIDDING_ROUND, BIDDING_SEAL, "offers.bidding"),
        Tell("bidding_round", (D,), BIDDING_ROUND, BIDDING_SEAL, "offers.bidding"),
    ),
    "bidding.round_failed": (
        Tell("bidding_round", CREDITOR_SIDE,
             N_("Blind bidding round %(round)s in %(reference)s closed without a deal."),
             N_("The next round is open: seal your figure for it."),
             "offers.bidding"),
        Tell("bidding_round", (D,),
             N_("Blind bidding round %(round)s in %(reference)s closed without a deal."),
             N_("The next round is open: seal your figure for it."),
             "offers.bidding"),
    ),
    "bidding.exhausted": (
        Tell("bidding_closed", CREDITOR_SIDE,
             N_("Blind bidding in %(reference)s ended after its last round without a deal."),
             N_("You may make an offer, ask for a conciliator or invoke arbitration."),
             "offers.list_offers"),
        Tell("bidding_closed", (D,),
             N_("Blind bidding in %(reference)s ended after its last round without a deal."),
             N_("You may make an offer or ask for a conciliator."),
             "offers.list_offers"),
    ),
    # The debtor's answers on the creditor's own offers and on bidding (the room's news, told here).
    "offer.accepted": (Tell(
        "offer_answered", CREDITOR_SIDE,
        N_("%(debtor)s accepted your offer in %(reference)s."),
        N_("The settlement agreement is prepared for both sides to sign."),
        "settlement.show", when=side_is("debtor")),),
    "offer.rejected": (Tell(
        "offer_answered", CREDITOR_SIDE,
        N_("%(debtor)s declined your offer in %(reference)s."),
        N_("You may make another offer, ask for a conciliator or invoke arbitration."),
        "offers.list_offers", when=side_is("debtor")),),
    "proposal.accepted_by_party": (Tell(
        "proposal_received", CREDITOR_SIDE,
        N_("%(debtor)s accepted the conciliator's proposal in %(reference)s."),
        N_("Accept it too to settle, or decline it%(until)s."),
        "offers.list_offers", when=side_is("debtor")),),
    "bidding.figure_sealed": (Tell(
        "bidding_round", CREDITOR_SIDE,
        N_("%(debtor)s sealed its figure for blind bidding round %(round)s in %(reference)s."),
        BIDDING_SEAL, "offers.bidding", when=side_is("debtor")),),
    **{f"bidding.{action}": (Tell(
        "bidding_closed", CREDITOR_SIDE,
        what,
        N_("You may make an offer, ask for a conciliator or invoke arbitration."),
        "offers.list_offers", when=side_is("debtor")),)
       for action, what in (("declined", N_("%(debtor)s declined blind bidding in %(reference)s.")),
                            ("withdrawn", N_("%(debtor)s withdrew its blind-bidding proposal in "
                                             "%(reference)s.")))},
    "bidding.settled": (Tell(
        "bidding_closed", CREDITOR_SIDE,
        N_("Blind bidding in %(reference)s settled in round %(round)s."),
        N_("The settlement agreement is ready to sign."),
        "settlement.show"),),
    # ── settlement ──
    "settlement.created": (
        Tell("settlement_to_sign", (C,),
             N_("The settlement agreement in %(reference)s is ready to sign."),
             N_("Read it and accept it with a one-time code, or sign it."),
             "settlement.show"),
        Tell("settlement_to_sign", (D,),
             N_("The settlement agreement with %(creditor)s in %(reference)s is ready to sign."),
             N_("Read it and accept it with a one-time code."),
             "settlement.show"),
    ),
    "settlement.signed": (
        Tell("settlement_complete", CREDITOR_SIDE,
             N_("The settlement agreement in %(reference)s is complete: everyone has signed."),
             N_("Download the sealed agreement; confirm each instalment when the debtor reports it."),
             "settlement.show", mail=Mail.EXISTING, existing_mail="settlement_news.txt"),
        Tell("settlement_complete", (D,),
             N_("The settlement agreement with %(creditor)s in %(reference)s is complete."),
             N_("Pay each instalment on time; the first is due by %(due)s."),
             "payments.pay", due=fact("first_due")),
    ),
    "settlement.instalment_reminder": (Tell(
        "instalment_due", (D,),
        N_("Instalment %(instalment)s under your settlement in %(reference)s falls due."),
        N_("Pay it by %(due)s and report the UPI reference."),
        "payments.pay", due=fact("due_on"), mail=Mail.EXISTING,
        existing_mail="settlement_reminder.txt (and sms/settlement_reminder.txt)"),),
    "settlement.instalment_defaulted": (
        Tell("instalment_missed", (D,),
             N_("Instalment %(instalment)s under your settlement in %(reference)s was not paid: "
                "the settlement is in default."),
             N_("Pay the arrears at once to cure the default."),
             "payments.pay", mail=Mail.EXISTING, existing_mail="settlement_default.txt"),
        Tell("instalment_missed", CREDITOR_SIDE,
             N_("The debtor missed instalment %(instalment)s in %(reference)s: the settlement is "
                "in default."),
             N_("You may wait for the arrears or invoke arbitration on the settlement."),
             "cases.show_case", mail=Mail.EXISTING, existing_mail="settlement_default.txt"),
    ),
    "payment.reported": (Tell(
        "payment_to_confirm", (C,),
        N_("The debtor reported a payment in %(reference)s."),
        N_("Check your bank account and confirm or reject the report."),
        "payments.list_payments"),),
    # ── conciliation and arbitration ──
    "odr.conciliation_requested": (Tell(
        "conciliation_request", (ADM,),
        N_("A conciliator is requested in %(reference)s."),
        N_("Appoint a conciliator from the panel."),
        "odr.conciliation_requests", ()),),
    "odr.neutral_appointed": (Tell(
        "conciliator_accept", (N,),
        N_("You are appointed conciliator in %(reference)s."),
        N_("File your disclosure of independence and impartiality and accept before you act "
           "(s.67(1))."),
        "odr.accept_conciliation", mail=Mail.EXISTING, existing_mail="odr_neutral_appointed.txt"),),
    "odr.conciliator_accepted": tuple(Tell(
        "conciliator_ready", to,
        N_("The conciliator in %(reference)s has filed its disclosure and accepted the appointment."),
        N_("You may speak to the conciliator alone in your private session, and answer its "
           "proposals."),
        "odr.room", lapses=False) for to in (CREDITOR_SIDE, (D,))),
    # s.11: the institution is told to appoint only where it may; otherwise the parties are told to agree
    # on a name (or that the institution appoints), failing which the court appoints.
    "case.invoke_arbitration": (
        Tell("tribunal_awaiting", (ADM,),
             N_("Arbitration is invoked in %(reference)s; no tribunal is constituted yet."),
             N_("Appoint an arbitrator from the roster, unless the parties choose one together."),
             "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint"))),
        *(Tell("tribunal_choose", to,
               N_("Arbitration is invoked in %(reference)s; the agreement names no appointing "
                  "authority."),
               N_("Agree on the sole arbitrator with the other party (propose a name), or both "
                  "agree that the institution appoints; otherwise the court appoints on an "
                  "application under s.11(5)."),
               "tribunal.show", when=lambda f: not f.get("institution_may_appoint"))
          for to in (CREDITOR_SIDE, (D,))),
    ),
    "arbitration.institution_consent": (Tell(
        "tribunal_awaiting", (ADM,),
        N_("Both parties in %(reference)s agreed in writing that the institution appoints the "
           "arbitrator."),
        N_("Appoint an arbitrator from the roster, unless the parties choose one together."),
        "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint"))),),
    "arbitration.arbitrator_nominated": (Tell(
        "tribunal_invitation", (N,),
        N_("You are asked to act as arbitrator in %(reference)s."),
        N_("File the Sixth Schedule disclosure and accept, or decline."),
        "tribunal.invitation", ("appointment_id",), mail=Mail.EXISTING,
             existing_mail="tribunal_invited.txt"),),
    # A party proposes a name; the other party is told (no party appoints alone, s.11(2)).
    "arbitration.arbitrator_proposed": tuple(Tell(
        "tribunal_proposal", to,
        what,
        N_("Agree to the name or propose another: it stands only if both parties agree (s.11(2))."),
        "tribunal.show", when=side_is(proposer))
        for to, proposer, what in (
            ((D,), "creditor", N_("%(creditor)s proposed %(neutral_name)s as sole arbitrator in "
                                  "%(reference)s.")),
            (CREDITOR_SIDE, "debtor", N_("%(debtor)s proposed %(neutral_name)s as sole arbitrator in "
                                         "%(reference)s.")))),
    "arbitration.arbitrator_challenged": (Tell(
        "tribunal_challenge", (N,),
        N_("A party challenges your appointment in %(reference)s."),
        N_("Withdraw, or decide the challenge with reasons (s.13)."),
        "tribunal.show"),),
    "arbitration.disclosure_updated": tuple(Tell(
        "tribunal_disclosure", to,
        N_("The arbitrator in %(reference)s disclosed a new circumstance (s.12(2))."),
        N_("Read it. You may challenge the arbitrator on it until %(due)s (s.13(2))."),
        "tribunal.show", due=fact("challenge_deadline"), lapses=True) for to in (CREDITOR_SIDE, (D,))),
    "arbitration.challenge_decided": tuple(Tell(
        "tribunal_challenge_decided", to,
        what,
        may, "tribunal.show", when=lambda f, d=decision: f.get("decision") == d, lapses=lapses)
        for to in (CREDITOR_SIDE, (D,))
        for decision, what, may, lapses in (
            ("upheld", N_("The arbitrator upheld the challenge in %(reference)s."),
             N_("A substitute arbitrator is appointed the way the first was (s.15(2))."), False),
            ("rejected", N_("The arbitrator rejected the challenge in %(reference)s."),
             N_("The proceedings continue; the challenge may be raised again in an application to "
                "set aside the award (s.13(5), s.34)."), True))),
    "arbitration.arbitrator_ineligible": (
        *(Tell("tribunal_ended", to,
               N_("The arbitrator's mandate in %(reference)s has ended: a Seventh Schedule "
                  "relationship with a party or its counsel makes the arbitrator ineligible "
                  "(s.12(5), s.14(1)(a))."),
               N_("A substitute arbitrator is appointed the way the first was (s.15(2))."),
               "tribunal.show") for to in (CREDITOR_SIDE, (D,))),
        Tell("tribunal_awaiting", (ADM,),
             N_("The arbitrator's mandate in %(reference)s has ended (s.12(5)); no tribunal stands."),
             N_("A substitute is appointed as the first was (s.15(2)): by the parties' agreement, "
                "or by the institution only where it may appoint."),
             "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint")))),
    "arbitration.arbitrator_accepted": (
        Tell("tribunal_constituted", (D,),
             N_("The arbitral tribunal in %(reference)s is constituted: %(neutral_name)s accepted "
                "as sole arbitrator and filed the disclosure (s.12(1))."),
             N_("Read the arbitrator's disclosure. You may challenge the appointment until %(due)s "
                "(s.13(2))."),
             "tribunal.show", due=fact("challenge_deadline"), lapses=True),
        Tell("tribunal_constituted", CREDITOR_SIDE,
             N_("The arbitral tribunal in %(reference)s is constituted: %(neutral_name)s accepted "
                "as sole arbitrator and filed the disclosure (s.12(1))."),
             N_("Read the arbitrator's disclosure. You may challenge the appointment until %(due)s "
                "(s.13(2))."),
             "tribunal.show", due=fact("challenge_deadline"), lapses=True),
    ),
    # A calendar step is the party's notice of its time (s.23(1)); without it no default under s.25.
    **{action: tuple(Tell(
        "step_due", to,
        N_("The arbitrator set the date for your %(title)s in %(reference)s."),
        N_("File it on the proceedings page by %(due)s. If it is not filed in time without "
           "sufficient cause, the arbitrator may proceed without it (s.25)."),
        "proceedings.show", due=fact("due_on"), when=lambda f, p=party: f.get("party") == p)
        for to, party in ((CREDITOR_SIDE, "claimant"), ((D,), "respondent")))
       for action in ("arbitration.step_set", "arbitration.step_extended")},
    "arbitration.hearing_scheduled": tuple(Tell(
        "hearing_set", to,
        N_("The arbitrator set a hearing in %(reference)s."),
        N_("Attend it on %(due)s (the video link is on the hearing's page)."),
        "proceedings.show_hearing", ("reference", "hearing_id"), due=fact("starts_at"), mail=Mail.EXISTING,
        existing_mail="proceedings_hearing.txt", lapses=True) for to in (CREDITOR_SIDE, (D,))),
    "arbitration.procedural_order": tuple(Tell(
        "order_made", to,
        N_("The arbitrator issued Procedural Order No. %(number)s in %(reference)s."),
        N_("Read it and follow its directions by the dates it sets."),
        "proceedings.show", mail=Mail.EXISTING,
             existing_mail="proceedings_order.txt") for to in (CREDITOR_SIDE, (D,))),
    "award.served": (
        Tell("award_served", (D,),
             N_("The signed arbitral award in %(reference)s was served on you."),
             N_("Comply with it. An application to set it aside (s.34) lies within three months of "
                "receiving it: about %(due)s."),
             "awards.show", due=s34_window, mail=Mail.EXISTING,
             existing_mail="the served award itself (its dispatch to the respondent)", lapses=True),
        Tell("award_served", CREDITOR_SIDE,
             N_("The signed arbitral award in %(reference)s is served."),
             N_("The respondent may apply to set it aside within three months of receipt (about "
                "%(due)s); after that it is enforceable as a decree."),
             "awards.show", due=s34_window, mail=Mail.EXISTING, existing_mail="award_served_claimant.txt",
             lapses=True),
    ),
    # ── limitation (Limitation Act 1963; portal.cases.limitation_alerts, 90, 30 and 7 days) ──
    "case.limitation_alert": (Tell(
        "limitation_near", CREDITOR_SIDE,
        N_("Invoice %(invoice)s in %(reference)s (against %(debtor)s) becomes time-barred after "
           "%(due)s: %(days_left)s days are left to file the claim."),
        N_("Before %(due)s, take the next legal step (refer it to the council or invoke "
           "arbitration), or record the debtor's signed acknowledgement or a part payment it "
           "acknowledged in writing, which starts a fresh period (ss.18 and 19)."),
        "cases.show_case", due=fact("deadline"), lapses=True),),
}

DEBTOR_ANSWERS = {
    "acknowledge": N_("%(debtor)s acknowledged the claim in %(reference)s."),
    "pay_in_full": N_("%(debtor)s chose to pay in full in %(reference)s."),
    "admit_part": N_("%(debtor)s admitted part of the claim in %(reference)s."),
    "propose_plan": N_("%(debtor)s proposed a payment plan in %(reference)s."),
    "dispute": N_("%(debtor)s disputed the claim in %(reference)s."),
    "call_back": N_("%(debtor)s asked for a call back in %(reference)s."),
}
for _kind, _what in DEBTOR_ANSWERS.items():
    RULES[f"debtor.{_kind}"] = tuple(Tell(
        "debtor_responded", to,
        _what,
        N_("Read the answer and reply: make an offer in the ODR room, confirm a payment, or call "
           "back as asked."),
        "cases.show_case", mail=mail, existing_mail=existing)
        for to, mail, existing in (((C,), Mail.EXISTING, "debtor_responded.txt"), ((A,), Mail.NEW, "")))

# What an SMS or WhatsApp message to the debtor says: that something waits and where, never a figure
# or the terms. Catalogue messages, put into words in the debtor's language when sent.
SMS_HEADLINES = {
    "offer_received": N_("an offer awaits your answer"),
    "counter_offer_received": N_("a counter-offer awaits your answer"),
    "proposal_received": N_("the conciliator's proposal awaits your answer"),
    "bidding_proposed": N_("blind bidding is proposed"),
    "bidding_round": N_("a blind bidding round is open"),
    "bidding_closed": N_("blind bidding ended"),
    "settlement_to_sign": N_("a settlement agreement is ready to sign"),
    "settlement_complete": N_("your settlement agreement is complete"),
    "tribunal_constituted": N_("the arbitral tribunal is constituted"),
    "tribunal_proposal": N_("an arbitrator is proposed for your agreement"),
    "tribunal_disclosure": N_("the arbitrator disclosed a new circumstance"),
    "tribunal_challenge_decided": N_("the arbitrator decided the challenge"),
    "tribunal_ended": N_("the arbitrator's mandate has ended"),
    "conciliator_ready": N_("the conciliator has accepted"),
    "step_due": N_("a filing date is set in your arbitration"),
    "tribunal_choose": N_("the arbitrator is to be chosen"),
}
SMS_HEADLINE_OTHERWISE = N_("a step in your case waits for you")

# Which events close which open items (besides a newer item of the same kind for the same person).
OFFER_KINDS = frozenset({"offer_received", "counter_offer_received", "proposal_received"})
BIDDING_KINDS = frozenset({"bidding_proposed", "bidding_round"})
CLOSES: dict[str, tuple[Closes, ...]] = {
    "case.return_notice": (Closes(frozenset({"notice_review", "notice_sign"})),),
    "notice.changes_requested": (Closes(frozenset({"notice_review", "notice_sign", "notice_approved"})),),
    "notice.approved": (Closes(frozenset({"notice_review"})),),
    "notice.signed": (Closes(frozenset({"notice_review", "notice_sign", "notice_approved"})),),
    # The advocate's part begins with the notice it reviews; a reassignment or a decline ends the
    # old advocate's item, and any advocate assigned ends the creditor's "declined" item.
    "case.submit_notice": (Closes(frozenset({"notice_redraft", "case_assigned"})),),
    "notice.submitted": (Closes(frozenset({"notice_redraft", "case_assigned"})),),
    "case.advocate_assigned": (Closes(frozenset({"case_declined"})),),
    "case.advocate_reassigned": (Closes(frozenset({"case_declined", "case_assigned"})),),
    "case.advocate_declined": (Closes(frozenset({"case_assigned"})),),
    "notice.service_requested": (Closes(frozenset({"notice_serve", "notice_reserve"})),),
    "notice.service_failed": (Closes(frozenset({"notice_answer", "notice_served", "notice_received",
                                                "cheque_complaint"})),),
    **{f"debtor.{k}": (Closes(frozenset({"notice_answer", "notice_served", "notice_received"})),)
       for k in DEBTOR_ANSWERS},
    "notice.received": (Closes(frozenset({"notice_served", "notice_reserve"})),),
    "part_b.attached": (Closes(frozenset({"part_b_upload"})),),
    "offer.made": (Closes(OFFER_KINDS | {"debtor_responded", "bidding_closed", "offer_answered"},
                          same_side=True),),
    "offer.accepted": (Closes(OFFER_KINDS),),
    "offer.rejected": (Closes(OFFER_KINDS, same_side=True),),
    "offer.withdrawn": (Closes(OFFER_KINDS),),
    "offer.lapsed": (Closes(OFFER_KINDS),),
    "proposal.accepted": (Closes(OFFER_KINDS),),
    "proposal.accepted_by_party": (Closes(OFFER_KINDS, same_side=True),),
    "proposal.rejected": (Closes(OFFER_KINDS),),
    "proposal.withdrawn": (Closes(OFFER_KINDS),),
    "bidding.proposed": (Closes(frozenset({"debtor_responded", "bidding_closed"}), same_side=True),),
    "bidding.agreed": (Closes(frozenset({"bidding_proposed"})),),
    "bidding.declined": (Closes(frozenset({"bidding_proposed"})),),
    "bidding.withdrawn": (Closes(BIDDING_KINDS),),
    "receivables.call_recorded": (Closes(frozenset({"collections_call"})),),
    "bidding.lapsed": (Closes(BIDDING_KINDS),),
    "bidding.figure_sealed": (Closes(frozenset({"bidding_round"}), same_side=True),),
    "bidding.exhausted": (Closes(BIDDING_KINDS),),
    "bidding.settled": (Closes(BIDDING_KINDS | OFFER_KINDS),),
    "settlement.agreed": (Closes(frozenset({"settlement_to_sign"}), same_side=True),),
    "settlement.cancelled": (Closes(frozenset({"settlement_to_sign"})),),
    "settlement.signed": (Closes(frozenset({"settlement_to_sign", "offer_answered", "bidding_closed"})),),
    "payment.reported": (Closes(frozenset({"instalment_due"})),),  # only the debtor has one
    "payment.confirmed": (Closes(frozenset({"payment_to_confirm", "instalment_due"})),),
    "payment.report_rejected": (Closes(frozenset({"payment_to_confirm"})),),
    "case.cure_default": (Closes(frozenset({"instalment_missed"})),),
    "case.invoke_arbitration": (
        Closes(frozenset({"instalment_missed", "debtor_responded", "bidding_closed",
                          "limitation_near"})),),
    "odr.neutral_appointed": (Closes(frozenset({"conciliation_request"})),),
    "odr.conciliator_accepted": (Closes(frozenset({"conciliator_accept"})),),
    "arbitration.arbitrator_nominated": (Closes(frozenset({"tribunal_awaiting", "tribunal_proposal",
                                                           "tribunal_choose"})),),
    "arbitration.institution_consent": (Closes(frozenset({"tribunal_choose"}), same_side=True),),
    "arbitration.arbitrator_agreed": (Closes(frozenset({"tribunal_proposal", "tribunal_choose"})),),
    "arbitration.arbitrator_accepted": (Closes(frozenset({"tribunal_awaiting", "tribunal_invitation",
                                                          "tribunal_proposal", "tribunal_ended",
                                                          "tribunal_choose"})),),
    "arbitration.arbitrator_declined": (Closes(frozenset({"tribunal_invitation"})),),
    "arbitration.proposal_lapsed": (Closes(frozenset({"tribunal_invitation", "tribunal_proposal"})),),
    "arbitration.challenge_decided": (Closes(frozenset({"tribunal_challenge"})),),
    "arbitration.step_filed": (Closes(frozenset({"step_due"}), same_side=True),),
}
# The case is over: nothing about it waits on anyone.
ENDS_CASE = frozenset({"case.withdraw", "case.close", "case.mark_paid"})


def tells_for(action: str, facts: Facts) -> list[tuple[Tell, Audience]]:
    """The (rule, audience) pairs this event opens, after each rule's condition."""
    out = []
    for tell in RULES.get(action, ()):
        if not tell.when(facts):
            continue
        for audience in tell.to:
            if tell.not_actor_side and SIDE[audience] == str(facts.get("side") or ""):
                continue
            out.append((tell, audience))
    return out


def rule_for(action: str, kind: str, audience: str, facts: Facts) -> Tell | None:
    """The rule that opened an item of `kind` for `audience` on `action` (an offer's kind is also the
    other side's, worded for that side; a rule's condition tells apart two wordings of one kind)."""
    return next((tell for tell in RULES.get(action, ()) if tell.kind == kind and audience in tell.to
                 and tell.when(facts)), None)


def closes_for(action: str) -> tuple[Closes, ...]:
    return CLOSES.get(action, ())


def _as_written(message: str) -> str:
    return message


def words(tell: Tell, facts: Facts, lang: str, due_text: str,
          translate: Callable[[str], str] = _as_written) -> tuple[str, str]:
    """(what happened, what they may do) in `lang` ("en" or "hi"), with the facts filled in: each
    message put into words by `translate` (the catalogue's gettext under `lang`; as written, English,
    without it). A fact kept in both languages (how, how_hi) is given in `lang`."""
    values = {k: v for k, v in facts.items() if isinstance(v, str | int)}
    values.update({name: values[f"{name}_{lang}"] for name in list(values) if f"{name}_{lang}" in values})
    values.update(due=due_text or "—",
                  until=" " + translate(N_("by %(due)s")) % {"due": due_text} if due_text else "")
    return translate(tell.what) % _Missing(values), translate(tell.may) % _Missing(values)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "—"


ACTIONS = frozenset(RULES) | frozenset(CLOSES) | ENDS_CASE

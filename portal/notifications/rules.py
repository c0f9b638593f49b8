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


@dataclass(frozen=True)
class Words:
    en: str
    hi: str

    def get(self, lang: str) -> str:
        return self.hi if lang == "hi" else self.en


def always(_facts: Facts) -> bool:
    return True


def no_due(_facts: Facts) -> datetime | None:
    return None


@dataclass(frozen=True)
class Tell:
    kind: str                                  # the attention item's kind (stable, used for resolving)
    to: tuple[Audience, ...]
    what: Words                                # what happened ({reference}, {creditor}, {debtor}, ...)
    may: Words                                 # what the person may do, and by when ({due})
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
    Words("{creditor} submitted the notice in {reference} (against {debtor}) for your review.",
          "{creditor} ने {reference} ({debtor} के विरुद्ध) का नोटिस आपकी समीक्षा के लिए भेजा है।"),
    Words("Review it: approve and sign it, or return it with comments.",
          "इसकी समीक्षा करें: स्वीकृत करके हस्ताक्षर करें, या टिप्पणियों के साथ लौटाएँ।"),
    "notices.show_notice", ("notice_id",))

OFFER_WORDS = {
    "offer_received": (
        Words("The other side made an offer in {reference}.", "{reference} में दूसरे पक्ष ने एक प्रस्ताव दिया है।"),
        Words("Accept it, make a counter-offer or decline it{until}.",
              "इसे स्वीकार करें, प्रति-प्रस्ताव दें या अस्वीकार करें{until_hi}।")),
    "counter_offer_received": (
        Words("The other side answered your offer in {reference} with a counter-offer.",
              "{reference} में दूसरे पक्ष ने आपके प्रस्ताव के उत्तर में प्रति-प्रस्ताव दिया है।"),
        Words("Accept it, counter again or decline it{until}.",
              "इसे स्वीकार करें, फिर से प्रति-प्रस्ताव दें या अस्वीकार करें{until_hi}।")),
}


def _offer(kind: str, to: tuple[Audience, ...], mail: Mail, when: Callable[[Facts], bool]) -> Tell:
    what, may = OFFER_WORDS[kind]
    if to == (Audience.DEBTOR,):  # the debtor is told whose offer it is
        what = Words(what.en.replace("The other side", "{creditor}"),
                     what.hi.replace("दूसरे पक्ष", "{creditor}"))
    return Tell(kind, to, what, may, "offers.list_offers", due=fact("valid_until"), when=when, mail=mail,
                not_actor_side=True)


def _both(first: bool) -> Callable[[Facts], bool]:
    return lambda f: (first_offer(f) if first else counter(f))


BIDDING_ROUND = Words("Blind bidding round {round} is open in {reference}.",
                      "{reference} में गोपनीय बोली का दौर {round} खुला है।")
BIDDING_SEAL = Words("Seal your figure for this round. Neither side sees the other's figure.",
                     "इस दौर के लिए अपनी राशि सील करें। कोई पक्ष दूसरे की राशि नहीं देखता।")

RULES: dict[str, tuple[Tell, ...]] = {
    # ── collections before the notice ──
    # A reminder at a level that asks for a call went out: the call is the named person's (the level's
    # caller, else the debtor's owner) until its outcome is recorded on the Today list.
    "reminder.mark_sent": (Tell(
        "collections_call", (Audience.STAFF,),
        Words("A reminder that asks for a call went to {debtor} ({reference}).",
              "{debtor} ({reference}) को ऐसा अनुस्मारक भेजा गया है जिसके बाद फ़ोन करना है।"),
        Words("Call them and record what came of the call on your Today list by {due}.",
              "उन्हें फ़ोन करें और {due} तक अपनी आज की सूची में कॉल का नतीजा दर्ज करें।"),
        "receivables.today", (), due=fact("call_by"), when=lambda f: bool(f.get("call")), lapses=True),),
    # ── who acts for the creditor (portal.cases.assignment) ──
    **{action: (Tell(
        "case_assigned", (A,),
        Words("{creditor} assigned you {reference}, its claim against {debtor} ({assigned_by} assigned it).",
              "{creditor} ने {debtor} के विरुद्ध अपना दावा {reference} आपको सौंपा है ({assigned_by} ने सौंपा)।"),
        Words("Read the case and its evidence; the creditor drafts the notice and submits it for your "
              "review. If you cannot act (a conflict of interest, say), decline the case on its page with "
              "your reason.",
              "मामला और उसके साक्ष्य पढ़ें; लेनदार नोटिस का मसौदा बनाकर आपकी समीक्षा के लिए भेजेगा। यदि आप "
              "कार्य नहीं कर सकते (जैसे हितों का टकराव), तो मामले के पृष्ठ पर कारण लिखकर इसे अस्वीकार करें।"),
        "cases.show_case"),) for action in ("case.advocate_assigned", "case.advocate_reassigned")},
    "case.advocate_declined": (Tell(
        "case_declined", (C, Audience.STAFF),
        Words("{advocate_name} declined {reference} (against {debtor}). The reason given: {reason}",
              "{advocate_name} ने {reference} ({debtor} के विरुद्ध) अस्वीकार कर दिया। बताया गया कारण: {reason}"),
        Words("The case has no advocate now: assign another advocate your organisation has engaged, or "
              "invite one from the Team page.",
              "अब इस मामले का कोई अधिवक्ता नहीं है: आपके संगठन द्वारा नियुक्त कोई अन्य अधिवक्ता सौंपें, या टीम "
              "पृष्ठ से किसी को आमंत्रित करें।"),
        "cases.show_case"),),
    # ── the legal notice ──
    "case.submit_notice": (NOTICE_REVIEW,),
    "notice.submitted": (NOTICE_REVIEW,),   # an s.21 notice (the case's status stays)
    "notice.changes_requested": (Tell(
        "notice_redraft", (C,),
        Words("Your advocate returned the notice in {reference} with comments.",
              "आपके अधिवक्ता ने {reference} का नोटिस टिप्पणियों के साथ लौटा दिया है।"),
        Words("Read the comments, correct the facts or redraft, and submit it again.",
              "टिप्पणियाँ पढ़ें, तथ्य सुधारें या नया मसौदा बनाएँ, और इसे फिर से भेजें।"),
        "notices.show_notice", ("notice_id",)),),
    "notice.approved": (
        Tell("notice_approved", (C,),
             Words("Your advocate approved the notice in {reference}.",
                   "आपके अधिवक्ता ने {reference} का नोटिस स्वीकृत कर दिया है।"),
             Words("Nothing to do yet: it is signed next, and then you serve it.",
                   "अभी कुछ नहीं करना है: पहले इस पर हस्ताक्षर होंगे, फिर आप इसे भेजेंगे।"),
             "notices.show_notice", ("notice_id",)),
        Tell("notice_sign", (A,),
             Words("You approved the notice in {reference}; it awaits your signature.",
                   "आपने {reference} का नोटिस स्वीकृत किया है; यह आपके हस्ताक्षर की प्रतीक्षा में है।"),
             Words("Sign it with your digital signature certificate.",
                   "अपने डिजिटल हस्ताक्षर प्रमाणपत्र से इस पर हस्ताक्षर करें।"),
             "notices.show_notice", ("notice_id",), mail=Mail.NONE),
    ),
    "notice.signed": (Tell(
        "notice_serve", (C,),
        Words("The notice in {reference} is signed by your advocate.",
              "{reference} के नोटिस पर आपके अधिवक्ता ने हस्ताक्षर कर दिए हैं।"),
        Words("Serve it: choose the channels (e-mail, SMS, WhatsApp, post) and send it.",
              "इसे भेजें: माध्यम चुनें (ई-मेल, एसएमएस, व्हाट्सऐप, डाक) और भेजें।"),
        "serving.show_delivery", ("notice_id",)),),
    # Dispatch is not receipt (IT Act s.13): the period to pay is told when receipt is proven.
    "case.serve_notice": (
        Tell("notice_answer", (D,),
             Words("{creditor} served a legal notice on you in {reference}.",
                   "{creditor} ने {reference} में आपको कानूनी नोटिस भेजा है।"),
             Words("Pay, admit part, propose a plan or dispute the claim within {pay_within_days} days of "
                   "receiving it.",
                   "इसे प्राप्त करने के {pay_within_days} दिनों के भीतर भुगतान करें, आंशिक स्वीकार करें, "
                   "किस्तों का प्रस्ताव दें या दावे पर आपत्ति करें।"),
             "debtor_case.home", mail=Mail.EXISTING,
             existing_mail="notice_served.txt (the served notice itself, through its dispatch)"),
        Tell("notice_served", (C,),
             Words("The notice in {reference} was sent to {debtor}.",
                   "{reference} का नोटिस {debtor} को भेज दिया गया है।"),
             Words("The debtor has {pay_within_days} days from receiving it to answer. The period starts "
                   "when receipt is shown (a delivery or read receipt, the debtor opening it, postal "
                   "delivery); you will be told. Record any payment it makes.",
                   "देनदार के पास इसे प्राप्त करने से {pay_within_days} दिन उत्तर देने के लिए हैं। अवधि तब "
                   "शुरू होती है जब प्राप्ति दिखे (डिलीवरी या पढ़ने की रसीद, देनदार का इसे खोलना, डाक से "
                   "डिलीवरी); आपको बताया जाएगा। किया गया कोई भी भुगतान दर्ज करें।"),
             "cases.show_case"),
    ),
    "notice.received": (
        Tell("notice_answer", (D,),
             Words("{creditor} served a legal notice on you in {reference}.",
                   "{creditor} ने {reference} में आपको कानूनी नोटिस भेजा है।"),
             Words("Pay, admit part, propose a plan or dispute the claim by {due}.",
                   "{due} तक भुगतान करें, आंशिक स्वीकार करें, किस्तों का प्रस्ताव दें या दावे पर आपत्ति करें।"),
             "debtor_case.home", due=fact("respond_by"), when=has("respond_by"), mail=Mail.EXISTING,
             existing_mail="notice_served.txt (the served notice itself, through its dispatch)"),
        Tell("notice_received", (C,),
             Words("{debtor} received the notice in {reference}: {how}.",
                   "{debtor} को {reference} का नोटिस प्राप्त हुआ: {how_hi}।"),
             Words("The debtor has until {due} to answer; you will be told when it does. "
                   "Record any payment it makes.",
                   "देनदार के पास उत्तर देने के लिए {due} तक का समय है; उत्तर आने पर आपको बताया जाएगा। "
                   "किया गया कोई भी भुगतान दर्ज करें।"),
             "cases.show_case", due=fact("respond_by"), when=has("respond_by"), lapses=True),
        Tell("cheque_complaint", CREDITOR_SIDE,
             Words("The drawer received the cheque notice in {reference}; the fifteen days to pay end on "
                   "{pay_by_text} (NI Act s.138(c)).",
                   "{reference} में चेक नोटिस आहर्ता को प्राप्त हुआ; भुगतान के पंद्रह दिन {pay_by_text} को "
                   "समाप्त होते हैं (परक्राम्य लिखत अधिनियम धारा 138(ग))।"),
             Words("If the cheque amount is not paid by then, the complaint under section 138 may be filed "
                   "from {complaint_from_text} and must be filed by {due} (s.142(1)(b)).",
                   "यदि तब तक चेक की राशि नहीं चुकाई जाती, तो धारा 138 की शिकायत {complaint_from_text} से "
                   "दायर की जा सकती है और {due} तक दायर करनी होगी (धारा 142(1)(ख))।"),
             "cases.show_case", due=fact("complaint_by"), when=has("complaint_by"), lapses=True),
    ),
    "notice.service_failed": (Tell(
        "notice_reserve", (C,),
        Words("The notice in {reference} reached no one: every channel to {debtor} failed or bounced.",
              "{reference} का नोटिस किसी तक नहीं पहुँचा: {debtor} तक हर माध्यम विफल रहा या लौट आया।"),
        Words("It is not served and no period runs from it. Serve it again on another channel or by "
              "registered post.",
              "यह तामील नहीं हुआ है और इससे कोई अवधि नहीं चलती। इसे किसी अन्य माध्यम से या रजिस्टर्ड डाक से "
              "फिर से भेजें।"),
        "serving.show_delivery", ("notice_id",), mail=Mail.EXISTING,
        existing_mail="dispatch_failed.txt (one per failed channel, offering service on another)"),),
    "part_b.requested": (Tell(
        "part_b_upload", CREDITOR_SIDE,
        Words("Part B of the evidence certificate for the delivery proof in {reference} is asked of "
              "{expert}.",
              "{reference} के डिलीवरी प्रमाण के साक्ष्य प्रमाणपत्र का भाग ख {expert} से माँगा गया है।"),
        Words("Send the expert the delivery-proof certificate; upload the expert's signed Part B when it "
              "comes back.",
              "विशेषज्ञ को डिलीवरी-प्रमाण प्रमाणपत्र भेजें; विशेषज्ञ का हस्ताक्षरित भाग ख लौटने पर अपलोड करें।"),
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
             Words("The conciliator proposed settlement terms in {reference}.",
                   "{reference} में सुलहकर्ता ने समझौते की शर्तें प्रस्तावित की हैं।"),
             Words("Accept or decline the proposal{until}.", "प्रस्ताव स्वीकार या अस्वीकार करें{until_hi}।"),
             "offers.list_offers", due=fact("valid_until")),
        Tell("proposal_received", (D,),
             Words("The conciliator proposed settlement terms in {reference}.",
                   "{reference} में सुलहकर्ता ने समझौते की शर्तें प्रस्तावित की हैं।"),
             Words("Accept or decline the proposal{until}.", "प्रस्ताव स्वीकार या अस्वीकार करें{until_hi}।"),
             "offers.list_offers", due=fact("valid_until")),
    ),
    "bidding.proposed": (
        Tell("bidding_proposed", CREDITOR_SIDE,
             Words("The debtor proposed blind bidding in {reference}.",
                   "{reference} में देनदार ने गोपनीय बोली का प्रस्ताव दिया है।"),
             Words("Agree to the terms (rounds and gap) or decline them.",
                   "शर्तों (दौर और अंतर) पर सहमति दें या अस्वीकार करें।"),
             "offers.bidding", when=side_is("debtor")),
        Tell("bidding_proposed", (D,),
             Words("{creditor} proposed blind bidding in {reference}.",
                   "{creditor} ने {reference} में गोपनीय बोली का प्रस्ताव दिया है।"),
             Words("Agree to the terms (rounds and gap) or decline them.",
                   "शर्तों (दौर और अंतर) पर सहमति दें या अस्वीकार करें।"),
             "offers.bidding", when=side_is("creditor")),
    ),
    "bidding.agreed": (
        Tell("bidding_round", CREDITOR_SIDE, BIDDING_ROUND, BIDDING_SEAL, "offers.bidding"),
        Tell("bidding_round", (D,), BIDDING_ROUND, BIDDING_SEAL, "offers.bidding"),
    ),
    "bidding.round_failed": (
        Tell("bidding_round", CREDITOR_SIDE,
             Words("Blind bidding round {round} in {reference} closed without a deal.",
                   "{reference} में गोपनीय बोली का दौर {round} बिना समझौते के बंद हुआ।"),
             Words("The next round is open: seal your figure for it.",
                   "अगला दौर खुला है: उसके लिए अपनी राशि सील करें।"),
             "offers.bidding"),
        Tell("bidding_round", (D,),
             Words("Blind bidding round {round} in {reference} closed without a deal.",
                   "{reference} में गोपनीय बोली का दौर {round} बिना समझौते के बंद हुआ।"),
             Words("The next round is open: seal your figure for it.",
                   "अगला दौर खुला है: उसके लिए अपनी राशि सील करें।"),
             "offers.bidding"),
    ),
    "bidding.exhausted": (
        Tell("bidding_closed", CREDITOR_SIDE,
             Words("Blind bidding in {reference} ended after its last round without a deal.",
                   "{reference} में गोपनीय बोली अंतिम दौर के बाद बिना समझौते के समाप्त हुई।"),
             Words("You may make an offer, ask for a conciliator or invoke arbitration.",
                   "आप प्रस्ताव दे सकते हैं, सुलहकर्ता माँग सकते हैं या मध्यस्थता (आर्बिट्रेशन) शुरू कर सकते हैं।"),
             "offers.list_offers"),
        Tell("bidding_closed", (D,),
             Words("Blind bidding in {reference} ended after its last round without a deal.",
                   "{reference} में गोपनीय बोली अंतिम दौर के बाद बिना समझौते के समाप्त हुई।"),
             Words("You may make an offer or ask for a conciliator.",
                   "आप प्रस्ताव दे सकते हैं या सुलहकर्ता माँग सकते हैं।"),
             "offers.list_offers"),
    ),
    # The debtor's answers on the creditor's own offers and on bidding (the room's news, told here).
    "offer.accepted": (Tell(
        "offer_answered", CREDITOR_SIDE,
        Words("{debtor} accepted your offer in {reference}.",
              "{debtor} ने {reference} में आपका प्रस्ताव स्वीकार किया है।"),
        Words("The settlement agreement is prepared for both sides to sign.",
              "समझौता-पत्र दोनों पक्षों के हस्ताक्षर के लिए तैयार किया जाता है।"),
        "settlement.show", when=side_is("debtor")),),
    "offer.rejected": (Tell(
        "offer_answered", CREDITOR_SIDE,
        Words("{debtor} declined your offer in {reference}.",
              "{debtor} ने {reference} में आपका प्रस्ताव अस्वीकार किया है।"),
        Words("You may make another offer, ask for a conciliator or invoke arbitration.",
              "आप दूसरा प्रस्ताव दे सकते हैं, सुलहकर्ता माँग सकते हैं या मध्यस्थता शुरू कर सकते हैं।"),
        "offers.list_offers", when=side_is("debtor")),),
    "proposal.accepted_by_party": (Tell(
        "proposal_received", CREDITOR_SIDE,
        Words("{debtor} accepted the conciliator's proposal in {reference}.",
              "{debtor} ने {reference} में सुलहकर्ता का प्रस्ताव स्वीकार किया है।"),
        Words("Accept it too to settle, or decline it{until}.",
              "समझौते के लिए आप भी इसे स्वीकार करें, या अस्वीकार करें{until_hi}।"),
        "offers.list_offers", when=side_is("debtor")),),
    "bidding.figure_sealed": (Tell(
        "bidding_round", CREDITOR_SIDE,
        Words("{debtor} sealed its figure for blind bidding round {round} in {reference}.",
              "{reference} में {debtor} ने गोपनीय बोली के दौर {round} के लिए अपनी राशि सील की है।"),
        BIDDING_SEAL, "offers.bidding", when=side_is("debtor")),),
    **{f"bidding.{action}": (Tell(
        "bidding_closed", CREDITOR_SIDE,
        Words(f"{{debtor}} {en} in {{reference}}.", f"{{reference}} में {{debtor}} ने {hi}।"),
        Words("You may make an offer, ask for a conciliator or invoke arbitration.",
              "आप प्रस्ताव दे सकते हैं, सुलहकर्ता माँग सकते हैं या मध्यस्थता (आर्बिट्रेशन) शुरू कर सकते हैं।"),
        "offers.list_offers", when=side_is("debtor")),)
       for action, en, hi in (("declined", "declined blind bidding", "गोपनीय बोली अस्वीकार की है"),
                              ("withdrawn", "withdrew its blind-bidding proposal",
                               "अपना गोपनीय बोली का प्रस्ताव वापस ले लिया है"))},
    "bidding.settled": (Tell(
        "bidding_closed", CREDITOR_SIDE,
        Words("Blind bidding in {reference} settled in round {round}.",
              "{reference} में गोपनीय बोली दौर {round} में समझौते पर पहुँची।"),
        Words("The settlement agreement is ready to sign.", "समझौता-पत्र हस्ताक्षर के लिए तैयार है।"),
        "settlement.show"),),
    # ── settlement ──
    "settlement.created": (
        Tell("settlement_to_sign", (C,),
             Words("The settlement agreement in {reference} is ready to sign.",
                   "{reference} का समझौता-पत्र हस्ताक्षर के लिए तैयार है।"),
             Words("Read it and accept it with a one-time code, or sign it.",
                   "इसे पढ़ें और एक-बार के कोड से स्वीकार करें, या इस पर हस्ताक्षर करें।"),
             "settlement.show"),
        Tell("settlement_to_sign", (D,),
             Words("The settlement agreement with {creditor} in {reference} is ready to sign.",
                   "{reference} में {creditor} के साथ समझौता-पत्र हस्ताक्षर के लिए तैयार है।"),
             Words("Read it and accept it with a one-time code.", "इसे पढ़ें और एक-बार के कोड से स्वीकार करें।"),
             "settlement.show"),
    ),
    "settlement.signed": (
        Tell("settlement_complete", CREDITOR_SIDE,
             Words("The settlement agreement in {reference} is complete: everyone has signed.",
                   "{reference} का समझौता-पत्र पूरा हुआ: सभी ने हस्ताक्षर कर दिए हैं।"),
             Words("Download the sealed agreement; confirm each instalment when the debtor reports it.",
                   "मुहरबंद समझौता-पत्र डाउनलोड करें; देनदार के बताने पर हर किस्त की पुष्टि करें।"),
             "settlement.show", mail=Mail.EXISTING, existing_mail="settlement_news.txt"),
        Tell("settlement_complete", (D,),
             Words("The settlement agreement with {creditor} in {reference} is complete.",
                   "{reference} में {creditor} के साथ समझौता-पत्र पूरा हो गया है।"),
             Words("Pay each instalment on time; the first is due by {due}.",
                   "हर किस्त समय पर चुकाएँ; पहली किस्त {due} तक देय है।"),
             "payments.pay", due=fact("first_due")),
    ),
    "settlement.instalment_reminder": (Tell(
        "instalment_due", (D,),
        Words("Instalment {instalment} under your settlement in {reference} falls due.",
              "{reference} के समझौते की किस्त {instalment} देय हो रही है।"),
        Words("Pay it by {due} and report the UPI reference.", "{due} तक भुगतान करें और यूपीआई संदर्भ बताएँ।"),
        "payments.pay", due=fact("due_on"), mail=Mail.EXISTING,
        existing_mail="settlement_reminder.txt (and sms/settlement_reminder.txt)"),),
    "settlement.instalment_defaulted": (
        Tell("instalment_missed", (D,),
             Words("Instalment {instalment} under your settlement in {reference} was not paid: "
                   "the settlement is in default.",
                   "{reference} के समझौते की किस्त {instalment} नहीं चुकाई गई: समझौता चूक में है।"),
             Words("Pay the arrears at once to cure the default.", "चूक दूर करने के लिए बकाया तुरंत चुकाएँ।"),
             "payments.pay", mail=Mail.EXISTING, existing_mail="settlement_default.txt"),
        Tell("instalment_missed", CREDITOR_SIDE,
             Words("The debtor missed instalment {instalment} in {reference}: the settlement is in default.",
                   "{reference} में देनदार ने किस्त {instalment} नहीं चुकाई: समझौता चूक में है।"),
             Words("You may wait for the arrears or invoke arbitration on the settlement.",
                   "आप बकाया की प्रतीक्षा कर सकते हैं या समझौते पर मध्यस्थता शुरू कर सकते हैं।"),
             "cases.show_case", mail=Mail.EXISTING, existing_mail="settlement_default.txt"),
    ),
    "payment.reported": (Tell(
        "payment_to_confirm", (C,),
        Words("The debtor reported a payment in {reference}.",
              "{reference} में देनदार ने एक भुगतान की सूचना दी है।"),
        Words("Check your bank account and confirm or reject the report.",
              "अपना बैंक खाता जाँचें और सूचना की पुष्टि करें या अस्वीकार करें।"),
        "payments.list_payments"),),
    # ── conciliation and arbitration ──
    "odr.conciliation_requested": (Tell(
        "conciliation_request", (ADM,),
        Words("A conciliator is requested in {reference}.", "{reference} में सुलहकर्ता की माँग की गई है।"),
        Words("Appoint a conciliator from the panel.", "पैनल से एक सुलहकर्ता नियुक्त करें।"),
        "odr.conciliation_requests", ()),),
    "odr.neutral_appointed": (Tell(
        "conciliator_accept", (N,),
        Words("You are appointed conciliator in {reference}.",
              "आपको {reference} में सुलहकर्ता नियुक्त किया गया है।"),
        Words("File your disclosure of independence and impartiality and accept before you act (s.67(1)).",
              "कार्य करने से पहले अपनी स्वतंत्रता और निष्पक्षता का प्रकटीकरण भरें और नियुक्ति स्वीकार करें (धारा 67(1))।"),
        "odr.accept_conciliation", mail=Mail.EXISTING, existing_mail="odr_neutral_appointed.txt"),),
    "odr.conciliator_accepted": tuple(Tell(
        "conciliator_ready", to,
        Words("The conciliator in {reference} has filed its disclosure and accepted the appointment.",
              "{reference} में सुलहकर्ता ने अपना प्रकटीकरण भर दिया है और नियुक्ति स्वीकार कर ली है।"),
        Words("You may speak to the conciliator alone in your private session, and answer its proposals.",
              "आप अपने निजी सत्र में सुलहकर्ता से अकेले बात कर सकते हैं और उसके प्रस्तावों का उत्तर दे सकते हैं।"),
        "odr.room", lapses=False) for to in (CREDITOR_SIDE, (D,))),
    # s.11: the institution is told to appoint only where it may; otherwise the parties are told to agree
    # on a name (or that the institution appoints), failing which the court appoints.
    "case.invoke_arbitration": (
        Tell("tribunal_awaiting", (ADM,),
             Words("Arbitration is invoked in {reference}; no tribunal is constituted yet.",
                   "{reference} में मध्यस्थता शुरू की गई है; अभी अधिकरण गठित नहीं हुआ है।"),
             Words("Appoint an arbitrator from the roster, unless the parties choose one together.",
                   "सूची से मध्यस्थ नियुक्त करें, जब तक पक्ष मिलकर किसी को न चुनें।"),
             "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint"))),
        *(Tell("tribunal_choose", to,
               Words("Arbitration is invoked in {reference}; the agreement names no appointing authority.",
                     "{reference} में मध्यस्थता शुरू की गई है; समझौते में कोई नियुक्ति प्राधिकारी नामित नहीं है।"),
               Words("Agree on the sole arbitrator with the other party (propose a name), or both agree "
                     "that the institution appoints; otherwise the court appoints on an application under "
                     "s.11(5).",
                     "दूसरे पक्ष के साथ एकमात्र मध्यस्थ पर सहमति बनाएँ (नाम प्रस्तावित करें), या दोनों सहमत हों कि संस्था "
                     "नियुक्त करे; अन्यथा धारा 11(5) के आवेदन पर न्यायालय नियुक्त करता है।"),
               "tribunal.show", when=lambda f: not f.get("institution_may_appoint"))
          for to in (CREDITOR_SIDE, (D,))),
    ),
    "arbitration.institution_consent": (Tell(
        "tribunal_awaiting", (ADM,),
        Words("Both parties in {reference} agreed in writing that the institution appoints the arbitrator.",
              "{reference} में दोनों पक्षों ने लिखित रूप में सहमति दी है कि संस्था मध्यस्थ नियुक्त करे।"),
        Words("Appoint an arbitrator from the roster, unless the parties choose one together.",
              "सूची से मध्यस्थ नियुक्त करें, जब तक पक्ष मिलकर किसी को न चुनें।"),
        "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint"))),),
    "arbitration.arbitrator_nominated": (Tell(
        "tribunal_invitation", (N,),
        Words("You are asked to act as arbitrator in {reference}.",
              "आपसे {reference} में मध्यस्थ बनने का अनुरोध है।"),
        Words("File the Sixth Schedule disclosure and accept, or decline.",
              "छठी अनुसूची का प्रकटीकरण भरें और स्वीकार करें, या अस्वीकार करें।"),
        "tribunal.invitation", ("appointment_id",), mail=Mail.EXISTING,
             existing_mail="tribunal_invited.txt"),),
    # A party proposes a name; the other party is told (no party appoints alone, s.11(2)).
    "arbitration.arbitrator_proposed": tuple(Tell(
        "tribunal_proposal", to,
        Words(f"{{{proposer}}} proposed {{neutral_name}} as sole arbitrator in {{reference}}.",
              f"{{reference}} में {{{proposer}}} ने {{neutral_name}} को एकमात्र मध्यस्थ के रूप में प्रस्तावित किया है।"),
        Words("Agree to the name or propose another: it stands only if both parties agree (s.11(2)).",
              "नाम पर सहमति दें या दूसरा नाम प्रस्तावित करें: नाम तभी मान्य है जब दोनों पक्ष सहमत हों (धारा 11(2))।"),
        "tribunal.show", when=side_is(proposer))
        for to, proposer in (((D,), "creditor"), (CREDITOR_SIDE, "debtor"))),
    "arbitration.arbitrator_challenged": (Tell(
        "tribunal_challenge", (N,),
        Words("A party challenges your appointment in {reference}.",
              "{reference} में एक पक्ष ने आपकी नियुक्ति को चुनौती दी है।"),
        Words("Withdraw, or decide the challenge with reasons (s.13).",
              "हट जाएँ, या कारणों सहित चुनौती पर निर्णय दें (धारा 13)।"),
        "tribunal.show"),),
    "arbitration.disclosure_updated": tuple(Tell(
        "tribunal_disclosure", to,
        Words("The arbitrator in {reference} disclosed a new circumstance (s.12(2)).",
              "{reference} में मध्यस्थ ने एक नई परिस्थिति का प्रकटीकरण किया है (धारा 12(2))।"),
        Words("Read it. You may challenge the arbitrator on it until {due} (s.13(2)).",
              "इसे पढ़ें। आप इसके आधार पर {due} तक मध्यस्थ को चुनौती दे सकते हैं (धारा 13(2))।"),
        "tribunal.show", due=fact("challenge_deadline"), lapses=True) for to in (CREDITOR_SIDE, (D,))),
    "arbitration.challenge_decided": tuple(Tell(
        "tribunal_challenge_decided", to,
        Words(f"The arbitrator {verb} the challenge in {{reference}}.",
              f"{{reference}} में मध्यस्थ ने चुनौती {verb_hi}।"),
        may, "tribunal.show", when=lambda f, d=decision: f.get("decision") == d, lapses=lapses)
        for to in (CREDITOR_SIDE, (D,))
        for decision, verb, verb_hi, may, lapses in (
            ("upheld", "upheld", "स्वीकार की और पद छोड़ दिया",
             Words("A substitute arbitrator is appointed the way the first was (s.15(2)).",
                   "पहले की तरह ही एक स्थानापन्न मध्यस्थ नियुक्त किया जाएगा (धारा 15(2))।"), False),
            ("rejected", "rejected", "अस्वीकार की",
             Words("The proceedings continue; the challenge may be raised again in an application to set "
                   "aside the award (s.13(5), s.34).",
                   "कार्यवाही जारी है; चुनौती पंचाट को रद्द कराने के आवेदन में फिर उठाई जा सकती है "
                   "(धारा 13(5), धारा 34)।"), True))),
    "arbitration.arbitrator_ineligible": (
        *(Tell("tribunal_ended", to,
               Words("The arbitrator's mandate in {reference} has ended: a Seventh Schedule relationship "
                     "with a party or its counsel makes the arbitrator ineligible (s.12(5), s.14(1)(a)).",
                     "{reference} में मध्यस्थ का अधिदेश समाप्त हो गया है: किसी पक्ष या उसके अधिवक्ता से सातवीं "
                     "अनुसूची का संबंध मध्यस्थ को अपात्र बनाता है (धारा 12(5), 14(1)(क))।"),
               Words("A substitute arbitrator is appointed the way the first was (s.15(2)).",
                     "पहले की तरह ही एक स्थानापन्न मध्यस्थ नियुक्त किया जाएगा (धारा 15(2))।"),
               "tribunal.show") for to in (CREDITOR_SIDE, (D,))),
        Tell("tribunal_awaiting", (ADM,),
             Words("The arbitrator's mandate in {reference} has ended (s.12(5)); no tribunal stands.",
                   "{reference} में मध्यस्थ का अधिदेश समाप्त हो गया है (धारा 12(5)); कोई अधिकरण नहीं है।"),
             Words("A substitute is appointed as the first was (s.15(2)): by the parties' agreement, or by "
                   "the institution only where it may appoint.",
                   "स्थानापन्न पहले की तरह नियुक्त होगा (धारा 15(2)): पक्षों की सहमति से, या संस्था द्वारा "
                   "केवल वहाँ जहाँ वह नियुक्त कर सकती है।"),
             "tribunal.awaiting", (), when=lambda f: bool(f.get("institution_may_appoint")))),
    "arbitration.arbitrator_accepted": (
        Tell("tribunal_constituted", (D,),
             Words("The arbitral tribunal in {reference} is constituted: {neutral_name} accepted as sole "
                   "arbitrator and filed the disclosure (s.12(1)).",
                   "{reference} में मध्यस्थ अधिकरण गठित हो गया है: {neutral_name} ने एकमात्र मध्यस्थ के रूप में "
                   "नियुक्ति स्वीकार की और प्रकटीकरण भरा (धारा 12(1))।"),
             Words("Read the arbitrator's disclosure. You may challenge the appointment until {due} "
                   "(s.13(2)).",
                   "मध्यस्थ का प्रकटीकरण पढ़ें। आप {due} तक नियुक्ति को चुनौती दे सकते हैं (धारा 13(2))।"),
             "tribunal.show", due=fact("challenge_deadline"), lapses=True),
        Tell("tribunal_constituted", CREDITOR_SIDE,
             Words("The arbitral tribunal in {reference} is constituted: {neutral_name} accepted as sole "
                   "arbitrator and filed the disclosure (s.12(1)).",
                   "{reference} में मध्यस्थ अधिकरण गठित हो गया है: {neutral_name} ने एकमात्र मध्यस्थ के रूप में "
                   "नियुक्ति स्वीकार की और प्रकटीकरण भरा (धारा 12(1))।"),
             Words("Read the arbitrator's disclosure. You may challenge the appointment until {due} "
                   "(s.13(2)).",
                   "मध्यस्थ का प्रकटीकरण पढ़ें। आप {due} तक नियुक्ति को चुनौती दे सकते हैं (धारा 13(2))।"),
             "tribunal.show", due=fact("challenge_deadline"), lapses=True),
    ),
    # A calendar step is the party's notice of its time (s.23(1)); without it no default under s.25.
    **{action: tuple(Tell(
        "step_due", to,
        Words("The arbitrator set the date for your {title} in {reference}.",
              "{reference} में मध्यस्थ ने आपके {title} की तिथि तय की है।"),
        Words("File it on the proceedings page by {due}. If it is not filed in time without sufficient "
              "cause, the arbitrator may proceed without it (s.25).",
              "इसे {due} तक कार्यवाही के पृष्ठ पर दाखिल करें। बिना पर्याप्त कारण के समय पर दाखिल न होने पर "
              "मध्यस्थ इसके बिना आगे बढ़ सकते हैं (धारा 25)।"),
        "proceedings.show", due=fact("due_on"), when=lambda f, p=party: f.get("party") == p)
        for to, party in ((CREDITOR_SIDE, "claimant"), ((D,), "respondent")))
       for action in ("arbitration.step_set", "arbitration.step_extended")},
    "arbitration.hearing_scheduled": tuple(Tell(
        "hearing_set", to,
        Words("The arbitrator set a hearing in {reference}.", "{reference} में मध्यस्थ ने सुनवाई तय की है।"),
        Words("Attend it on {due} (the video link is on the hearing's page).",
              "{due} को सुनवाई में शामिल हों (वीडियो लिंक सुनवाई के पृष्ठ पर है)।"),
        "proceedings.show_hearing", ("reference", "hearing_id"), due=fact("starts_at"), mail=Mail.EXISTING,
        existing_mail="proceedings_hearing.txt", lapses=True) for to in (CREDITOR_SIDE, (D,))),
    "arbitration.procedural_order": tuple(Tell(
        "order_made", to,
        Words("The arbitrator issued Procedural Order No. {number} in {reference}.",
              "{reference} में मध्यस्थ ने प्रक्रियात्मक आदेश संख्या {number} जारी किया है।"),
        Words("Read it and follow its directions by the dates it sets.",
              "इसे पढ़ें और इसमें दी गई तिथियों तक इसके निर्देशों का पालन करें।"),
        "proceedings.show", mail=Mail.EXISTING,
             existing_mail="proceedings_order.txt") for to in (CREDITOR_SIDE, (D,))),
    "award.served": (
        Tell("award_served", (D,),
             Words("The signed arbitral award in {reference} was served on you.",
                   "{reference} का हस्ताक्षरित मध्यस्थ पंचाट (अवार्ड) आपको भेजा गया है।"),
             Words("Comply with it. An application to set it aside (s.34) lies within three months of "
                   "receiving it: about {due}.",
                   "इसका पालन करें। इसे रद्द कराने का आवेदन (धारा 34) प्राप्ति के तीन महीने के भीतर, लगभग {due} तक, "
                   "किया जा सकता है।"),
             "awards.show", due=s34_window, mail=Mail.EXISTING,
             existing_mail="the served award itself (its dispatch to the respondent)", lapses=True),
        Tell("award_served", CREDITOR_SIDE,
             Words("The signed arbitral award in {reference} is served.",
                   "{reference} का हस्ताक्षरित मध्यस्थ पंचाट भेज दिया गया है।"),
             Words("The respondent may apply to set it aside within three months of receipt (about {due}); "
                   "after that it is enforceable as a decree.",
                   "प्रतिवादी प्राप्ति के तीन महीने के भीतर (लगभग {due} तक) इसे रद्द कराने का आवेदन कर सकता है; "
                   "उसके बाद यह डिक्री की तरह लागू करने योग्य है।"),
             "awards.show", due=s34_window, mail=Mail.EXISTING, existing_mail="award_served_claimant.txt",
             lapses=True),
    ),
    # ── limitation (Limitation Act 1963; portal.cases.limitation_alerts, 90, 30 and 7 days) ──
    "case.limitation_alert": (Tell(
        "limitation_near", CREDITOR_SIDE,
        Words("Invoice {invoice} in {reference} (against {debtor}) becomes time-barred after "
              "{due}: {days_left} days are left to file the claim.",
              "{reference} ({debtor} के विरुद्ध) का बिल {invoice} {due} के बाद कालातीत हो जाएगा: "
              "दावा दायर करने के लिए {days_left} दिन बचे हैं।"),
        Words("Before {due}, take the next legal step (refer it to the council or invoke "
              "arbitration), or record the debtor's signed acknowledgement or a part payment it "
              "acknowledged in writing, which starts a fresh period (ss.18 and 19).",
              "{due} से पहले अगला कानूनी कदम उठाएँ (परिषद को संदर्भित करें या मध्यस्थता आरंभ करें), "
              "या देनदार की हस्ताक्षरित पावती अथवा लिखित रूप में स्वीकार किया गया आंशिक भुगतान दर्ज "
              "करें, जिससे नई अवधि आरंभ होती है (धारा 18 और 19)।"),
        "cases.show_case", due=fact("deadline"), lapses=True),),
}

DEBTOR_ANSWERS = {
    "acknowledge": ("acknowledged the claim", "ने दावे को स्वीकार किया है"),
    "pay_in_full": ("chose to pay in full", "ने पूरा भुगतान करना चुना है"),
    "admit_part": ("admitted part of the claim", "ने दावे का एक भाग स्वीकार किया है"),
    "propose_plan": ("proposed a payment plan", "ने भुगतान योजना प्रस्तावित की है"),
    "dispute": ("disputed the claim", "ने दावे पर आपत्ति की है"),
    "call_back": ("asked for a call back", "ने वापस फ़ोन करने का अनुरोध किया है"),
}
for _kind, (_en, _hi) in DEBTOR_ANSWERS.items():
    RULES[f"debtor.{_kind}"] = tuple(Tell(
        "debtor_responded", to,
        Words(f"{{debtor}} {_en} in {{reference}}.", f"{{reference}} में {{debtor}} {_hi}।"),
        Words("Read the answer and reply: make an offer in the ODR room, confirm a payment, "
              "or call back as asked.",
              "उत्तर पढ़ें और जवाब दें: ओडीआर कक्ष में प्रस्ताव दें, भुगतान की पुष्टि करें, या अनुरोध के अनुसार फ़ोन करें।"),
        "cases.show_case", mail=mail, existing_mail=existing)
        for to, mail, existing in (((C,), Mail.EXISTING, "debtor_responded.txt"), ((A,), Mail.NEW, "")))

# What an SMS to the debtor says: that something waits and where, never a figure or the terms.
SMS_HEADLINES = {
    "offer_received": "an offer awaits your answer",
    "counter_offer_received": "a counter-offer awaits your answer",
    "proposal_received": "the conciliator's proposal awaits your answer",
    "bidding_proposed": "blind bidding is proposed",
    "bidding_round": "a blind bidding round is open",
    "bidding_closed": "blind bidding ended",
    "settlement_to_sign": "a settlement agreement is ready to sign",
    "settlement_complete": "your settlement agreement is complete",
    "tribunal_constituted": "the arbitral tribunal is constituted",
    "tribunal_proposal": "an arbitrator is proposed for your agreement",
    "tribunal_disclosure": "the arbitrator disclosed a new circumstance",
    "tribunal_challenge_decided": "the arbitrator decided the challenge",
    "tribunal_ended": "the arbitrator's mandate has ended",
    "conciliator_ready": "the conciliator has accepted",
    "step_due": "a filing date is set in your arbitration",
    "tribunal_choose": "the arbitrator is to be chosen",
}

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


def closes_for(action: str) -> tuple[Closes, ...]:
    return CLOSES.get(action, ())


def words(tell: Tell, facts: Facts, lang: str, due_text: str) -> tuple[str, str]:
    """(what happened, what they may do) in `lang` ("en" or "hi"), with the facts filled in."""
    values = {k: v for k, v in facts.items() if isinstance(v, str | int)}
    values.update(due=due_text or ("—" if lang == "en" else "—"),
                  until=f" by {due_text}" if due_text else "",
                  until_hi=f" ({due_text} तक)" if due_text else "")
    return tell.what.get(lang).format_map(_Missing(values)), tell.may.get(lang).format_map(_Missing(values))


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "—"


ACTIONS = frozenset(RULES) | frozenset(CLOSES) | ENDS_CASE

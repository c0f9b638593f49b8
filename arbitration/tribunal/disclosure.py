"""The s.12(1) disclosure in the form of the Sixth Schedule, its validation, and continuing
disclosure (s.12(2)): the arbitrator files an update at any time; the parties are told and a fresh
s.13(2) challenge window runs from it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from arbitration.tribunal import conflicts
from arbitration.tribunal.models import Appointment, AppointmentStatus, DisclosureUpdate
from arbitration.tribunal.states import APPOINTMENT
from portal import audit, lifecycle
from portal.accounts import User
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_, gettext
from portal.types import utcnow

CHALLENGE_DAYS = 15  # s.13(2): fifteen days from becoming aware of the constitution or a circumstance
MAX_ANSWER = 4000


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str = "text"  # "text", "count" (a whole number) or "yes_no" with details when yes
    item: str = ""      # how a refusal names it: the item's name, or its number for items 5 and 6


# The Sixth Schedule, item by item (items 5 and 6 ask for the circumstances to be listed). The texts are
# English where they are kept (the filed answers are stored by key, the declaration with its English
# text); a page shows them in its reader's language (`gettext(q.text)`).
SIXTH_SCHEDULE = (
    Question("name", N_("1. Name"), item=N_("Name")),
    Question("contact", N_("2. Contact details"), item=N_("Contact details")),
    Question("experience", N_("3. Prior experience (including experience with arbitrations)"),
             item=N_("Prior experience")),
    Question("ongoing", N_("4. Number of ongoing arbitrations"), "count",
             item=N_("Number of ongoing arbitrations")),
    Question("relationships", N_("5. Circumstances disclosing any past or present relationship with or "
             "interest in any of the parties or in relation to the subject-matter in dispute, whether "
             "financial, business, professional or other kind, which is likely to give rise to justifiable "
             "doubts as to your independence or impartiality"), "yes_no", item="5"),
    Question("time", N_("6. Circumstances which are likely to affect your ability to devote sufficient time "
             "to the arbitration and in particular your ability to finish the entire arbitration within "
             "twelve months"), "yes_no", item="6"),
)
SEVENTH_SCHEDULE_DECLARATION = N_("I have no relationship with the parties, their counsel or the "
                                  "subject-matter of the dispute that falls under the Seventh Schedule.")


def validate(raw: dict[str, str]) -> tuple[dict, list[str]]:
    """Clean the form's answers; every item must be answered. Returns (answers, problems): the answers
    as they are stored (English), the problems in the language in force (they are only shown)."""
    answers: dict[str, object] = {}
    problems: list[str] = []
    for q in SIXTH_SCHEDULE:
        value = (raw.get(q.key) or "").strip()
        if q.kind == "count":
            if not value.isdigit() or len(value) > 4:
                problems.append(gettext("%(item)s: give a whole number (0 if none).", item=gettext(q.item)))
                continue
            answers[q.key] = int(value)
        elif q.kind == "yes_no":
            details = (raw.get(f"{q.key}_details") or "").strip()
            if value not in {"yes", "no"}:
                problems.append(gettext("Item %(number)s: answer yes or no.", number=q.item))
                continue
            if value == "yes" and not details:
                problems.append(gettext("Item %(number)s: list the circumstances you disclose.",
                                        number=q.item))
                continue
            if len(details) > MAX_ANSWER:
                problems.append(gettext("Item %(number)s: keep it under %(count)s characters.", number=q.item,
                                        count=MAX_ANSWER))
                continue
            answers[q.key] = {"answer": value, "details": details if value == "yes" else ""}
        else:
            if not value:
                problems.append(gettext("%(item)s: this item must be answered.", item=gettext(q.item)))
            elif len(value) > MAX_ANSWER:
                problems.append(gettext("%(item)s: keep it under %(count)s characters.", item=gettext(q.item),
                                        count=MAX_ANSWER))
            else:
                answers[q.key] = value
    if (raw.get("seventh_schedule") or "") != "y":
        problems.append(gettext("Confirm that no Seventh Schedule relationship applies, or decline the "
                                "appointment."))
    else:
        answers["seventh_schedule"] = SEVENTH_SCHEDULE_DECLARATION
    return answers, problems


def declaration_words(stored: str | None) -> str:
    """The Seventh Schedule declaration a disclosure holds (its English words), as a page says it."""
    return gettext(SEVENTH_SCHEDULE_DECLARATION) if stored == SEVENTH_SCHEDULE_DECLARATION else (stored or "")


def deadline_from(moment: datetime) -> datetime:
    return moment + timedelta(days=CHALLENGE_DAYS)


def file_update(actor: User, appointment: Appointment, circumstances: str) -> DisclosureUpdate:
    """Record a continuing disclosure; the challenge window runs afresh from it."""
    text = (circumstances or "").strip()
    if not text:
        raise DomainError("Describe the circumstance you disclose.")
    if len(text) > MAX_ANSWER:
        raise DomainError(f"Keep the disclosure under {MAX_ANSWER} characters.")
    update = DisclosureUpdate(appointment=appointment, circumstances=text, filed_at=utcnow())
    db.session.add(update)
    fresh = deadline_from(update.filed_at)
    if appointment.challenge_deadline is None or appointment.challenge_deadline < fresh:
        appointment.challenge_deadline = fresh
    db.session.flush()
    audit.record("arbitration.disclosure_updated", actor=actor, case=appointment.case,
                 payload={"appointment_id": appointment.id, "update_id": update.id,
                          "challenge_deadline": appointment.challenge_deadline.isoformat()})
    end_if_ineligible(actor, appointment)  # the parties are told of both by the notifications
    return update


def end_if_ineligible(actor: User, appointment: Appointment) -> bool:
    """Run the Seventh Schedule check again (at each disclosure update, each declared relationship and
    before the award is signed): a relationship with a party or its counsel makes the arbitrator
    ineligible (s.12(5)) and its mandate terminates (s.14(1)(a)); a substitute is appointed (s.15(2)).
    Returns whether the mandate ended."""
    case = appointment.case
    if appointment.status not in (AppointmentStatus.ACCEPTED, AppointmentStatus.CHALLENGED):
        return False
    found = conflicts.conflicts(case, appointment.neutral)
    if not found:
        return False
    grounds = list(dict.fromkeys(c.message for c in found))
    lifecycle.fire(APPOINTMENT, appointment, "arbitrator_ineligible", actor, case=case,
                   payload={"appointment_id": appointment.id, "grounds": grounds})
    return True  # the parties and the institution are told by the notifications

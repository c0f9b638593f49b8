"""An invoice's limitation as a page shows it, in the page's language.

The reckoning (portal.cases.limitation, pure rules with no Flask) writes its summary and each step of
the reason chain in English itself; those sentences stay as they are. A Hindi page says the same
things from the status's figures through the catalogue: the deadline, the days left, and for each
step which sentence it is (LimitationStep.sentence), its event and the days it names."""
from __future__ import annotations

from datetime import timedelta

from portal.cases.limitation import (
    EventKind,
    LimitationState,
    LimitationStatus,
    LimitationStep,
    StepSentence,
)
from portal.formatting import day
from portal.i18n import gettext, language, ngettext


def limitation_summary(status: LimitationStatus) -> str:
    """Where the invoice stands (LimitationStatus.summary in English)."""
    lang = language()
    if lang == "en":
        return status.summary
    if status.state == LimitationState.TIME_BARRED:
        return gettext("Time-barred since %(date)s: it can go into a notice only with a recorded "
                       "justification.", date=day(status.deadline + timedelta(days=1), lang))
    until = day(status.deadline, lang)
    near = status.state == LimitationState.NEAR
    if status.days_left == 0:
        if near:
            return gettext("In time until %(date)s: the last day (near the deadline).", date=until)
        return gettext("In time until %(date)s: the last day.", date=until)
    if near:
        return ngettext("In time until %(date)s: %(num)d day left (near the deadline).",
                        "In time until %(date)s: %(num)d days left (near the deadline).",
                        status.days_left, date=until)
    return ngettext("In time until %(date)s: %(num)d day left.", "In time until %(date)s: %(num)d days left.",
                    status.days_left, date=until)


def _event(step: LimitationStep, lang: str) -> str:
    when = day(step.on, lang)
    if step.kind == EventKind.ACKNOWLEDGEMENT:
        if step.description:
            return gettext("A written acknowledgement (s.18) on %(date)s (%(description)s)", date=when,
                           description=step.description)
        return gettext("A written acknowledgement (s.18) on %(date)s", date=when)
    if step.description:
        return gettext("A part payment (s.19) on %(date)s (%(description)s)", date=when,
                       description=step.description)
    return gettext("A part payment (s.19) on %(date)s", date=when)


def limitation_step(step: LimitationStep) -> str:
    """One step of "Why this limitation date" (LimitationStep.text in English)."""
    lang = language()
    if lang == "en" or not step.sentence:
        return step.text
    deadline = day(step.deadline, lang)
    compared = day(step.compared, lang)
    match step.sentence:
        case StepSentence.FROM_DUE_DATE:
            return gettext("Art. 15 / Art. 113: The period runs from the due date, %(date)s. Three years "
                           "from it end on %(deadline)s.", date=day(step.on, lang), deadline=deadline)
        case StepSentence.FROM_DELIVERY:
            return gettext("Art. 14: No credit period was fixed, so for the price of goods the period runs "
                           "from delivery, %(date)s, not from the later due date of %(due)s. Three years "
                           "from it end on %(deadline)s.", date=day(step.on, lang), due=compared,
                           deadline=deadline)
    event = _event(step, lang)
    match step.sentence:
        case StepSentence.NOT_IN_WRITING:
            return gettext("%(event)s does not start a fresh period: s.19 counts a part payment only when "
                           "the payer acknowledges it in its own handwriting or in a writing it signed. "
                           "Record that document to count it.", event=event)
        case StepSentence.AFTER_TODAY:
            return gettext("%(event)s is dated after %(date)s and is not counted.", event=event,
                           date=compared)
        case StepSentence.AFTER_EXPIRY:
            return gettext("%(event)s came after the period expired on %(deadline)s, so it does not revive "
                           "the claim (a written promise to pay a time-barred debt may be a new contract "
                           "under Indian Contract Act s.25(3): record it separately).", event=event,
                           deadline=deadline)
        case StepSentence.FRESH_PERIOD:
            return gettext("%(event)s, before expiry, starts a fresh period ending %(deadline)s.",
                           event=event, deadline=deadline)
        case StepSentence.NO_LATER:
            return gettext("%(event)s does not move the deadline: its fresh period would end %(fresh)s, "
                           "not after %(deadline)s.", event=event, fresh=compared, deadline=deadline)
    return step.text

"""A statutory clock as the proceedings page shows it, in the page's language.

The clocks (arbitration.proceedings.clocks, pure: no Flask) write each clock's label and note in
English; only the proceedings page shows them. A page in another language says the label through the
catalogue, found by its English text (listed below for extraction), and the note from the clock's
figures (the months of extension, those by consent) and its state."""
from __future__ import annotations

from arbitration.proceedings.clocks import CONSENT_MONTHS_MAX, Clock, ClockState
from portal.i18n import N_, gettext, language, ngettext

# The English of the clocks' labels and of the notes of a clock not yet started, as clocks.py writes them.
WORDS = (
    N_("Pleadings complete (s.23(4), six months)"), N_("Award (s.29A, twelve months)"),
    N_("Fast-track award (s.29B, six months)"),
    N_("Starts when the arbitrator receives written notice of the appointment."),
    N_("Starts when the pleadings are complete."),
    N_("Starts when the arbitrator accepts the appointment."),
)


def label(clock: Clock) -> str:
    """The clock's name, in the page's language."""
    return gettext(clock.label)


def note(clock: Clock) -> str:
    """What more the page says of the clock ('' when nothing), in the page's language; in English the
    clock's own note."""
    if language() == "en" or not clock.note:
        return clock.note
    if clock.state == ClockState.NOT_STARTED:
        return gettext(clock.note)
    parts = []
    if clock.extended_months and clock.key == "s29A":
        parts.append(ngettext("Extended by %(num)d month (%(consent)d by consent).",
                              "Extended by %(num)d months (%(consent)d by consent).", clock.extended_months,
                              consent=clock.consent_months))
    elif clock.extended_months:
        parts.append(ngettext("Extended by %(num)d month.", "Extended by %(num)d months.",
                              clock.extended_months))
    if clock.key == "s29A" and clock.state == ClockState.OVERDUE:
        parts.append(gettext("The mandate ends unless a court extends it (s.29A(4)).")
                     if clock.consent_months >= CONSENT_MONTHS_MAX
                     else gettext("Record an extension by consent or by court order."))
    return " ".join(parts)

"""The proceedings page in Hindi: the statutory clocks' names and notes, a step's name and the party
labels are said in Hindi; in English they are word for word as before; a step's title is kept in
English (its record), whatever the page speaks."""
from __future__ import annotations

from datetime import date, timedelta

from arbitration.proceedings import clock_words
from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings.clocks import Basis, Extension, award_clock, fast_track_clock
from arbitration.proceedings.models import ProceedingParty, StepKind
from portal.cases.intake import today_ist
from portal.extensions import db
from portal.i18n import force_locale, gettext, ngettext
from portal.types import utcnow
from tests.hindi import body, devanagari, hindi
from tests.proceedings.helpers import accept, arbitration_case


def test_the_clocks_and_the_calendar_are_said_in_hindi(client, auth, db_session):
    a = arbitration_case()
    accept(a, answered_at=utcnow() - timedelta(days=10))
    today = today_ist()
    proceedings.open_proceedings(a.neutral, a.case, proceedings.appointment_date(a.case, today))
    step = proceedings.add_step(a.neutral, a.case, kind=StepKind.STATEMENT_OF_CLAIM,
                                party=ProceedingParty.CLAIMANT, due_on=today + timedelta(days=7), title="",
                                today=today)
    db.session.commit()
    auth.login_as(a.staff)
    url = f"/arbitration/{a.case.reference}/proceedings"
    texts = ("Pleadings complete (s.23(4), six months)", "Award (s.29A, twelve months)",
             "Starts when the pleadings are complete.")

    english = body(client, url + "?lang=en")
    assert all(text in english for text in texts) and "Statement of claim" in english and "Claimant" in english

    page = body(client, url + "?lang=hi")
    for text in (*texts, "Statement of claim", "Claimant"):
        assert devanagari(hindi(text)) and hindi(text) in page and text not in page
    db.session.refresh(step)
    assert step.title == "Statement of claim"     # the record keeps the step's English name


def test_a_clock_note_with_figures_is_said_from_them(app):
    closed = date(2026, 3, 10)
    extended = award_clock(closed, [Extension(6, Basis.CONSENT), Extension(3, Basis.COURT_ORDER)], None,
                           date(2027, 6, 1))
    overdue = award_clock(closed, [Extension(6, Basis.CONSENT)], None, date(2027, 9, 11))
    fast = fast_track_clock(date(2026, 4, 30), [Extension(2, Basis.CONSENT)], None, date(2026, 10, 1))
    with app.test_request_context("/"):
        for clock in (extended, overdue, fast):     # English: the clock's own words
            assert clock_words.note(clock) == clock.note and clock_words.label(clock) == clock.label
        with force_locale("hi"):
            said = clock_words.note(extended)
            assert said == ngettext("Extended by %(num)d month (%(consent)d by consent).",
                                    "Extended by %(num)d months (%(consent)d by consent).", 9, consent=6)
            assert clock_words.note(overdue) == " ".join((
                ngettext("Extended by %(num)d month (%(consent)d by consent).",
                         "Extended by %(num)d months (%(consent)d by consent).", 6, consent=6),
                gettext("The mandate ends unless a court extends it (s.29A(4)).")))
            assert clock_words.note(fast) == ngettext("Extended by %(num)d month.",
                                                      "Extended by %(num)d months.", 2)
            labels = [clock_words.label(c) for c in (extended, fast)]
    assert devanagari(said) and "9" in said and "6" in said and all(devanagari(x) for x in labels)
    assert extended.note == "Extended by 9 months (6 by consent)."      # what clocks.py writes stays

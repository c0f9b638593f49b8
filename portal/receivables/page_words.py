"""What collections' services write in English, as the staff pages show it in the page's language.

The English these services write is a record and stays as it is: a priority's reasons are stored in
the rolled-up rows (receivable_positions.reasons) and in no other language; a reminder's detail and
the way a promise was made are stored and returned by the API; the funnels' step names live in the
snapshot's JSON; the ageing buckets name the CSV's columns. A Hindi page says the same thing from
that English: a fixed text through the catalogue (found by its English), a text with values inside
(an amount, a date, a count) recognised by its English form and said again as a catalogue message
with the values put back, formatted for the page's language. Text nobody here wrote (a provider's
error, the creditor's own reason) is shown as it was written. In English every function returns its
text unchanged."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date

from portal.formatting import LOCALES, day, rupees
from portal.i18n import N_, gettext, language, ngettext

# --- a priority's reasons (portal.receivables.priority's rules) ---------------------------------------

# "<reason> (+15)": the rules' reasons each end with their points.
_POINTS = re.compile(r"^(?P<reason>.+) \((?P<points>[+-]\d+)\)$")
_DATE = "%d %b %Y"   # the rules' date (limitation ends on 31 Jan 2027), as strftime writes it
_OVERRIDE = "set by the creditor: "
_NO_REASON = "no reason given"


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("₹", "").replace(",", ""))
    except InvalidOperation:
        return None


def _reason_amount(m: re.Match, points: str, lang: str) -> str | None:
    value = _amount(m["amount"])
    if value is None:
        return None
    return gettext("%(amount)s outstanding (%(points)s)", amount=rupees(value, lang), points=points)


def _reason_overdue(m: re.Match, points: str, lang: str) -> str:
    return ngettext("oldest invoice %(num)d day overdue (%(points)s)",
                    "oldest invoice %(num)d days overdue (%(points)s)", int(m["num"]), points=points)


def _reason_broken(m: re.Match, points: str, lang: str) -> str:
    return ngettext("%(num)d promise to pay broken (%(points)s)",
                    "%(num)d promises to pay broken (%(points)s)", int(m["num"]), points=points)


def _reason_kept(m: re.Match, points: str, lang: str) -> str:
    return ngettext("kept %(num)d promise to pay (%(points)s)", "kept %(num)d promises to pay (%(points)s)",
                    int(m["num"]), points=points)


def _reason_silent(m: re.Match, points: str, lang: str) -> str:
    return ngettext("no answer to %(num)d reminder (%(points)s)",
                    "no answer to %(num)d reminders (%(points)s)", int(m["num"]), points=points)


def _reason_answered(m: re.Match, points: str, lang: str) -> str:
    return gettext("answered a reminder (opened the link, replied, promised or paid part) (%(points)s)",
                   points=points)


def _reason_msmed(m: re.Match, points: str, lang: str) -> str:
    return gettext("MSMED interest accruing (%(points)s)", points=points)


def _reason_limitation(m: re.Match, points: str, lang: str) -> str | None:
    try:
        ends = datetime.strptime(m["date"], _DATE).date()
    except ValueError:
        return None
    return gettext("limitation ends on %(date)s (%(points)s)", date=day(ends, lang), points=points)


def _reason_notice(m: re.Match, points: str, lang: str) -> str:
    return gettext("the last reminder before a legal notice has gone (%(points)s)", points=points)


# Each rule's reason as portal.receivables.priority.RULES writes it (tests/receivables/test_hindi_words.py
# checks that every rule's reason is recognised here).
_REASONS: tuple[tuple[re.Pattern, Callable[[re.Match, str, str], str | None]], ...] = (
    (re.compile(r"^(?P<amount>-?₹[\d,]+\.\d{2}) outstanding$"), _reason_amount),
    (re.compile(r"^oldest invoice (?P<num>\d+) days overdue$"), _reason_overdue),
    (re.compile(r"^(?P<num>\d+) promises? to pay broken$"), _reason_broken),
    (re.compile(r"^kept (?P<num>\d+) promises? to pay$"), _reason_kept),
    (re.compile(r"^no answer to (?P<num>\d+) reminders$"), _reason_silent),
    (re.compile(r"^answered a reminder \(opened the link, replied, promised or paid part\)$"),
     _reason_answered),
    (re.compile(r"^MSMED interest accruing$"), _reason_msmed),
    (re.compile(r"^limitation ends on (?P<date>\d{2} [A-Z][a-z]{2} \d{4})$"), _reason_limitation),
    (re.compile(r"^the last reminder before a legal notice has gone$"), _reason_notice),
)


def reason_words(reason: str, lang: str | None = None) -> str:
    """One reason of a priority in the page's language (`lang`: the language in force); a reason
    this version of the rules does not write (an older row's) stays as it was written."""
    lang = lang or language()
    if lang == "en":
        return reason
    if reason.startswith(_OVERRIDE):
        given = reason[len(_OVERRIDE):]
        if given == _NO_REASON:
            return gettext("set by the creditor: no reason given")
        return gettext("set by the creditor: %(reason)s", reason=given)
    scored = _POINTS.match(reason)
    if scored is None:
        return reason
    for pattern, words in _REASONS:
        m = pattern.match(scored["reason"])
        if m is not None:
            return words(m, scored["points"], lang) or reason
    return reason


def reasons_said(reasons: Iterable[str]) -> tuple[str, ...]:
    """Reasons of a priority in the page's language, in their order."""
    lang = language()
    return tuple(reason_words(r, lang) for r in reasons)


def priority_reasons(score) -> tuple[str, ...]:
    """A priority's reasons (a portal.receivables.priority.Score, live or read from a rolled-up
    row) in the page's language, in their order."""
    return reasons_said(score.reasons)


# --- fixed words: ageing buckets, funnel steps, a reminder's detail, how a promise was made ----------

# Fixed texts other packages' code writes into collections' rows, listed here for extraction (those of
# this package are marked where they are written: portal.receivables.figures, .portfolio, .promises,
# .responses, .sending, .views).
ELSEWHERE = (
    N_("Set aside: paid in the books."),            # book_sync: a reminder's detail
    N_("staff, recorded through the API"),          # portal.api: how a promise was made
)


def portfolio_word(text: str) -> str:
    """An ageing bucket's or a funnel step's name (portal.receivables.figures.BUCKETS, the steps
    portal.receivables.portfolio.history writes into the snapshot) in the page's language."""
    return text if language() == "en" else gettext(text)


def month_words(value: date) -> str:
    """A month of the portfolio (Jan 2027; in Hindi जनवरी 2027)."""
    lang = language()
    if lang == "en":
        return value.strftime("%b %Y")
    return format_date(value, "LLLL y", locale=LOCALES.get(lang, "en_IN"))


_NEXT_ATTEMPT = re.compile(r"^Outside the contact rules; next attempt "
                           r"(?P<when>\d{2} [A-Z][a-z]{2} \d{4}) (?P<time>\d{2}:\d{2}) IST$")


def reminder_detail(detail: str | None) -> str:
    """A reminder's detail (portal.receivables.sending and the services that set a reminder aside)
    in the page's language: a fixed one found by its English, the deferral's with its time said
    again; a provider's own words stay as they came."""
    detail = detail or ""
    lang = language()
    if lang == "en" or not detail:
        return detail
    m = _NEXT_ATTEMPT.match(detail)
    if m is None:
        return gettext(detail)
    try:
        when = datetime.strptime(m["when"], _DATE).date()
    except ValueError:
        return detail
    return gettext("Outside the contact rules; next attempt %(date)s, %(time)s IST",
                   date=day(when, lang), time=m["time"])


# book_sync writes "<source> import" with the books' source (portal.receivables.books.Source).
_IMPORTED = {"tally import": "Tally", "zoho import": "Zoho Books", "erpnext import": "ERPNext"}


def promise_how(made_how: str | None) -> str:
    """How a promise was made (Promise.made_how), in the page's language; a fixed one is found by
    its English, anything else stays as it was written."""
    made_how = made_how or ""
    if language() == "en" or not made_how:
        return made_how
    if made_how in _IMPORTED:
        return gettext("%(source)s import", source=_IMPORTED[made_how])
    return gettext(made_how)


def template_globals() -> dict[str, Callable]:
    """The functions the collections templates call (registered by portal.receivables.init_receivables)."""
    return {"priority_reasons": priority_reasons, "portfolio_word": portfolio_word,
            "month_words": month_words, "reminder_detail": reminder_detail, "promise_how": promise_how}

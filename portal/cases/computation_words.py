"""A line of the interest computation as a page shows it, in the page's language.

The computation (portal.cases.interest, a pure rule module with no Flask) writes each line's
English sentence itself, with everything that decided it (the rate's source, the Bank Rate's date);
that sentence is the record and stays as it is in English. A Hindi page says the same line from its
figures through the catalogue: the period, the rate, the balance interest ran on, the interest, and
the payment applied."""
from __future__ import annotations

from portal.cases.interest import MSMED_MULTIPLIER, ComputationLine, LineKind, percent
from portal.formatting import day, rupees
from portal.i18n import gettext, language


def _period(line: ComputationLine, lang: str) -> dict:
    return {"start": day(line.period_from, lang), "end": day(line.period_to, lang),
            "base": rupees(line.interest_on, lang), "interest": rupees(line.interest, lang)}


def _rate(line: ComputationLine) -> str:
    if line.bank_rate is not None:
        return gettext("Bank Rate %(bank)s × %(times)s = %(rate)s a year", bank=percent(line.bank_rate),
                       times=MSMED_MULTIPLIER, rate=percent(line.annual_rate))
    return gettext("%(rate)s a year", rate=percent(line.annual_rate))


def _interest(line: ComputationLine, lang: str) -> str:
    names = _period(line, lang)
    if line.kind == LineKind.DAYS:
        return gettext("%(start)s to %(end)s: %(days)s days at %(rate)s on %(base)s: interest %(interest)s.",
                       days=line.days, rate=_rate(line), **names)
    if line.kind == LineKind.MONTH:
        return gettext("Month %(month)s, %(start)s to %(end)s: %(rate)s, %(monthly)s for the month on "
                       "%(base)s: interest %(interest)s.", month=line.month_no, rate=_rate(line),
                       monthly=percent(line.annual_rate / 12), **names)
    return gettext("Month %(month)s (part), %(start)s to %(end)s: %(rate)s, %(days)s of %(month_days)s "
                   "days of the month on %(base)s: interest %(interest)s.", month=line.month_no,
                   rate=_rate(line), days=line.days, month_days=line.days_in_month, **names)


def line_sentence(line: ComputationLine) -> str:
    """What the line means, in the page's language (the computation's own sentence in English)."""
    lang = language()
    if lang == "en":
        return line.description
    parts = [] if line.kind == LineKind.PAYMENT else [_interest(line, lang)]
    if line.payment_applied:
        parts.append(gettext("Payment of %(amount)s received on %(date)s: %(interest)s to interest, then "
                             "%(principal)s to principal.", amount=rupees(line.payment_applied, lang),
                             date=day(line.period_to, lang), interest=rupees(line.to_interest, lang),
                             principal=rupees(line.to_principal, lang)))
    return " ".join(parts)

"""The reminder link's language (/r/<token>): the switch's languages and the page's date style. Its
words are gettext messages (translations/, through Flask-Babel), the forms' labels `lazy_gettext`;
the refusals of the services behind these pages are translated by their English text, so they are
listed here for extraction."""
from __future__ import annotations

from datetime import date

from portal.i18n import LANGUAGES
from portal.i18n import lazy_gettext as _l

__all__ = ["LANGUAGES", "REFUSALS", "day"]

REFUSALS = (
    _l("Not a valid date value."),
    _l("Choose today or a later date."),
    _l("The amount must be more than zero."),
    _l("The amount is more than the invoice."),
    _l("Enter the amount in rupees, e.g. 25000 or 25000.50."),
    _l("There is already an open promise for this invoice."),
    _l("This is already on record for the invoice."),
)


def day(value: date, lang: str) -> str:
    """A date as the page shows it: 16 Oct 2026, or 16.10.2026 in Hindi (no English month names)."""
    return value.strftime("%d.%m.%Y" if lang == "hi" else "%d %b %Y")


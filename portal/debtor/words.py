"""The refusals a debtor's form may show that are not written in the form itself: WTForms' own
messages and the money field's refusal. They are translated by their English
text through the catalogue (portal.i18n.localise_errors), so they are listed here for extraction;
the forms' labels, choices and their own messages are `lazy_gettext` in the forms."""
from __future__ import annotations

from portal.i18n import lazy_gettext as _l

REFUSALS = (
    _l("This field is required."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Enter the amount in rupees, e.g. 25000 or 25000.50."),
)


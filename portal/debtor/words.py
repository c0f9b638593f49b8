"""The refusals a debtor's form may show that are not written in the form itself: the money field's
refusal. It is translated by its English text through the catalogue (portal.i18n.localise_errors),
so it is listed here for extraction; the forms' labels, choices and their own messages are
`lazy_gettext` in the forms, and WTForms' own messages (portal/web/wtforms_words.py) are translated
when the field validates (portal.web.forms.PageForm)."""
from __future__ import annotations

from portal.i18n import lazy_gettext as _l

REFUSALS = (
    _l("Enter the amount in rupees, e.g. 25000 or 25000.50."),
)


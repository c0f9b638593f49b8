"""WTForms' own refusals by their exact English msgids (those of WTForms' wtforms/locale/wtforms.pot),
listed so that `make messages` extracts them into the catalogue and translations/hi gives their Hindi.
WTForms asks for them through portal.i18n.PageCatalogue when a field of a PageForm validates; nothing
here runs in a request. tests/debtor/test_form_language.py keeps the list in step with the installed
WTForms."""
from __future__ import annotations


def _(message: str) -> str:
    """A msgid for extraction only (gettext_noop): the lookup happens when WTForms asks."""
    return message


def ngettext(singular: str, plural: str, n: int) -> tuple[str, str]:
    """A singular and plural msgid for extraction only."""
    return singular, plural


MESSAGES = (
    _("This field is required."),
    _("Invalid input."),
    _("Field must be equal to %(other_name)s."),
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 2),
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 2),
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 2),
    _("Field must be between %(min)d and %(max)d characters long."),
    _("Number must be at least %(min)s."),
    _("Number must be at most %(max)s."),
    _("Number must be between %(min)s and %(max)s."),
    _("Date must be at least %(min)s."),
    _("Date must be at most %(max)s."),
    _("Date must be between %(min)s and %(max)s."),
    _("Invalid email address."),
    _("Invalid URL."),
    _("Invalid value, must be one of: %(values)s."),
    _("Invalid value, can't be any of: %(values)s."),
    _("This field cannot be edited."),
    _("This field is disabled and cannot have a value."),
    _("Not a valid choice."),
    _("Invalid Choice: could not coerce."),
    _("Invalid choice(s): one or more data inputs could not be coerced."),
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 2),
    _("Not a valid datetime value."),
    _("Not a valid date value."),
    _("Not a valid time value."),
    _("Not a valid week value."),
    _("Not a valid integer value."),
    _("Not a valid decimal value."),
    _("Not a valid float value."),
)

# In WTForms' catalogue but never shown on a page here: validators no form uses (IP, MAC, UUID),
# programming errors (choices None, EqualTo naming no field), and the CSRF of wtforms.csrf.session
# (Flask-WTF has its own).
NOT_SHOWN = frozenset({
    "Invalid IP address.", "Invalid Mac address.", "Invalid UUID.", "Choices cannot be None.",
    "Invalid field name '%s'.",
    "Invalid CSRF Token.", "CSRF token missing.", "CSRF failed.", "CSRF token expired.",
})

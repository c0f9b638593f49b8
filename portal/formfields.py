"""WTForms validators shared by every package: identifiers normalised in place, passwords."""
from __future__ import annotations

from collections.abc import Callable

from wtforms.validators import ValidationError

from portal.accounts import MIN_LENGTH
from portal.i18n import gettext
from portal.identifiers import InvalidIdentifier


class Normalized:
    """Validate with an identifiers.normalize_* function and keep its normalised value."""

    def __init__(self, fn: Callable[[str], str], optional: bool = True) -> None:
        self.fn = fn
        self.optional = optional

    def __call__(self, form, field) -> None:
        raw = (field.data or "").strip()
        if not raw:
            if self.optional:
                field.data = None
                return
            raise ValidationError("This field is required.")
        try:
            field.data = self.fn(raw)
        except InvalidIdentifier as exc:
            raise ValidationError(str(exc)) from exc


def strong_password(form, field) -> None:
    value = field.data or ""
    if len(value) < MIN_LENGTH:
        raise ValidationError(gettext("Use at least %(count)s characters.", count=MIN_LENGTH))
    if len(value) > 256:
        raise ValidationError(gettext("That password is too long (256 characters at most)."))
    if value.lower() == value or value.upper() == value or not any(c.isdigit() for c in value):
        raise ValidationError(gettext("Mix upper and lower case letters and at least one digit."))


def choices(pairs) -> list:
    """(value, label) pairs as WTForms SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    from wtforms import SelectChoice

    return [SelectChoice(value, label) for value, label in pairs]

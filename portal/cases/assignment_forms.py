"""Forms for choosing the case's advocate (one case, many cases, a new claim) and for declining."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.accounts import User
from portal.cases.assignment import MAX_REASON
from portal.formfields import choices
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l

MAX_SELECTED = 200  # the case list shows at most 200 cases
_MAX_ID = 2**31 - 1  # a PostgreSQL integer: anything larger is not a record, and must not reach a query


def record_id(value) -> int:
    """A database id from a form value; ValueError for anything else (junk never reaches a query)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID:
        return value
    text = str(value).strip()
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()) or not 0 < int(text) <= _MAX_ID:
        raise ValueError("not a record id")
    return int(text)


class AdvocateField(SelectField):
    """One of the organisation's engaged advocates (given with `offer`), or none if `none_label`.

    An id that is not among them, junk or an advocate disengaged since the page was opened, is
    refused in words rather than WTForms' "Not a valid choice"."""

    def __init__(self, label=None, validators=None, none_label: str | None = None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.none_label = none_label
        self.pool: dict[str, User] = {}

    def offer(self, advocates: list[User], default: User | None = None) -> None:
        self.pool = {str(a.id): a for a in advocates}
        pairs = [("", self.none_label)] if self.none_label else []
        self.choices = choices(pairs + [(key, f"{a.name} ({a.email})") for key, a in self.pool.items()])
        if self.raw_data is None and default is not None and str(default.id) in self.pool:
            self.data = str(default.id)  # only when the form was not posted

    def pre_validate(self, form) -> None:
        value = self.data or ""
        if value in ("", "None"):
            self.data = ""
            if self.none_label is None:
                raise ValidationError(gettext("Choose an advocate."))
            return
        if value not in self.pool:
            raise ValidationError(gettext("That is not an advocate your organisation has engaged (any more). "
                                          "Choose one from the list."))

    @property
    def advocate(self) -> User | None:
        return self.pool.get(self.data or "")


class AssignAdvocateForm(FlaskForm):
    advocate_id = AdvocateField(_l("Advocate"))
    # The advocate the page showed ("" for none): if it changed since, the choice is asked again.
    current = HiddenField()

    def is_stale(self, advocate_id: int | None) -> bool:
        return (self.current.data or "") != (str(advocate_id) if advocate_id else "")


class BulkAssignForm(FlaskForm):
    cases = SelectMultipleField(_l("Cases"), coerce=record_id, validate_choice=False)
    advocate_id = AdvocateField(_l("Assign to"))

    def validate_cases(self, field) -> None:
        if not field.data:
            raise ValidationError(gettext("Tick at least one case."))
        if len(field.data) > MAX_SELECTED:
            raise ValidationError(gettext("Assign at most %(count)s cases at a time.", count=MAX_SELECTED))

    @property
    def case_ids(self) -> list[int]:
        return list(dict.fromkeys(self.cases.data or []))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Your reason for declining (the creditor will see it)"), validators=[
        DataRequired(_l("Give your reason for declining: the creditor will see it.")),
        Length(max=MAX_REASON, message=_l("Keep the reason under %(max)d characters."))])

"""Forms shared by every package: a button's POST (a form with nothing but its CSRF token), and the
confirmation of an action that cannot be taken back (with the reason the audit trail keeps)."""
from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

REASON_MIN, REASON_MAX = 5, 1000


def require_fresh_form() -> None:
    """400 unless the POST carries a valid CSRF token (the page was open too long, or came from elsewhere)."""
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form had expired. Please open the page again.")


def _squash(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """'Are you sure?' with a reason: the page that asks before a destructive action (issue 16, item 7).
    Works without JavaScript: a GET shows it, its POST does the action."""

    reason = TextAreaField("Your reason (kept in the audit trail)", filters=[_squash], validators=[
        DataRequired("Give your reason: it is kept in the audit trail."),
        Length(min=REASON_MIN, max=REASON_MAX,
               message=f"Give your reason in {REASON_MIN} to {REASON_MAX} characters.")])

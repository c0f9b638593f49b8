"""Checks shared by the views that take a button's POST (a form with nothing but its CSRF token)."""
from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm


def require_fresh_form() -> None:
    """400 unless the POST carries a valid CSRF token (the page was open too long, or came from elsewhere)."""
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form had expired. Please open the page again.")

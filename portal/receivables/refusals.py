"""A use-case's refusal shown on its own form: the use-case runs in a savepoint (portal.web.boundary's
`attempt`), its changes are undone, and the message goes on the field it names (or the form)."""
from __future__ import annotations

from collections.abc import Callable

from portal.errors import DomainError
from portal.extensions import db


def on_form(form, call: Callable[[], object], field: str | None = None) -> bool:
    try:
        with db.session.begin_nested():
            call()
    except DomainError as exc:
        name = getattr(exc, "field", None) or field
        errors = getattr(form, name).errors if name and hasattr(form, name) else form.form_errors
        errors.append(str(exc))
        return False
    return True

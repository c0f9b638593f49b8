"""The request boundary: one transaction per request, ended here and nowhere else.

A view parses, authorizes, calls a use-case and renders; it never commits or rolls back.
- A response below 400 (a page, a redirect, a download) commits the request's changes once, with
  the mail and tasks the use-cases wrote to the outbox (portal/outbox.py), then publishes those.
- Any other response, and any exception, rolls everything back (the error handlers in
  `portal/web/errors.py` roll back before they render, and so does this boundary).
- A refusal that must still leave a trace (a failed sign-in attempt counted, a one-time code's
  tries) calls `keep_changes()` before answering 4xx.
- A use-case that refuses with a `DomainError` is shown on its own form: `attempt()` runs it in a
  savepoint, undoes only its changes and puts the message on the form; `on_refusal` does the same
  for a whole view. Unhandled, the app's handler answers 409 (or 403 for `NotPermitted`).

Indico's request handler (`RH._process`) is the model: the commit lives in the framework.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response

from portal.database import commit, rollback
from portal.errors import DomainError
from portal.extensions import db

T = TypeVar("T")
_KEEP = "sulah_keep_changes"


def keep_changes() -> None:
    """Commit this request's changes although its answer is a refusal (4xx)."""
    db.session().info[_KEEP] = True


def attempt(call: Callable[[], T], errors: list[str]) -> T | None:
    """Run a use-case in a savepoint; on a `DomainError` undo its changes, append its message to
    `errors` (a form field's `.errors`, or the form's `.form_errors`) and return None."""
    try:
        with db.session.begin_nested():
            return call()
    except DomainError as exc:
        errors.append(str(exc))
        return None


def on_refusal(render: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view whose `DomainError` is answered by `render(exc, **view_args)` (its form page with the
    message and a 4xx status) after the request's changes are rolled back."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            try:
                return view(**kwargs)
            except DomainError as exc:
                rollback()
                return render(exc, **kwargs)
        return wrapper
    return decorate


def end_transaction(response: Response) -> Response:
    keep = db.session().info.pop(_KEEP, False)
    if response.status_code < 400 or keep:
        commit()
    else:
        rollback()
    return response


def init_boundary(app: Flask) -> None:
    app.after_request(end_transaction)

"""Turn refusals into clear pages (or JSON): domain rule → 409, not permitted → 403, policy →
401/403/404, bad input → 4xx. The refusals themselves are in portal/errors.py."""
from __future__ import annotations

import time

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.database import rollback
from portal.errors import Denied, DomainError, NotPermitted
from portal.extensions import limiter
from portal.text_guard import NulInText

# Endpoints whose throttling is about signing in; the lockout message says so.
SIGN_IN_ENDPOINTS = frozenset({"accounts.login", "accounts.login_2fa"})


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, *, errors: dict[str, list[str]] | None = None,
            code: str | None = None):
    """An RFC 9457 problem document. `errors` (field -> messages) is also listed as
    `invalid_params` [{name, reason}]; `error` and `message` repeat the code and detail for clients
    written before problem+json."""
    body: dict = {"type": "about:blank", "title": title, "status": status, "detail": detail,
                  "error": code or title, "message": detail}
    if errors:
        body["errors"] = errors
        body["invalid_params"] = [{"name": name, "reason": reason}
                                  for name, reasons in errors.items() for reason in reasons]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def error_response(status: int, title: str, message: str):
    if request.path.startswith("/api/"):
        return problem(status, title, message)
    if wants_json():
        return jsonify({"error": title, "message": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def login_redirect():
    """Anonymous visitor on a page that needs an account: log in, then come back here."""
    here = request.full_path.removesuffix("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=here))


def _wait_minutes() -> int:
    current = limiter.current_limit
    if current is None:
        return 1
    return max(1, round((current.reset_at - time.time()) / 60))


def throttled_message() -> str:
    wait = _wait_minutes()
    when = "a minute" if wait == 1 else f"{wait} minutes"
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return ("Too many sign-in attempts. For your account's safety, sign-in is paused: "
                f"please wait {when} and try again, or reset your password.")
    return f"Too many attempts. This is paused for now: please wait {when} and try again."


def init_errors(app: Flask) -> None:
    @app.errorhandler(Denied)
    def _denied(exc: Denied):
        rollback()
        if exc.status == 401 and not wants_json():
            return login_redirect()
        titles = {401: "Please log in", 403: "Not allowed", 404: "Not found"}
        return error_response(exc.status, titles.get(exc.status, "Refused"), exc.message)

    @app.errorhandler(NotPermitted)
    def _not_permitted(exc):
        rollback()
        return error_response(403, "Not allowed", str(exc))

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        rollback()
        return error_response(409, "That cannot be done now", str(exc))

    @app.errorhandler(NulInText)
    def _nul(exc: NulInText):
        rollback()
        return error_response(400, "Check what you entered", str(exc))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        rollback()
        return error_response(400, "Form expired",
                              "Your form had expired or was sent from elsewhere. Please try again.")

    @app.errorhandler(429)
    def _throttled(exc):
        rollback()
        return error_response(429, "Too many attempts", throttled_message())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        rollback()
        return error_response(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def _crash(exc: Exception):
        app.logger.exception("unhandled error")
        rollback()
        return error_response(500, "Something went wrong",
                              "We could not complete that. Nothing was saved; please try again.")

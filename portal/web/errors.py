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
from portal.i18n import gettext, ngettext
from portal.i18n import lazy_gettext as _l
from portal.text_guard import NulInText

# Endpoints whose throttling is about signing in; the lockout message says so.
SIGN_IN_ENDPOINTS = frozenset({"accounts.login", "accounts.login_2fa"})


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


PROBLEM_TYPE = "application/problem+json"

# The titles and messages an error page may show that are not gettext messages where they are raised
# (Werkzeug's own, this module's): a page shows them in its reader's language, found by their
# English text in the catalogue; JSON answers stay English. Listed here for extraction.
PAGE_WORDS = (
    _l("Bad Request"), _l("The browser (or proxy) sent a request that this server could not understand."),
    _l("Forbidden"), _l("You don't have the permission to access the requested resource. It is either "
                        "read-protected or not readable by the server."),
    _l("Not Found"), _l("The requested URL was not found on the server. If you entered the URL manually "
                        "please check your spelling and try again."),
    _l("Method Not Allowed"), _l("The method is not allowed for the requested URL."),
    _l("Conflict"), _l("A conflict happened while processing the request. The resource might have been "
                       "modified while the request was being processed."),
    _l("Request Entity Too Large"), _l("The data value transmitted exceeds the capacity limit."),
    _l("Too Many Requests"), _l("This user has exceeded an allotted request count. Try again later."),
    _l("Internal Server Error"),
    _l("Please log in"), _l("Not allowed"), _l("Refused"), _l("That cannot be done now"),
    _l("Check what you entered"), _l("Form expired"), _l("Too many attempts"), _l("Something went wrong"),
)


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
    return render_template("errors/error.html", status=status, title=gettext(title),
                           message=gettext(message) if message else ""), status


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
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return ngettext("Too many sign-in attempts. For your account's safety, sign-in is paused: please "
                        "wait a minute and try again, or reset your password.",
                        "Too many sign-in attempts. For your account's safety, sign-in is paused: please "
                        "wait %(num)d minutes and try again, or reset your password.", wait)
    return ngettext("Too many attempts. This is paused for now: please wait a minute and try again.",
                    "Too many attempts. This is paused for now: please wait %(num)d minutes and try again.",
                    wait)


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
        return error_response(400, "Form expired", gettext(
            "Your form had expired or was sent from elsewhere. Please try again."))

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
        return error_response(500, "Something went wrong", gettext(
            "We could not complete that. Nothing was saved; please try again."))

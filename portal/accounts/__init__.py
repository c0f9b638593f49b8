"""Users, organisations, sign-in, two-factor authentication, invitations; `policy` authorises."""
from __future__ import annotations

import secrets

from flask import Flask, flash, redirect, request, url_for
from flask_login import current_user

from portal.extensions import db, login_manager

# Endpoints a signed-in user who still owes two-factor setup may reach.
_TOTP_SETUP_OPEN = {"accounts.totp_setup", "accounts.logout", "static", "web.health"}
TOTP_SETUP_MESSAGE = "Set up two-factor authentication before working on cases."


def init_accounts(app: Flask) -> None:
    from portal.accounts.hooks import load_link_session
    from portal.accounts.models import User
    from portal.accounts.views import bp
    from portal.web.errors import error_response, login_redirect, wants_json

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str):
        if session_id.startswith("link:"):  # the debtor, through a personal link and its code
            return load_link_session(session_id)
        # "<id>:<password fingerprint>": changing the password ends every other session.
        user_id, _, fingerprint = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not secrets.compare_digest(user.get_id(), session_id):
            return None
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        # Pages send the visitor to the login form (and back); API clients get a plain 401.
        if wants_json():
            return error_response(401, "Please log in", "Log in first.")
        flash(login_manager.login_message, "info")
        return login_redirect()

    @app.before_request
    def _require_totp_setup():
        if (current_user.is_authenticated and current_user.needs_totp_setup
                and request.endpoint not in _TOTP_SETUP_OPEN
                and not (request.endpoint or "").startswith("dev.")):
            if wants_json():
                return error_response(403, "Not allowed", TOTP_SETUP_MESSAGE)
            return redirect(url_for("accounts.totp_setup"))
        return None

    app.register_blueprint(bp)

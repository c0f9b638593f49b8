"""Users, organisations, sign-in, two-factor authentication, invitations; `policy` authorises."""
from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from portal.extensions import db, login_manager

# Endpoints a signed-in user who still owes two-factor setup may reach.
_TOTP_SETUP_OPEN = {"accounts.totp_setup", "accounts.logout", "static", "web.health"}


def init_accounts(app: Flask) -> None:
    from portal.accounts.models import User
    from portal.accounts.views import bp

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(user_id: str):
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))

    @app.before_request
    def _require_totp_setup():
        if (current_user.is_authenticated and current_user.needs_totp_setup
                and request.endpoint not in _TOTP_SETUP_OPEN
                and not (request.endpoint or "").startswith("dev.")):
            return redirect(url_for("accounts.totp_setup"))
        return None

    app.register_blueprint(bp)

"""HTTP hardening: security headers and CSP (Flask-Talisman), cookie flags, CSRF, rate limits."""
from __future__ import annotations

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.extensions import csrf, limiter

CSP = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
HSTS_MAX_AGE = 365 * 24 * 3600


def init_security(app: Flask) -> None:
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops:
        # Behind a TLS-terminating proxy: trust its X-Forwarded-* headers so the client IP (rate
        # limits) and the https scheme (Secure cookies, HSTS, no redirect loop) are the real ones.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    csrf.init_app(app)
    limiter.init_app(app)
    https = bool(app.config["FORCE_HTTPS"])
    # One Talisman per app, not a module singleton: Talisman keeps its settings (and the app) on
    # itself, so a second app (a test building a production app) would rewrite the first's.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=CSP,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
        # The legacy XSS auditor is gone from browsers and could be abused where it remains.
        x_xss_protection=False,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )

    @app.after_request
    def _no_store(response):
        # Case data, recovery codes and reset forms must not linger in shared or back-button caches.
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

"""API keys for an organisation's own systems (ERP, accounting, a lender's loan book): created and
revoked by the organisation's administrator, shown once, stored hashed, limited by scopes, rate
limited per key, and named in the audit trail of every change they make. Also the API's
Idempotency-Key handling.

The door: `init_apikeys`, `guard_api_request` (an API blueprint's before_request), `idempotent`,
`body_stream` (a POST's body after the Idempotency-Key fingerprint read it), `ENDPOINT_SCOPE` (a
route's own scope), `rate_limit_key`, `SCOPES`. Sits just above accounts: the cases API imports
it, it imports no feature above accounts."""
from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from portal.accounts import Role
from portal.apikeys.idempotency import body_stream, idempotent
from portal.apikeys.services import SCOPES
from portal.errors import Denied

__all__ = ["ENDPOINT_SCOPE", "SCOPES", "body_stream", "guard_api_request", "idempotent", "init_apikeys",
           "rate_limit_key"]

# The scope each kind of request needs when it comes with a key; an endpoint may name its own
# ("" for a public one, such as the API's own description).
METHOD_SCOPE = {"GET": "read", "HEAD": "read", "OPTIONS": "read"}
ENDPOINT_SCOPE: dict[str, str] = {}


def init_apikeys(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.apikeys.views import bp

    app.register_blueprint(bp)
    app.before_request(_load_key)
    from portal.accounts import account_switched_off
    from portal.apikeys import services

    account_switched_off.provide("api keys", services.keys_stopped)


def _load_key() -> None:
    """A bearer key on an /api/ request is the caller, whatever cookie came with it (an explicit
    credential wins); a key that is not valid is a 401 at once. Pages never accept a key."""
    if not request.path.startswith("/api/"):
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return
    from portal.apikeys import services

    key = services.authenticate(token.strip())
    user = key.created_by if key is not None else None
    if user is None or user.role != Role.CREDITOR or user.org_id != key.org_id:
        raise Denied(401, "The API key is not valid, or it has been revoked.")
    g.api_key, g.api_key_id = key, key.id
    g._login_user = user  # Flask-Login's current user for this request only; no session is written


def guard_api_request() -> None:
    """before_request of an API blueprint: a bearer key must be valid and hold the request's scope;
    a browser session must send its CSRF token on anything that changes state."""
    from portal.extensions import csrf

    key = getattr(g, "api_key", None)
    if key is None:
        if current_user.is_authenticated and request.method not in METHOD_SCOPE:
            csrf.protect()
        return
    needed = ENDPOINT_SCOPE.get(request.endpoint or "", METHOD_SCOPE.get(request.method, "write"))
    if needed and needed not in key.scope_set:
        raise Denied(403, f"This API key does not have the '{needed}' scope.")


def rate_limit_key() -> str:
    """Flask-Limiter's key for API calls: the key, else the signed-in user, else the address."""
    key = getattr(g, "api_key", None)
    if key is not None:
        return f"api-key:{key.id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"

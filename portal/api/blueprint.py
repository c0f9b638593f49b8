"""Every /api/v1 URL in one place: the blueprint, its guard (key, scope, CSRF for a session), its
rate limit per key, its refusals as problem+json, and the modules that add the routes."""
from __future__ import annotations

from flask import Blueprint, current_app

from portal.api.http import BadInput
from portal.apikeys import guard_api_request, rate_limit_key
from portal.extensions import csrf, limiter
from portal.web.errors import problem

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # guard_api_request checks the token for a session; a key needs none
bp.before_request(guard_api_request)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)


@bp.errorhandler(BadInput)
def _bad_input(exc: BadInput):
    # A 4xx: the request boundary (portal/web/boundary.py) rolls back whatever the view had flushed.
    return problem(exc.status, exc.title, exc.detail, errors=exc.errors or None,
                   code="invalid" if exc.errors else "bad_request")


# The routes (each module adds its own to `bp` through portal.api.spec.operation).
from portal.api.views import cases, collections, evidence, notices, parties, reference  # noqa: E402, F401

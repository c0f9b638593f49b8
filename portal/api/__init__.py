"""The public API, version 1 (/api/v1): every resource an organisation's own systems need, each
route declared once with its scope and its pydantic models, from which the OpenAPI 3.1 document
(/api/v1/openapi.json) and its reference page (/api/v1/docs) are generated.

The door: `init_api`. Sits above every feature (it reads cases, evidence, notices, the debtor's
answers, the ODR room and collections through their services); nothing imports it."""
from __future__ import annotations

from flask import Flask

__all__ = ["init_api"]

# The API's blueprints: this one, and the first version's routes (portal/cases/api.py, /api).
API_BLUEPRINTS = ("api_v1", "api")


def _english() -> str:
    """The API answers in English whoever calls it: its words are its schema's and its clients are
    programs. A key acts as its maker, who may have chosen Hindi for their pages (users.language);
    their integration's refusals must not change language with that choice."""
    return "en"


def init_api(app: Flask) -> None:
    from portal.api.blueprint import bp
    from portal.i18n import decide_with

    decide_with(_english, blueprints=API_BLUEPRINTS)

    app.register_blueprint(bp)

"""The public API, version 1 (/api/v1): every resource an organisation's own systems need, each
route declared once with its scope and its pydantic models, from which the OpenAPI 3.1 document
(/api/v1/openapi.json) and its reference page (/api/v1/docs) are generated.

The door: `init_api`. Sits above every feature (it reads cases, evidence, notices, the debtor's
answers, the ODR room and collections through their services); nothing imports it."""
from __future__ import annotations

from flask import Flask

__all__ = ["init_api"]


def init_api(app: Flask) -> None:
    from portal.api.blueprint import bp

    app.register_blueprint(bp)

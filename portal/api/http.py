"""What every /api/v1 view shares: who calls, reading a body or a query through its pydantic model
(a refusal is problem+json with `invalid_params`, before anything is read or written), and
answering with a model."""
from __future__ import annotations

from typing import TypeVar

from flask import jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from portal.errors import Denied

M = TypeVar("M", bound=BaseModel)


class BadInput(Exception):
    """A request the API refuses before acting: its status, title, detail and field errors."""

    def __init__(self, status: int, title: str, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors or {}


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in exc.errors(include_url=False):
        out.setdefault(".".join(str(p) for p in e["loc"]) or "body", []).append(e["msg"])
    return out


def caller():
    if not current_user.is_authenticated:
        raise Denied(401, "Send an API key: Authorization: Bearer sk_...")
    return current_user


def body(model: type[M]) -> M:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput(400, "Invalid JSON", "Send a JSON object (Content-Type: application/json).")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInput(422, "Invalid request", "Some fields are not valid.", field_errors(exc)) from exc


def query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise BadInput(400, "Invalid query", "Some query parameters are not valid.",
                       field_errors(exc)) from exc


def answer(model: BaseModel, status: int = 200):
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response

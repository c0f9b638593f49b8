"""What every /api/v1 view shares: who calls, reading a body or a query through its pydantic model
(a refusal is problem+json with `invalid_params`, before anything is read or written), and
answering with a model."""
from __future__ import annotations

from typing import Annotated, TypeVar

from flask import jsonify, request, url_for
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from portal.errors import Denied
from portal.paging import MAX_PAGE_SIZE, PAGE_SIZE, BadCursor, Page, PageArgs, decode_cursor

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


class PageQuery(BaseModel):
    """A keyset-paged list's query: follow `next` (or `prev`) until it is null."""

    model_config = ConfigDict(extra="forbid")
    after: str | None = Field(None, description="The cursor from `next`", max_length=500)
    before: str | None = Field(None, description="The cursor from `prev`", max_length=500)
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE


def page_args(tag: str, kind: str = "datetime") -> PageArgs:
    """Where the requested page starts; a 400 naming the parameter for a junk, tampered or foreign
    cursor (one made for another list) or both cursors at once."""
    got = query(PageQuery)
    try:
        args = PageArgs.of({"after": got.after, "before": got.before, "limit": got.limit})
        for name in ("after", "before"):
            if token := getattr(args, name):
                try:
                    decode_cursor(token, tag, kind)
                except BadCursor as exc:
                    raise BadInput(400, "Invalid query", str(exc), {name: [str(exc)]}) from exc
    except BadCursor as exc:
        raise BadInput(400, "Invalid query", str(exc), {"query": [str(exc)]}) from exc
    return args


def page_links(endpoint: str, page: Page, args: PageArgs, **params) -> dict[str, str | None]:
    """The `next` and `prev` URLs of a page (null at either end), keeping its size."""
    def link(direction: str, cursor: str | None) -> str | None:
        return None if cursor is None else url_for(endpoint, **params, **{direction: cursor}, limit=args.size)
    return {"next": link("after", page.next_cursor), "prev": link("before", page.prev_cursor)}

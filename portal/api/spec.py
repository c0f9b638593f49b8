"""Each /api/v1 route is declared once by `operation`: its URL, method, scope, query, body and
answer models. The same declaration registers the Flask route, tells the key guard which scope the
route needs, and becomes the route's entry in the OpenAPI 3.1 document `build` generates (apispec
assembles the document; the schemas are pydantic's own `model_json_schema`). No YAML is written by
hand, so the document cannot drift from the code."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from flask import Blueprint
from pydantic import BaseModel

from portal.apikeys import ENDPOINT_SCOPE, idempotent

API_VERSION = "1.0.0"
PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Operation:
    endpoint: str
    rule: str
    method: str
    summary: str
    scope: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    ok_status: int = 200
    produces: str | None = None      # a file answer (application/pdf, or */* for the document's own type)
    upload: bool = False             # a raw-body upload (the file streamed as the request body)
    description: str = ""
    errors: tuple[int, ...] = field(default=(401, 403, 404))


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, rule: str, method: str, *, summary: str, scope: str, tag: str,
              query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              answer: type[BaseModel] | None = None, status: int = 200, produces: str | None = None,
              upload: bool = False, errors: tuple[int, ...] = (401, 403, 404)) -> Callable:
    """Register `view` on `bp` at `rule` and describe it. Every POST takes an Idempotency-Key."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = f"{bp.name}.{view.__name__}"
        handler = idempotent(view) if method == "POST" else view
        bp.add_url_rule(rule, view.__name__, handler, methods=[method])
        ENDPOINT_SCOPE[endpoint] = scope
        extra = (400, 409, 422) if method == "POST" else (400,) if query else ()
        OPERATIONS.append(Operation(
            endpoint=endpoint, rule=bp.url_prefix + rule, method=method, summary=summary, scope=scope,
            tag=tag, query=query, body=body, answer=answer, ok_status=status, produces=produces,
            upload=upload, description=(view.__doc__ or "").strip(),
            errors=tuple(sorted(set(errors) | set(extra) | {401, 429}))))
        return view
    return decorate


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for conv, name in _CONVERTER.findall(rule):
        schema = {"type": "integer", "minimum": 1} if conv == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule), params


class _Components:
    """pydantic's schemas, with their nested definitions lifted into components/schemas."""

    def __init__(self, spec: APISpec):
        self.spec, self.done = spec, set()

    def ref(self, model: type[BaseModel], mode: str = "serialization") -> dict:
        name = model.__name__
        if name not in self.done:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
            for sub, definition in schema.pop("$defs", {}).items():
                if sub not in self.done:
                    self.done.add(sub)
                    self.spec.components.schema(sub, component=definition)
            self.done.add(name)
            self.spec.components.schema(name, component=schema)
        return {"$ref": f"#/components/schemas/{name}"}


_REASONS = {400: "The request is malformed (bad JSON, a bad query or header).",
            401: "No valid API key (or session).",
            403: "The key lacks the route's scope, or the caller may not do this.",
            404: "No such resource, or not one of the caller's organisation.",
            409: "Not possible in the resource's present state, or an Idempotency-Key reused.",
            413: "The upload is larger than allowed.",
            422: "A field is not valid: `invalid_params` lists each.",
            429: "The key's rate limit is reached."}


def query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required,
             "description": prop.get("description", ""), "schema": {
                 k: v for k, v in prop.items() if k not in {"title", "description"}}}
            for name, prop in schema["properties"].items()]


def build(problem_model: type[BaseModel], *, server_url: str = "/") -> dict:
    spec = APISpec(title="Sulah API", version=API_VERSION, openapi_version="3.1.0", info={
        "description": "Claims, evidence, notices, service, the debtor's answers, settlement and "
                       "collections of an organisation, for its own systems. Send an API key as "
                       "`Authorization: Bearer sk_...`. Errors are RFC 9457 problem+json.",
        "license": {"name": "Proprietary", "identifier": "LicenseRef-Sulah"}},
        servers=[{"url": server_url}], security=[{"apiKey": []}])
    spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer",
                                               "description": "An organisation's API key, sk_..."})
    comps = _Components(spec)
    problem_ref = comps.ref(problem_model)
    spec.components.header("Idempotent-Replayed", {
        "description": "true when this is the stored answer to an earlier request with this key",
        "schema": {"type": "string", "enum": ["true"]}})
    by_path: dict[str, dict] = {}
    path_params: dict[str, list] = {}
    for op in OPERATIONS:
        path, params = openapi_path(op.rule)
        path_params[path] = params
        entry: dict[str, Any] = {
            "operationId": op.endpoint.replace(".", "_"), "summary": op.summary, "tags": [op.tag],
            "description": (op.description + f"\n\nScope: `{op.scope}`.").strip(),
            "x-scope": op.scope, "responses": {}}
        parameters = []
        if op.query is not None:
            parameters += query_parameters(op.query)
        if op.method == "POST":
            parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "description": "Repeat the request safely: the same key and body "
                                              "return the first answer; another body is a 409.",
                               "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": comps.ref(op.body, mode="validation")}}}
        elif op.upload:
            entry["requestBody"] = {"required": True, "description": "The file itself, streamed as "
                                    "the request body (not multipart).",
                                    "content": {"application/octet-stream": {
                                        "schema": {"type": "string", "contentMediaType":
                                                   "application/octet-stream"}}}}
        if op.produces == "*/*":  # served under the type it was stored with
            content = {op.produces: {"schema": {"type": "string"}}}
        elif op.produces == "application/json":  # a JSON document without a model (this document)
            content = {op.produces: {"schema": {"type": "object"}}}
        elif op.produces is not None:
            content = {op.produces: {"schema": {"type": "string", "contentMediaType": op.produces}}}
        elif op.answer is not None:
            content = {"application/json": {"schema": comps.ref(op.answer)}}
        else:
            content = None
        ok: dict[str, Any] = {"description": {201: "Created", 202: "Accepted"}.get(op.ok_status, "OK")}
        if content:
            ok["content"] = content
        if op.method == "POST":
            ok["headers"] = {"Idempotent-Replayed": {"$ref": "#/components/headers/Idempotent-Replayed"}}
        entry["responses"][str(op.ok_status)] = ok
        for code in op.errors:
            entry["responses"][str(code)] = {"description": _REASONS.get(code, "Refused"),
                                             "content": {PROBLEM: {"schema": problem_ref}}}
        by_path.setdefault(path, {})[op.method.lower()] = entry
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations, parameters=path_params[path] or None)
    return spec.to_dict()

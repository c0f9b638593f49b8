"""The OpenAPI 3.1 document of /api/v1, generated from the route declarations, and its reference
page: server-rendered HTML made from the same document (no script, no CDN)."""
from __future__ import annotations

import json

from flask import current_app, jsonify, render_template

from portal.api import schemas as s
from portal.api import spec
from portal.api.blueprint import bp

PUBLIC_TAG = "Reference"


def document() -> dict:
    """Built once per app (the routes do not change while it runs)."""
    cache = current_app.extensions.setdefault("sulah_openapi", {})
    if "doc" not in cache:
        cache["doc"] = spec.build(s.Problem)
    return cache["doc"]


@spec.operation(bp, "/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", scope="",
                tag=PUBLIC_TAG, produces="application/json", errors=())
def openapi_json():
    """Public: it describes the routes, not anyone's data."""
    return jsonify(document())


@spec.operation(bp, "/docs", "GET", summary="The API reference page", scope="", tag=PUBLIC_TAG,
                produces="text/html", errors=())
def docs():
    """The OpenAPI document as a readable page, generated from it on the server."""
    doc = document()
    schemas = doc.get("components", {}).get("schemas", {})
    groups: dict[str, list] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            shared = item.get("parameters", [])
            groups.setdefault(op["tags"][0], []).append((method.upper(), path, op, shared))
    return render_template("api/reference.html", doc=doc, groups=groups, schemas=schemas,
                           as_json=lambda v: json.dumps(v, indent=2, ensure_ascii=False))

"""Idempotency-Key on POST (the IETF httpapi draft's header, as Stripe uses it): the same key with
the same request returns the first successful answer again, without doing the work twice; the same
key with a different request is a 409. Only a 2xx answer is kept, in the same transaction as the
change it reports, so a refusal can be corrected and sent again under the same key."""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from functools import wraps
from typing import Any, BinaryIO

from flask import after_this_request, g, make_response, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.apikeys.models import IdempotentResult
from portal.database import rollback
from portal.extensions import db
from portal.web.errors import problem

HEADER = "Idempotency-Key"
MAX_KEY = 255


def caller() -> str:
    key = getattr(g, "api_key", None)
    return f"key:{key.id}" if key is not None else f"user:{current_user.id}"


PARSED_BODIES = frozenset({"application/json", "multipart/form-data", "application/x-www-form-urlencoded"})
CHUNK = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024


def _fingerprint() -> str:
    """The SHA-256 of the method, path, query and body. A JSON or form body is small and read
    whole; any other body (a file streamed as the request) is hashed as it is copied to a spooled
    temporary file, which `body_stream()` hands to the view instead of the spent request stream."""
    h = hashlib.sha256()
    for part in (request.method, request.path, request.query_string):
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    if request.mimetype in PARSED_BODIES:
        h.update(request.get_data(cache=True))
        return h.hexdigest()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed with the request)
    for chunk in iter(lambda: request.stream.read(CHUNK), b""):
        h.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    g.idempotent_body = spool
    after_this_request(lambda response: (spool.close(), response)[1])
    return h.hexdigest()


def body_stream() -> BinaryIO:
    """The request's body as a stream, whether or not an Idempotency-Key already read it."""
    return g.get("idempotent_body") or request.stream


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or not current_user.is_authenticated:  # nobody to remember it for: the view's 401
            return view(**kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            return problem(400, "Invalid Idempotency-Key",
                           f"Send a key of 1 to {MAX_KEY} printable characters (a UUID is usual).")
        who, digest = caller(), _fingerprint()
        found = db.session.scalar(select(IdempotentResult).where(IdempotentResult.caller == who,
                                                                 IdempotentResult.key == key))
        if found is not None:
            if found.request_sha256 != digest:
                return problem(409, "Idempotency-Key reused",
                               "This Idempotency-Key was used for a different request. Use a new "
                               "key for a new request.")
            replay = make_response(found.body, found.status_code)
            replay.headers["Content-Type"] = found.content_type
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = make_response(view(**kwargs))
        if 200 <= response.status_code < 300:
            db.session.add(IdempotentResult(caller=who, key=key, request_sha256=digest,
                                            status_code=response.status_code,
                                            body=response.get_data(as_text=True),
                                            content_type=response.content_type or ""))
            try:
                db.session.flush()
            except IntegrityError:  # the same key, at the same moment, from another request
                rollback()
                return problem(409, "Request in progress",
                               "Another request with this Idempotency-Key has just been processed. "
                               "Send this one again to receive its result.")
        return response
    return wrapper

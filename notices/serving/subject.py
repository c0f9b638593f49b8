"""What a dispatch, a delivery event or a certificate is about: a notice, or a served document
(notices/serving/documents.py). The pipeline asks these few questions of either, so it needs no
Notice row to carry a document that is not a notice."""
from __future__ import annotations

from typing import Any

from notices.models import Notice
from notices.serving.documents import ServedDocument
from portal.extensions import db

Served = Notice | ServedDocument


def is_document(served: Served) -> bool:
    return isinstance(served, ServedDocument)


def owner(served: Served) -> dict[str, int]:
    """The column values that point a new row at it."""
    return {"document_id": served.id} if is_document(served) else {"notice_id": served.id}


def same(model: Any, served: Served):
    """The WHERE clause for `model`'s rows about it (`model` has notice_id and document_id)."""
    return (model.document_id == served.id) if is_document(served) else (model.notice_id == served.id)


def key(served: Served) -> str:
    """A stable text key ("n12", "d3") for task arguments and idempotency keys."""
    return f"d{served.id}" if is_document(served) else f"n{served.id}"


def load(text: str) -> Served | None:
    """The notice or served document a key names (a bare number is a notice, as tasks queued before
    served documents existed name it)."""
    text = str(text)
    if text.startswith("d"):
        return db.session.get(ServedDocument, int(text[1:]))
    return db.session.get(Notice, int(text.lstrip("n")))


def payload(served: Served) -> dict[str, int]:
    """How audit events name it."""
    return owner(served)

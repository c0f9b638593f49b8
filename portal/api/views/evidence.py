"""Evidence: upload (the file streamed into the store, never held in memory whole), metadata,
download (logged, streamed back)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, request, url_for
from pydantic import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

import evidence
from portal.accounts import Action
from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import BadInput, PageQuery, answer, caller, field_errors, page_args, page_links
from portal.api.spec import operation
from portal.api.views.cases import case_for
from portal.apikeys import body_stream

CHUNK = 64 * 1024


def _document(case, doc) -> s.Document:
    return s.Document(id=doc.id, kind=doc.kind.value, description=doc.description, filename=doc.filename,
                      content_type=doc.content_type, size=doc.size, sha256=doc.sha256,
                      side=doc.side.value, uploaded_at=doc.uploaded_at, withdrawn_at=doc.withdrawn_at,
                      download_url=url_for("api_v1.download_document", reference=case.reference,
                                           document_id=doc.id))


def _found(case, document_id: int):
    doc = evidence.find_document(case, document_id, viewer=caller())
    if doc is None:
        raise BadInput(404, "Not found", "No such document on this case.")
    return doc


@operation(bp, "/cases/<reference>/evidence", "GET", summary="A case's evidence", scope="read",
           tag="Evidence", query=PageQuery, answer=s.DocumentList)
def list_documents(reference: str):
    """Newest first; follow `next` until it is null. One SQL statement a page."""
    case = case_for(reference, Action.VIEW_EVIDENCE)
    args = page_args("documents")
    page = evidence.documents_page(case, args, viewer=caller())
    return answer(s.DocumentList(documents=[_document(case, d) for d in page.rows],
                                 **page_links("api_v1.list_documents", page, args, reference=case.reference)))


@operation(bp, "/cases/<reference>/evidence", "POST", summary="Upload evidence", scope="evidence",
           tag="Evidence", query=s.UploadQuery, upload=True, answer=s.Document, status=201,
           errors=(401, 403, 404, 413))
def upload_document(reference: str):
    """Send the file as the request body (`application/octet-stream`), with `kind` and `filename`
    in the query; a `multipart/form-data` body with a `file` part is accepted too. The file is
    checked (type, size, active content in PDFs) and hashed as it streams into the store; a refused
    file leaves nothing behind."""
    case = case_for(reference, Action.UPLOAD_EVIDENCE)
    args = dict(request.args.to_dict())
    try:
        if request.mimetype == "multipart/form-data":
            part = request.files.get("file")
            if part is None:
                raise BadInput(422, "Invalid upload", "Send the file in a part named `file`.",
                               {"file": ["Send the file in a part named `file`."]})
            args.setdefault("filename", part.filename or "")
            args.update({k: v for k, v in request.form.items() if k in ("kind", "description")})
            stream = part.stream
        else:
            stream = body_stream()
        meta = s.UploadQuery.model_validate(args)
    except ValidationError as exc:
        raise BadInput(422, "Invalid upload", "Some parameters are not valid.", field_errors(exc)) from exc
    except RequestEntityTooLarge as exc:
        raise BadInput(413, "File too large", "The file is larger than the most one upload may be.") from exc
    try:
        doc = evidence.add_document(caller(), case, stream, meta.filename,
                                     evidence.DocumentKind(meta.kind), meta.description)
    except evidence.UploadRefused as exc:
        raise BadInput(422, "Upload refused", str(exc), {"file": [str(exc)]}) from exc
    return answer(_document(case, doc), 201)


@operation(bp, "/cases/<reference>/evidence/<int:document_id>", "GET", summary="A document's metadata",
           scope="read", tag="Evidence", answer=s.Document)
def get_document(reference: str, document_id: int):
    case = case_for(reference, Action.VIEW_EVIDENCE)
    return answer(_document(case, _found(case, document_id)))


@operation(bp, "/cases/<reference>/evidence/<int:document_id>/file", "GET", summary="Download a document",
           scope="evidence", tag="Evidence", produces="*/*")
def download_document(reference: str, document_id: int):
    """The stored bytes under the type they were uploaded with, streamed, with their SHA-256 in
    `Digest`-style header `X-Content-SHA256`.
    Each download is logged with the key that made it."""
    case = case_for(reference, Action.VIEW_EVIDENCE)
    doc = _found(case, document_id)
    evidence.record_download(caller(), case, doc, request.remote_addr or "", request.user_agent.string or "")
    stream = evidence.store().open(doc.sha256)
    resp = Response(iter(lambda: stream.read(CHUNK), b""), mimetype=doc.content_type)
    resp.call_on_close(stream.close)
    resp.headers["Content-Length"] = str(doc.size)
    resp.headers["X-Content-SHA256"] = doc.sha256
    resp.headers["Content-Disposition"] = (f"attachment; filename=\"{doc.filename}\"; "
                                           f"filename*=UTF-8''{quote(doc.filename)}")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp

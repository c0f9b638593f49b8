"""Evidence pages: list and upload, download (logged), withdraw, and the case bundle ZIP."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from evidence import services
from evidence.forms import UploadForm, WithdrawForm
from evidence.models import DocumentKind
from evidence.uploads import UploadRefused
from portal.accounts import Action, can, require
from portal.cases import load_case
from portal.i18n import N_, gettext
from portal.paging import BadCursor, PageArgs
from portal.web.boundary import attempt
from portal.web.errors import error_response

bp = Blueprint("evidence", __name__, url_prefix="/cases/<reference>/evidence")


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    # MAX_CONTENT_LENGTH refuses the body before any of it is read; say so in the evidence cap's terms.
    # (A 413: the request boundary rolls back.)
    limit = current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024)
    return error_response(413, "File too large", gettext(
        "The file is larger than %(limit)s MB, the most one piece of evidence may be. Nothing was stored. "
        "Split it or upload a smaller scan.", limit=limit))


def _page(case, form=None, withdraw_form=None, status=200, args: PageArgs | None = None):
    """The list (a page of 50, newest first) and the upload form; a refused form comes back on the
    first page."""
    page = services.documents_page(case, args or PageArgs(), viewer=current_user)
    return render_template("evidence/list.html", case=case, page=page, documents=page.rows,
                           form=form or UploadForm(formdata=None),
                           withdraw_form=withdraw_form or WithdrawForm(formdata=None),
                           can_upload=can(current_user, Action.UPLOAD_EVIDENCE, case),
                           can_withdraw=can(current_user, Action.WITHDRAW_EVIDENCE, case)), status


@bp.route("", methods=["GET", "POST"])
@login_required
def list_documents(reference: str):
    case = load_case(reference)
    require(current_user, Action.VIEW_EVIDENCE, case)
    if request.method == "GET":
        try:
            return _page(case, args=PageArgs.of_page(request.args))
        except BadCursor as exc:
            abort(400, str(exc))
    require(current_user, Action.UPLOAD_EVIDENCE, case)
    form = UploadForm()
    if form.validate_on_submit():
        f = form.file.data
        try:
            doc = services.add_document(current_user, case, f.stream, f.filename or "",
                                        DocumentKind(form.kind.data), form.description.data or "")
        except UploadRefused as exc:  # nothing was stored; the 422 rolls the request back
            form.file.errors.append(str(exc))
        else:
            flash(gettext("Stored %(filename)s (SHA-256 %(hash)s…).", filename=doc.filename,
                          hash=doc.sha256[:16]), "success")
            return redirect(url_for("evidence.list_documents", reference=reference))
    return _page(case, form=form, status=422)


def _document(case, document_id: int):
    doc = services.find_document(case, document_id, viewer=current_user)
    if doc is None:
        abort(404, N_("No such document."))
    return doc


@bp.get("/<int:document_id>")
@login_required
def download(reference: str, document_id: int):
    case = load_case(reference)
    require(current_user, Action.VIEW_EVIDENCE, case)
    doc = _document(case, document_id)
    # Logged in the request's transaction, committed (by the boundary) before the file streams.
    services.record_download(current_user, case, doc, request.remote_addr or "",
                             request.user_agent.string or "")
    stream = services.store().open(doc.sha256)
    resp = Response(iter(lambda: stream.read(64 * 1024), b""), mimetype=doc.content_type)
    resp.call_on_close(stream.close)
    resp.headers["Content-Disposition"] = _disposition(doc.filename)
    resp.headers["Content-Length"] = str(doc.size)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "sandbox"
    return resp


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@bp.post("/<int:document_id>/withdraw")
@login_required
def withdraw(reference: str, document_id: int):
    case = load_case(reference)
    require(current_user, Action.WITHDRAW_EVIDENCE, case)
    doc = _document(case, document_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        attempt(lambda: services.withdraw(current_user, case, doc, form.reason.data), form.reason.errors)
        if not form.reason.errors:
            flash(gettext("%(filename)s was withdrawn. It stays on record, marked withdrawn.",
                          filename=doc.filename), "success")
            return redirect(url_for("evidence.list_documents", reference=reference))
    return _page(case, withdraw_form=form, status=409 if form.reason.data else 422)


@bp.get("/bundle.zip")
@login_required
def bundle(reference: str):
    from evidence.bundle import build_bundle

    case = load_case(reference)
    require(current_user, Action.EXPORT_BUNDLE, case)
    spooled = build_bundle(current_user, case)  # its export is logged; the boundary commits it
    resp = Response(iter(lambda: spooled.read(64 * 1024), b""), mimetype="application/zip")
    resp.call_on_close(spooled.close)
    resp.headers["Content-Disposition"] = f'attachment; filename="{case.reference}-bundle.zip"'
    return resp

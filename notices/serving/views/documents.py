"""A served document's delivery page and its delivery-proof certificate (an award, an order): the
same timeline, receipt and certificate as a notice's, for everyone on the case who may see delivery."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from notices.serving import proof, receipt
from notices.serving.blueprint import bp
from notices.serving.documents import ServedDocument
from notices.serving.pages import service_pages
from portal.accounts import Action, require
from portal.extensions import db
from portal.i18n import gettext


def load(document_id: int) -> ServedDocument:
    document = db.session.get(ServedDocument, document_id)
    if document is None:
        abort(404, gettext("No such document."))
    require(current_user, Action.VIEW_DELIVERY, document.case)
    return document


@bp.get("/served/<int:document_id>/delivery")
@login_required
def show_document_delivery(document_id: int):
    return document_page(load(document_id))


def document_page(document: ServedDocument, status: int = 200):
    """The page, also re-rendered by the postal views with a refused form's errors."""
    return render_template(
        "notices/served_delivery.html", document=document, case=document.case,
        **service_pages(document),
        latest_proof=proof.latest(document), receipt=receipt.for_notice(document)), status


@bp.get("/served/<int:document_id>/delivery-proof.pdf")
@login_required
def document_delivery_proof(document_id: int):
    from evidence import store

    document = load(document_id)
    latest = proof.latest(document)
    if latest is None:
        abort(404, gettext("No delivery proof yet: it is issued once the document is served."))
    with store().open(latest.sha256) as fh:
        data = fh.read()
    name = f"delivery-proof-{document.case.reference}-D{document.id}-v{latest.version}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

"""Bulk import pages: upload, preview with per-row errors, confirm, template and error report."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from portal import tabular
from portal.accounts import Action, require
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_, gettext
from portal.i18n import lazy_gettext as _l
from portal.imports import services
from portal.imports.models import ImportBatch
from portal.imports.parsing import ImportFileError, template_csv

bp = Blueprint("imports", __name__, url_prefix="/imports")


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file to upload."))])


class ConfirmForm(FlaskForm):
    sha256 = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{64}$")])
    suffix = HiddenField(validators=[InputRequired(), Regexp(r"^(csv|xlsx|txt)$")])
    filename = HiddenField(validators=[InputRequired()])


def _batches():
    return db.session.scalars(select(ImportBatch).where(ImportBatch.org_id == current_user.org_id)
                              .order_by(ImportBatch.created_at.desc()).limit(20)).all()


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload():
    require(current_user, Action.CREATE_CASE)
    form = UploadForm()
    if form.validate_on_submit():
        f = form.file.data
        try:
            staged, plan = services.plan_upload(current_user, f.stream, f.filename or "")
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            confirm = ConfirmForm(sha256=staged.sha256, suffix=staged.path.suffix.lstrip("."),
                                  filename=staged.filename)
            return render_template("imports/preview.html", plan=plan, confirm=confirm,
                                   staged=staged,
                                   previous=services.previous_batch(current_user.org_id, staged.sha256))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", form=form, batches=_batches()), status


def _staged_from(form: ConfirmForm) -> Path:
    path = services.find_staged(current_user.org_id, form.sha256.data, form.suffix.data)
    if path is None:
        abort(404, N_("That upload has expired. Please upload the file again."))
    return path


@bp.post("/confirm")
@login_required
def confirm():
    require(current_user, Action.CREATE_CASE)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, N_("The confirmation was incomplete. Please upload the file again."))
    path = _staged_from(form)
    try:
        # A savepoint, as boundary.attempt: the refusal answers with a redirect (which commits), so
        # the refused import's own changes are undone here.
        with db.session.begin_nested():
            batch, _plan = services.confirm(current_user, path, form.filename.data[:255], form.sha256.data)
    except (DomainError, ImportFileError) as exc:
        flash(str(exc), "info")
        return redirect(url_for("imports.upload"))
    flash(gettext("Imported %(cases)s cases with %(invoices)s invoices (%(skipped)s rows left out).",
                  cases=batch.cases_created, invoices=batch.invoices_created, skipped=batch.rows_skipped),
          "success")
    return redirect(url_for("imports.show_batch", batch_id=batch.id))


@bp.get("/<int:batch_id>")
@login_required
def show_batch(batch_id: int):
    require(current_user, Action.CREATE_CASE)
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.org_id != current_user.org_id:
        abort(404, N_("No such import."))
    return render_template("imports/batch.html", batch=batch)


@bp.get("/template.csv")
@login_required
def template():
    return Response(template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=sulah-invoices-template.csv"})


@bp.post("/errors.csv")
@login_required
def error_report():
    require(current_user, Action.CREATE_CASE)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, N_("Please upload the file again."))
    path = _staged_from(form)
    try:
        plan = services.plan_file(current_user, path, form.filename.data)
    except ImportFileError as exc:
        abort(422, str(exc))
    rows = [[e.line, e.column, e.message] for e in plan.errors]
    rows += [[line, "invoice_number", f"Invoice {number} was already imported; skipped."]
             for line, number in plan.duplicates]
    return Response(tabular.csv_text(["line", "column", "problem"], rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=import-errors.csv"})

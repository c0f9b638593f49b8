"""Bulk notice pages: the creditor selects cases and follows the drafting; the advocate opens a
sample of a batch and approves the rest with one authentication code."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from notices.bulk import batches as bulk
from notices.bulk.blueprint import bp
from notices.bulk.forms import BulkRequestForm
from notices.bulk.models import NoticeBatch, NoticeBatchItem
from notices.drafting.forms import ApproveForm
from notices.models import NoticeLanguage
from portal import outbox
from portal.accounts import Action, require
from portal.extensions import db
from portal.i18n import N_, ngettext
from portal.imports import ImportBatch
from portal.web.boundary import attempt, keep_changes


def _import_batch(import_id: int | None) -> ImportBatch | None:
    if import_id is None:
        return None
    found = db.session.get(ImportBatch, import_id)
    if found is None or found.org_id != current_user.org_id:
        abort(404, N_("No such import."))
    return found


def _creditor_batch(batch_id: int) -> NoticeBatch:
    require(current_user, Action.REQUEST_BULK_NOTICES)
    batch = db.session.get(NoticeBatch, batch_id)
    if batch is None or batch.org_id != current_user.org_id:
        abort(404, N_("No such batch of notices."))
    return batch


def _advocate_batch(batch_id: int) -> NoticeBatch:
    """The batch, if any of its notices is this advocate's to review (else it does not exist here)."""
    require(current_user, Action.REVIEW_NOTICE_BATCH)
    batch = db.session.get(NoticeBatch, batch_id)
    if batch is None or (not any(i.sampled_by_id == current_user.id for i in batch.items)
                         and not bulk.awaiting(current_user, batch)):
        abort(404, N_("No such batch of notices for you to review."))
    return batch


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_batch():
    require(current_user, Action.REQUEST_BULK_NOTICES)
    form = BulkRequestForm()
    source = _import_batch(request.values.get("import", type=int))
    ids = bulk.cases_of_import(source) if source else None
    cases = bulk.eligible_cases(current_user.org_id, ids)
    if form.validate_on_submit():
        try:
            chosen = [int(v) for v in request.form.getlist("case_id")]
        except ValueError:
            abort(400, N_("The selection of cases was not understood; reload the page and try again."))
        batch = attempt(lambda: bulk.request_notices(
            current_user, chosen, language=NoticeLanguage(form.language.data),
            pay_within_days=form.pay_within_days.data, submit_for_review=form.submit_for_review.data,
            import_batch=source), form.form_errors)
        if batch is not None:
            item_ids = [item.id for item in batch.items]
            for item_id in item_ids:  # drafted by the worker once this request commits
                outbox.enqueue("notices.draft_batch_item", item_id)
            flash(ngettext("%(num)d notice requested; it is being drafted.",
                          "%(num)d notices requested; they are being drafted.", len(item_ids)), "success")
            return redirect(url_for("notice_batches.show_batch", batch_id=batch.id))
    imports = db.session.scalars(select(ImportBatch).where(ImportBatch.org_id == current_user.org_id)
                                 .order_by(ImportBatch.created_at.desc()).limit(50)).all()
    return render_template("notices/bulk_new.html", form=form, cases=cases[:bulk.MAX_CASES],
                           more=len(cases) > bulk.MAX_CASES, imports=imports, source=source,
                           select_all=request.args.get("all") == "1"), 422 if form.errors else 200


@bp.get("/")
@login_required
def list_batches():
    require(current_user, Action.REQUEST_BULK_NOTICES)
    batches = db.session.scalars(select(NoticeBatch).where(NoticeBatch.org_id == current_user.org_id)
                                 .options(joinedload(NoticeBatch.created_by))
                                 .order_by(NoticeBatch.created_at.desc()).limit(100)).all()
    progress = bulk.progress_of([b.id for b in batches])
    return render_template("notices/bulk_list.html", rows=[(b, progress[b.id]) for b in batches])


@bp.get("/<int:batch_id>")
@login_required
def show_batch(batch_id: int):
    batch = _creditor_batch(batch_id)
    return render_template("notices/bulk_show.html", batch=batch, items=bulk.items_of(batch),
                           progress=bulk.progress(batch))


@bp.get("/<int:batch_id>/progress.json")
@login_required
def batch_progress(batch_id: int):
    batch = _creditor_batch(batch_id)
    return jsonify(batch_id=batch.id, **bulk.progress(batch).as_dict())


@bp.get("/review")
@login_required
def review_batches():
    require(current_user, Action.REVIEW_NOTICE_BATCH)
    return render_template("notices/bulk_review_list.html", rows=bulk.batches_for(current_user))


@bp.get("/<int:batch_id>/review")
@login_required
def review_batch(batch_id: int):
    return _review_page(_advocate_batch(batch_id), ApproveForm(formdata=None))


def _review_page(batch: NoticeBatch, form: ApproveForm, status: int = 200):
    errors: list[str] = []
    sample = attempt(lambda: bulk.sample(current_user, batch), errors)
    if errors:
        flash(errors[0], "info")
        return redirect(url_for("notice_batches.review_batches"))
    # The draw is kept, after a refused approval too (whose own changes were undone): reloading the
    # page shows the same sample.
    keep_changes()
    pool = bulk.awaiting(current_user, batch, before=min(i.sampled_at for i in sample))
    return render_template("notices/bulk_review.html", batch=batch, sample=sample, pool=pool,
                           form=form), status


@bp.get("/<int:batch_id>/sample/<int:item_id>")
@login_required
def open_sample(batch_id: int, item_id: int):
    batch = _advocate_batch(batch_id)
    item = db.session.get(NoticeBatchItem, item_id)
    if item is None or item.batch_id != batch.id or item.sampled_by_id != current_user.id:
        abort(404, N_("That notice is not in your sample of this batch."))
    bulk.view_sample(current_user, item)
    return render_template("notices/bulk_sample.html", batch=batch, item=item, notice=item.notice)


@bp.post("/<int:batch_id>/approve")
@login_required
def approve_batch(batch_id: int):
    batch = _advocate_batch(batch_id)
    form = ApproveForm()
    if form.validate_on_submit():
        approved = attempt(lambda: bulk.approve_batch(current_user, batch, form.code.data), form.code.errors)
        if approved is not None:
            flash(ngettext("Approved %(num)d notice. Sign it from its page.",
                           "Approved %(num)d notices. Sign each from its page.", len(approved)), "success")
            return redirect(url_for("notice_batches.review_batches"))
    return _review_page(batch, form, status=422)

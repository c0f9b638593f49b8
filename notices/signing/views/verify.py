"""Public verification pages: anyone holding a notice checks it against the signed notice of record."""
from __future__ import annotations

from flask import redirect, render_template, url_for

from notices.signing.blueprint import bp
from notices.signing.forms import VerifyUploadForm
from portal.extensions import limiter
from portal.i18n import localise_errors


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify(code: str):
    """Public: anyone holding a notice can check it against the signed notice of record."""
    from notices.signing.verification import UploadRefused, hash_upload, public_record

    record = public_record(code[:16]) if code.isalnum() else None
    if record is None:
        return render_template("notices/verify.html", record=None, code=code[:16]), 404
    form = VerifyUploadForm()
    result = None
    if form.validate_on_submit():
        try:
            result = hash_upload(form.file.data.stream) == record.sha256
        except UploadRefused as exc:
            form.file.errors.append(str(exc))
    localise_errors(form)
    status = 422 if form.errors else 200
    return render_template("notices/verify.html", record=record, form=form, result=result,
                           code=record.code), status


@bp.get("/verify")
def verify_lookup():
    from flask import request

    code = "".join(ch for ch in request.args.get("code", "") if ch.isalnum())[:16]
    if not code:
        return render_template("notices/verify.html", record=None, code=""), 200
    return redirect(url_for("notices.verify", code=code.upper()))

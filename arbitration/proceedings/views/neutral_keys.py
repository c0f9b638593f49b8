"""A neutral's signing-certificate page on the proceedings blueprint: upload the DSC (PKCS#12) that signs
procedural orders and awards; it is stored encrypted, as an advocate's is."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from arbitration.proceedings import neutral_keys
from arbitration.proceedings.blueprint import bp
from notices import CertificateForm
from portal.accounts import Action, require
from portal.i18n import gettext
from portal.web.boundary import attempt


@bp.route("/neutral/certificate", methods=["GET", "POST"])
@login_required
def neutral_certificate():
    require(current_user, Action.MANAGE_NEUTRAL_KEY)
    form = CertificateForm()
    status = 200
    if form.validate_on_submit():
        data = form.pkcs12.data.stream.read(neutral_keys.MAX_PKCS12_BYTES + 1)
        subject = attempt(lambda: neutral_keys.install(current_user, data, form.passphrase.data),
                          form.pkcs12.errors)
        if subject is not None:
            flash(gettext("Certificate for %(subject)s stored. It will sign your orders and awards.",
                          subject=subject), "success")
            return redirect(url_for("proceedings.neutral_certificate"))
    if form.errors:
        status = 422
    key = neutral_keys.key_of(current_user)
    return render_template("arbitration/proceedings/certificate.html", form=form, key=key), status

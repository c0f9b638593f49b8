"""The advocate's signing-key page: upload the DSC as PKCS#12, or record that it is on a PKCS#11 token or
HSM attached to the signing server (offered when PKCS11_MODULE is configured)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from notices.signing.blueprint import bp
from notices.signing.forms import CertificateForm, TokenKeyForm
from notices.signing.token_keys import record_token
from portal.accounts import Role
from portal.extensions import limiter
from portal.i18n import gettext, localise_errors
from portal.web.boundary import attempt


@bp.route("/account/certificate", methods=["GET", "POST"])
@login_required
def signing_certificate():
    """An advocate uploads the DSC (PKCS#12) used to sign notices; it is stored encrypted."""
    from notices.signing.signatures import install_certificate

    if current_user.role != Role.ADVOCATE:
        abort(403, gettext("Only advocates sign notices with a DSC."))
    form = CertificateForm()
    if form.validate_on_submit():
        data = form.pkcs12.data.stream.read(64 * 1024 + 1)
        subject = attempt(lambda: install_certificate(current_user, data, form.passphrase.data),
                          form.pkcs12.errors)
        if subject is not None:
            flash(gettext("Certificate for %(subject)s stored. It will sign the notices you approve.",
                          subject=subject), "success")
            return redirect(url_for("notices.signing_certificate"))
    return certificate_page(form)


def certificate_page(form: CertificateForm | None = None, token_form: TokenKeyForm | None = None):
    """The page with both forms; 422 when either carries errors."""
    form = form or CertificateForm(formdata=None)
    token_form = token_form or TokenKeyForm(formdata=None)
    localise_errors(form)
    localise_errors(token_form)
    profile = current_user.advocate_profile
    status = 422 if form.errors or token_form.errors else 200
    return render_template("notices/certificate.html", form=form, token_form=token_form,
                           has_certificate=bool(profile and profile.signing_pkcs12),
                           token=(profile.signing_token_label, profile.signing_key_label)
                           if profile and profile.signing_token_label else None,
                           tokens_offered=bool(current_app.config.get("PKCS11_MODULE"))), status


def _advocate_key() -> str:
    return f"token-check:{current_user.get_id()}"


@bp.post("/account/certificate/token")
@login_required
# Each post tries the PIN on the token, and a token locks itself after a few wrong ones.
@limiter.limit("10 per hour", key_func=_advocate_key)
def signing_token():
    if current_user.role != Role.ADVOCATE:
        abort(403, gettext("Only advocates sign notices with a DSC."))
    form = TokenKeyForm()
    if form.validate_on_submit():
        subject = attempt(lambda: record_token(current_user, current_app.config, form.token_label.data,
                                               form.key_label.data, form.pin.data), form.form_errors)
        if subject is not None:
            flash(gettext("The key for %(subject)s on the token “%(token)s” will sign the notices you "
                          "approve; you will type its PIN at each signature.", subject=subject,
                          token=form.token_label.data.strip()), "success")
            return redirect(url_for("notices.signing_certificate"))
    return certificate_page(token_form=form)

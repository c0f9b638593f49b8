"""The settlement agreement's pages: read, sign or accept, download; the instalment schedule.

Thin: parse, authorize with policy.require, call arbitration.settlement.agreements / signing,
redirect; the request boundary commits. Works for a debtor with an account and for the debtor's
personal-link session alike.
"""
from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from arbitration.settlement import agreements as settlement
from arbitration.settlement import instalments, serving, signing
from arbitration.settlement.blueprint import bp
from arbitration.settlement.models import AgreementStatus, SettlementAgreement, SignerSide
from notices import (
    PROVIDER_LABELS,
    PROVIDER_NAMES,
    HandOverPolicy,
    enabled_providers,
    latest_for_settlement,
    provider_for,
)
from portal.accounts import Action, can
from portal.cases import Case, CaseStatus, today_ist
from portal.cases import case_for as load
from portal.extensions import db, limiter
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l
from portal.onetime_codes import CodeError
from portal.urls import public_url
from portal.web.boundary import keep_changes
from portal.web.forms import PageForm, require_fresh_form


class SendCodeForm(PageForm):
    destination = RadioField(_l("Send the code to"), coerce=int, validators=[InputRequired(
        _l("Choose where to send the code."))])


class CancelForm(PageForm):
    reason = TextAreaField(_l("Why the agreement should not go ahead"), validators=[
        InputRequired(_l("Say briefly why.")),
        Length(min=5, max=500, message=_l("Between 5 and 500 characters."))])


class CodeForm(PageForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the 6-digit code.")), Length(max=12)],
                       render_kw={"inputmode": "numeric"})


def live_or_404(case: Case) -> SettlementAgreement:
    agreement = settlement.live_agreement(case)
    if agreement is None:
        abort(404, "This case has no settlement agreement.")
    return agreement


def _with_choices(form: SendCodeForm, agreement: SettlementAgreement) -> SendCodeForm:
    options = signing.destinations(agreement, current_user)
    form.destination.choices = [(i, d.label) for i, d in enumerate(options)]
    return form


def render_page(case: Case, *, send_form=None, code_form=None, cancel_form=None, status: int = 200):
    agreement = settlement.live_agreement(case) or settlement.latest_agreement(case)
    ctx = {"case": case, "section": "settlement", "agreement": agreement, "buttons": FlaskForm()}
    if agreement is not None:
        ctx["sides"] = settlement.required_sides(agreement)
        if agreement.status == AgreementStatus.SIGNED:
            ctx["schedule"] = instalments.schedule(agreement, today_ist())
            ctx["outstanding"] = instalments.outstanding(case)
            if can(current_user, Action.VIEW_DELIVERY, case):  # its service on the debtor
                ctx["served"] = serving.document_for(agreement)
        awaiting = agreement.status == AgreementStatus.AWAITING_SIGNATURES
        if awaiting and can(current_user, Action.SIGN_SETTLEMENT, case):
            side = signing.side_for(current_user, agreement)
            send_form = send_form or SendCodeForm(formdata=None, destination=0)
            ctx.update(_provider_choices(agreement, side))
            ctx.update(my_side=side, refusal=signing.refusal(agreement, side),
                       pending=signing.pending_code(agreement, side), has_key=_has_key(current_user),
                       send_form=_with_choices(send_form, agreement),
                       code_form=code_form or CodeForm(formdata=None),
                       cancel_form=cancel_form or CancelForm(formdata=None))
    ctx["may_invoke_arbitration"] = (case.status == CaseStatus.DEFAULTED
                                     and can(current_user, "transition:invoke_arbitration", case))
    return render_template("arbitration/settlement.html", **ctx), status


def _provider_choices(agreement: SettlementAgreement, side) -> dict:
    """The providers this signer may sign through (as configured for notices), and its last attempt."""
    offered = _offered()
    if not offered or side == SignerSide.NEUTRAL or getattr(current_user, "link_id", None) is not None:
        return {"providers": []}
    return {"providers": [(n, PROVIDER_LABELS[n]) for n in offered], "last_ceremony": latest_for_settlement(
        agreement, side.value)}


def _offered() -> list[str]:
    """The enabled providers that sign at their own site (a DSC signs through settlement.sign_dsc)."""
    return [n for n in enabled_providers(current_app.config) if n in signing.PROVIDER_METHODS]


def _has_key(user) -> str | None:
    """"pkcs12", "token" (a PIN is asked for) or None: how this user could sign with a DSC."""
    profile = getattr(user, "advocate_profile", None)
    if profile is None:
        return None
    if getattr(profile, "signing_token_label", None):
        return "token"
    return "pkcs12" if profile.signing_pkcs12 is not None else None


@bp.get("/<reference>/settlement")
@login_required
def show(reference: str):
    return render_page(load(reference, Action.VIEW_SETTLEMENT))


@bp.post("/<reference>/settlement/code")
@login_required
@limiter.limit("10 per hour")
def send_code(reference: str):
    case = load(reference, Action.SIGN_SETTLEMENT)
    agreement = live_or_404(case)
    form = _with_choices(SendCodeForm(), agreement)
    if not form.validate_on_submit():
        return render_page(case, send_form=form, status=400)
    try:
        row = signing.send_code(agreement, current_user, form.destination.data, request.remote_addr or "",
                                language())  # the page's: a debtor's chosen language, else English
    except CodeError as exc:
        form.destination.errors.append(str(exc))
        return render_page(case, send_form=form, status=exc.status)
    flash(gettext("We sent a 6-digit code to %(address)s. It is valid for a few minutes.",
                  address=row.masked_destination), "success")
    return redirect(url_for("settlement.show", reference=case.reference) + "#enter-code")


@bp.post("/<reference>/settlement/accept")
@login_required
@limiter.limit("20 per 10 minutes")
def accept(reference: str):
    case = load(reference, Action.SIGN_SETTLEMENT)
    agreement = live_or_404(case)
    form = CodeForm()
    if not form.validate_on_submit():
        return render_page(case, code_form=form, status=400)
    try:
        signing.accept_with_code(agreement, current_user, form.code.data, request.remote_addr or "")
    except CodeError as exc:
        keep_changes()  # the wrong try counts
        form.code.errors.append(str(exc))
        return render_page(case, code_form=form, status=exc.status)
    flash(_done_message(agreement), "success")
    return redirect(url_for("settlement.show", reference=case.reference))


@bp.post("/<reference>/settlement/sign")
@login_required
def sign_dsc(reference: str):
    case = load(reference, Action.SIGN_SETTLEMENT)
    agreement = live_or_404(case)
    require_fresh_form()
    pin = (request.form.get("token_pin") or "")[:64] or None  # only for a key on a token
    signing.sign_with_dsc(agreement, current_user, request.remote_addr or "", pin=pin)  # DomainError: 409
    flash(_done_message(agreement), "success")
    return redirect(url_for("settlement.show", reference=case.reference))


@bp.post("/<reference>/settlement/provider")
@login_required
@limiter.limit("20 per hour")
def sign_with_provider(reference: str):
    """Hand the signer over to Aadhaar eSign or DocuSign; the provider's callback finishes it
    (notices/signing/views/sign.py, the same endpoints as for notices)."""
    case = load(reference, Action.SIGN_SETTLEMENT)
    agreement = live_or_404(case)
    require_fresh_form()
    name = (request.form.get("provider") or "")[:40]
    offered = _offered()
    if name not in offered:
        abort(400, f"“{name}” is not a signing method offered here."
                   + (" Choose one of: " + ", ".join(PROVIDER_LABELS[n] for n in offered) + "."
                      if offered else ""))
    result, _ = signing.start_ceremony(  # DomainError: 409
        agreement, current_user, provider_for(name),
        return_url=lambda token: public_url("notices.signing_return", token=token))
    return render_template(
        "signing_handover.html", reference=case.reference, label=gettext(PROVIDER_NAMES[name]),
        document=gettext("The settlement agreement in %(reference)s (version %(version)s)",
                         reference=case.reference, version=agreement.version),
        back=(url_for("settlement.show", reference=case.reference), gettext("Back to the settlement")),
        url=result.redirect_url, fields=result.redirect_form)


# The hand-over page may post its form to the eSign Service Provider.
sign_with_provider.talisman_view_options = {"content_security_policy": HandOverPolicy()}


@bp.post("/<reference>/settlement/cancel")
@login_required
def cancel(reference: str):
    """Either party (or the neutral) stops an agreement before it is complete, e.g. to change the terms."""
    case = load(reference, Action.SIGN_SETTLEMENT)
    agreement = live_or_404(case)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_page(case, cancel_form=form, status=400 if form.csrf_token.errors else 422)
    settlement.cancel(agreement, current_user, form.reason.data)  # DomainError (signed already): 409
    flash(gettext("The agreement was cancelled. A new one can be made from accepted terms."), "success")
    return redirect(url_for("settlement.show", reference=case.reference))


def _done_message(agreement: SettlementAgreement) -> str:
    if agreement.status == AgreementStatus.SIGNED:
        return gettext("Everyone has agreed: the settlement agreement is complete and the case is settled.")
    return gettext("Recorded. The agreement is complete once everyone has agreed to it.")


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.get("/<reference>/settlement/<int:version>/draft.pdf")
@login_required
def draft_pdf(reference: str, version: int):
    case = load(reference, Action.VIEW_SETTLEMENT)
    agreement = _version(case, version)
    return _pdf(settlement.read_pdf(agreement.unsigned_pdf_sha256),
                f"settlement-{case.reference}-v{version}-for-signature.pdf")


@bp.get("/<reference>/settlement/<int:version>/agreement.pdf")
@login_required
def final_pdf(reference: str, version: int):
    case = load(reference, Action.VIEW_SETTLEMENT)
    agreement = _version(case, version)
    if agreement.final_pdf_sha256 is None:
        abort(404, "This agreement is not complete yet.")
    return _pdf(settlement.read_pdf(agreement.final_pdf_sha256),
                f"settlement-{case.reference}-v{version}.pdf")


def _version(case: Case, version: int) -> SettlementAgreement:
    agreement = db.session.scalar(select(SettlementAgreement).where(
        SettlementAgreement.case_id == case.id, SettlementAgreement.version == version))
    if agreement is None:
        abort(404, "No such version of the settlement agreement.")
    return agreement

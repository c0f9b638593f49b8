"""The award's page (/arbitration/<reference>/award): the acting arbitrator drafts, finalises and signs
the award (or records an award on agreed terms, s.30); every party reads the signed award, its service
and each side's s.34 window; the claimant's side records a challenge or a court's extension and closes
the case after payment or the window. Thin: parse, authorize, call the service, redirect; the request
boundary commits, and a refusal is answered by the page with its message (409)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.awards import making as awards
from arbitration.awards import rules as award_rules
from arbitration.awards import serving as award_service
from arbitration.awards.blueprint import bp
from arbitration.awards.forms import AwardForm, ChallengeForm, CloseForm, CourtExtensionForm
from arbitration.awards.models import Award, AwardStatus
from portal.accounts import Action, can
from portal.cases import Case, today_ist
from portal.cases import case_for as load
from portal.errors import DomainError
from portal.i18n import gettext
from portal.web.boundary import on_refusal
from portal.web.forms import require_fresh_form

VISIBLE_TO_PARTIES = (AwardStatus.SIGNED, AwardStatus.SERVED)


def existing(case: Case) -> Award:
    award = awards.award_for(case)
    if award is None:
        abort(404, "This case has no award.")
    return award


def render_page(case: Case, status: int = 200, **forms):
    award = awards.award_for(case)
    drafts = can(current_user, Action.DRAFT_AWARD, case)
    visible = award is not None and (drafts or award.status in VISIBLE_TO_PARTIES)
    today = today_ist()
    ctx = {"case": case, "award": award if visible else None, "drafts": drafts, "today": today,
           "consent_possible": drafts and award is None and awards.signed_settlement(case) is not None
           and case.status.value == "settled",
           "records": can(current_user, Action.RECORD_AWARD_CHALLENGE, case),
           "closes": can(current_user, Action.CLOSE_ON_AWARD, case), "plain_form": FlaskForm()}
    if visible and award.status == AwardStatus.SERVED:
        ctx["windows"] = award_service.windows(award)
        ctx["close_refusal"] = award_service.close_refusal(award, case, today)
    if visible and award.status == AwardStatus.DRAFT:
        ctx["missing"] = award_rules.missing_elements(award)
    ctx["award_form"] = forms.get("award_form") or (
        AwardForm.of(award) if visible else AwardForm(formdata=None))
    for name, cls in (("challenge_form", ChallengeForm), ("extension_form", CourtExtensionForm),
                      ("close_form", CloseForm)):
        ctx[name] = forms.get(name) or cls(formdata=None)
    return render_template("arbitration/award/show.html", **ctx), status


def refused(action: str, form_class: type[FlaskForm] | None = None, form_name: str = ""):
    """How a refused step answers (with `on_refusal`, after the rollback): the award's page, 409, the
    message flashed, and the posted form again when there was one."""
    def render(exc: DomainError, reference: str):
        flash(str(exc), "error")
        forms = {form_name: form_class()} if form_class is not None else {}
        return render_page(load(reference, action), 409, **forms)
    return render


def back_to_award(case: Case, message: str):
    flash(message, "success")
    return redirect(url_for("awards.show", reference=case.reference))


@bp.get("/<reference>/award")
@login_required
def show(reference: str):
    return render_page(load(reference, Action.VIEW_AWARD))


@bp.post("/<reference>/award/start")
@login_required
@on_refusal(refused(Action.DRAFT_AWARD))
def start(reference: str):
    case = load(reference, Action.DRAFT_AWARD)
    require_fresh_form()
    awards.start(current_user, case, consent=case.status.value == "settled")
    return back_to_award(case, gettext("The draft award is open, filled in from the case. Complete it, "
                                       "then finalise it."))


@bp.post("/<reference>/award")
@login_required
@on_refusal(refused(Action.DRAFT_AWARD, AwardForm, "award_form"))
def update(reference: str):
    case = load(reference, Action.DRAFT_AWARD)
    award = existing(case)
    form = AwardForm()
    if not form.validate_on_submit():
        return render_page(case, 422, award_form=form)
    awards.update(current_user, award, form.values())
    return back_to_award(case, gettext("The draft award is saved."))


@bp.post("/<reference>/award/finalise")
@login_required
@on_refusal(refused(Action.DRAFT_AWARD))
def finalise(reference: str):
    case = load(reference, Action.DRAFT_AWARD)
    award = existing(case)
    require_fresh_form()
    awards.finalise(current_user, award)
    return back_to_award(case, gettext("The award is finalised. Read the PDF, then sign it."))


@bp.post("/<reference>/award/reopen")
@login_required
@on_refusal(refused(Action.DRAFT_AWARD))
def reopen(reference: str):
    case = load(reference, Action.DRAFT_AWARD)
    award = existing(case)
    require_fresh_form()
    awards.reopen(current_user, award)
    return back_to_award(case, gettext("The award is a draft again."))


@bp.post("/<reference>/award/sign")
@login_required
@on_refusal(refused(Action.DRAFT_AWARD))
def sign(reference: str):
    case = load(reference, Action.DRAFT_AWARD)
    award = existing(case)
    require_fresh_form()
    awards.sign(current_user, award)
    return back_to_award(case, gettext("The award is signed and is being served on each party, with proof "
                                       "of delivery."))


@bp.get("/<reference>/award.pdf")
@login_required
def download(reference: str):
    case = load(reference, Action.VIEW_AWARD)
    award = existing(case)
    drafts = can(current_user, Action.DRAFT_AWARD, case)
    sha = award.signed_pdf_sha256 or (award.unsigned_pdf_sha256 if drafts else None)
    if sha is None:
        abort(404, "The award has not been signed yet.")
    return Response(awards.read_pdf(sha), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="award-{case.reference}.pdf"'})


@bp.post("/<reference>/award/challenge")
@login_required
@on_refusal(refused(Action.RECORD_AWARD_CHALLENGE, ChallengeForm, "challenge_form"))
def challenge(reference: str):
    case = load(reference, Action.RECORD_AWARD_CHALLENGE)
    award = existing(case)
    form = ChallengeForm()
    if not form.validate_on_submit():
        return render_page(case, 422, challenge_form=form)
    award_service.record_challenge(current_user, award, form.filed_on.data, form.note.data, today_ist())
    return back_to_award(case, gettext("The s.34 challenge is recorded; the case stays open until the court "
                                       "decides."))


@bp.post("/<reference>/award/extension")
@login_required
@on_refusal(refused(Action.RECORD_AWARD_CHALLENGE, CourtExtensionForm, "extension_form"))
def extension(reference: str):
    case = load(reference, Action.RECORD_AWARD_CHALLENGE)
    award = existing(case)
    form = CourtExtensionForm()
    if not form.validate_on_submit():
        return render_page(case, 422, extension_form=form)
    award_service.record_extension(current_user, award, form.days.data)
    return back_to_award(case, gettext("The court's extension of %(days)s days is recorded.",
                                       days=form.days.data))


@bp.post("/<reference>/award/close")
@login_required
@on_refusal(refused(Action.CLOSE_ON_AWARD, CloseForm, "close_form"))
def close(reference: str):
    case = load(reference, Action.CLOSE_ON_AWARD)
    award = existing(case)
    form = CloseForm()
    if not form.validate_on_submit():
        return render_page(case, 422, close_form=form)
    award_service.close(current_user, award, today_ist(), form.note.data or "")
    return back_to_award(case, gettext("The case is closed."))

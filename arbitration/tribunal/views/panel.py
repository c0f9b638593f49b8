"""The panel pages on the tribunal blueprint: a neutral's own listing and declared relationships,
the panel filtered by expertise and language, and the neutral's invitations, where it files the
Sixth Schedule disclosure and accepts, or declines."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import conflicts, panel
from arbitration.tribunal.blueprint import bp
from arbitration.tribunal.forms import DECLARED, DeclineForm, DisclosureForm, ProfileForm, RelationshipForm
from arbitration.tribunal.models import Appointment, Ground
from portal.accounts import Action, require
from portal.i18n import gettext
from portal.web.forms import require_fresh_form


@bp.route("/panel/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    require(current_user, Action.EDIT_PANEL_PROFILE)
    form = ProfileForm(data=None if request.method == "POST" else _saved())
    if form.validate_on_submit():
        panel.update_profile(current_user, expertise=form.expertise.data or "",
                             languages=form.languages.data or "", fee_schedule=form.fee_schedule.data or "",
                             base_fee=form.base_fee.data, available=bool(form.available.data),
                             availability_note=form.availability_note.data or "")
        flash(gettext("Your panel listing is saved."), "success")
        return redirect(url_for("tribunal.edit_profile"))
    return _profile_page(form, RelationshipForm(), 422 if form.is_submitted() else 200)


def _saved() -> dict:
    profile, listing = panel.profile_of(current_user), panel.listing_of(current_user)
    return {"expertise": profile.expertise, "languages": profile.languages,
            "fee_schedule": listing.fee_schedule, "base_fee": listing.base_fee,
            "available": listing.available, "availability_note": listing.availability_note}


def _profile_page(form: ProfileForm, rel_form: RelationshipForm, status: int):
    return render_template("arbitration/tribunal/profile.html", form=form, rel_form=rel_form,
                           relationships=conflicts.relationships_of(current_user),
                           declared=DECLARED, withdraw_form=FlaskForm()), status


@bp.post("/panel/relationships")
@login_required
def declare_relationship():
    require(current_user, Action.EDIT_PANEL_PROFILE)
    rel_form = RelationshipForm()
    if not rel_form.validate_on_submit():
        return _profile_page(ProfileForm(formdata=None, data=_saved()), rel_form, 422)
    panel.declare(current_user, ground=Ground(rel_form.ground.data),
                  counterpart_name=rel_form.counterpart_name.data, gstin=rel_form.gstin.data or "",
                  pan=rel_form.pan.data or "", email=rel_form.email.data or "")
    flash(gettext("The relationship is declared; appointments it conflicts with are refused."), "success")
    return redirect(url_for("tribunal.edit_profile"))


@bp.post("/panel/relationships/<int:relationship_id>/withdraw")
@login_required
def withdraw_relationship(relationship_id: int):
    require(current_user, Action.EDIT_PANEL_PROFILE)
    if not any(r.id == relationship_id for r in conflicts.relationships_of(current_user)):
        abort(404, gettext("No such declaration of yours."))  # another neutral's declarations stay hidden
    require_fresh_form()
    panel.withdraw_declaration(current_user, relationship_id)
    flash(gettext("The declaration is withdrawn."), "success")
    return redirect(url_for("tribunal.edit_profile"))


@bp.get("/panel")
@login_required
def browse_panel():
    require(current_user, Action.BROWSE_PANEL)
    expertise = request.args.get("expertise", "")[:100]
    language = request.args.get("language", "")[:50]
    return render_template("arbitration/tribunal/panel.html", expertise=expertise, language=language,
                           entries=panel.browse(expertise, language))


@bp.get("/invitations")
@login_required
def invitations():
    require(current_user, Action.ANSWER_APPOINTMENT)
    return render_template("arbitration/tribunal/invitations.html",
                           invitations=tribunal.invitations_for(current_user))


def _own_invitation(appointment_id: int) -> Appointment:
    require(current_user, Action.ANSWER_APPOINTMENT)
    found = tribunal.invitation(current_user, appointment_id)
    if found is None:  # another neutral's appointment does not exist for this one
        abort(404, gettext("No such invitation."))
    return found


@bp.route("/invitations/<int:appointment_id>", methods=["GET", "POST"])
@login_required
def invitation(appointment_id: int):
    appointment = _own_invitation(appointment_id)
    tribunal.note_notice_received(current_user, appointment)  # s.23(4) runs from this receipt
    form = DisclosureForm(data=None if request.method == "POST" else {
        "name": current_user.name, "contact": current_user.email})
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            tribunal.accept(current_user, appointment, form.answers())
        except tribunal.DisclosureIncomplete as incomplete:
            problems = incomplete.problems
        else:
            flash(gettext("You are the arbitrator in %(reference)s; the parties are told.",
                          reference=appointment.case.reference), "success")
            return redirect(url_for("tribunal.show", reference=appointment.case.reference))
    status = 422 if form.is_submitted() else 200
    return render_template("arbitration/tribunal/invitation.html", appointment=appointment,
                           case=appointment.case, form=form, decline_form=DeclineForm(), problems=problems,
                           conflicts=conflicts.conflicts(appointment.case, current_user)), status


@bp.post("/invitations/<int:appointment_id>/decline")
@login_required
def decline(appointment_id: int):
    appointment = _own_invitation(appointment_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form expired or the reason is too long; please try again."))
    tribunal.decline(current_user, appointment, form.reason.data or "")
    flash(gettext("You declined the appointment."), "success")
    return redirect(url_for("tribunal.invitations"))

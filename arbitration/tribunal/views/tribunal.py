"""The tribunal page of a case (/arbitration/<reference>/tribunal): who is asked or appointed, the
s.12 disclosure and its updates, the s.13(2) challenge window in IST; the institution's appointment,
a party's proposal and the other party's agreement, a challenge and the arbitrator's decision.
The neutral's panel listing and invitations are in panel.py, on the same blueprint.

Thin: parse, authorize with policy.require, call a service, redirect (the request boundary commits).
Works for the debtor with an account and through its personal link alike."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.tribunal import appointments as tribunal
from arbitration.tribunal import authority, challenges, disclosure, panel
from arbitration.tribunal import s11_bundle as s11_bundle_files
from arbitration.tribunal.blueprint import bp
from arbitration.tribunal.disclosure import SIXTH_SCHEDULE
from arbitration.tribunal.forms import ChallengeForm, DecisionForm, DisclosureUpdateForm, NeutralChoiceForm
from arbitration.tribunal.models import ChallengeDecision
from portal.accounts import Action, Side, User, can, require, side_of
from portal.cases import Case, today_ist
from portal.cases import case_for as load
from portal.extensions import db
from portal.formfields import choices
from portal.i18n import gettext
from portal.types import utcnow
from portal.web.forms import require_fresh_form


def neutral_choices(case: Case) -> list:
    none_listed = gettext("no expertise listed")
    return choices([(e.user.id, f"{e.user.name}: {e.profile.expertise or none_listed} "
                     f"({e.profile.languages})") for e in panel.browse(only_available=True)])


def page(case: Case, status: int = 200, **forms):
    """The tribunal page with the forms the viewer may use (a failed one keeps its errors)."""
    current = tribunal.current_appointment(case)
    names = neutral_choices(case)
    if can(current_user, Action.APPOINT_ARBITRATOR, case) and "appoint_form" not in forms:
        forms["appoint_form"] = NeutralChoiceForm()
    if can(current_user, Action.PROPOSE_ARBITRATOR, case) and "propose_form" not in forms:
        forms["propose_form"] = NeutralChoiceForm()
    for key in ("appoint_form", "propose_form"):
        if key in forms:
            forms[key].neutral_id.choices = names
    acting = tribunal.may_act(case, current_user)
    if acting and "update_form" not in forms:
        forms["update_form"] = DisclosureUpdateForm()
    pending_challenge = challenges.pending_challenge(case)
    if acting and pending_challenge and "decision_form" not in forms:
        forms["decision_form"] = DecisionForm()
    window_open = bool(current and current.challenge_deadline and utcnow() <= current.challenge_deadline)
    if (can(current_user, Action.CHALLENGE_ARBITRATOR, case) and current and window_open
            and pending_challenge is None and "challenge_form" not in forms):
        forms["challenge_form"] = ChallengeForm()
    pending = tribunal.pending_appointment(case)
    side = getattr(side_of(current_user, case), "value", None)
    consents = authority.consents(case)
    if (can(current_user, Action.CONSENT_TO_INSTITUTION, case) and current is None and side
            and Side(side) not in consents and not authority.named_in_agreement(case)):
        forms.setdefault("consent_form", FlaskForm())
    return render_template(
        "arbitration/tribunal/show.html", case=case, current=current, pending=pending,
        institution_basis=authority.basis_of_authority(case), court_route=authority.COURT_ROUTE,
        consents=consents, consent_statement=authority.CONSENT_STATEMENT,
        bundle=(current is None and not authority.institution_may_appoint(case)
                and can(current_user, Action.S11_BUNDLE, case)),
        history=tribunal.appointments_for(case), questions=SIXTH_SCHEDULE, acting=acting,
        seventh_schedule=disclosure.declaration_words((current.disclosure or {}).get("seventh_schedule")
                                                      if current else None),
        pending_challenge=pending_challenge, window_open=window_open, side=side,
        may_agree=bool(pending and pending.awaiting_party and side and side != pending.proposed_by_side.value
                       and can(current_user, Action.PROPOSE_ARBITRATOR, case)),
        agree_form=FlaskForm(), **forms), status


@bp.get("/tribunals/awaiting")
@login_required
def awaiting():
    require(current_user, Action.ADMIN_PLATFORM)
    rows = tribunal.cases_awaiting_tribunal()
    return render_template("arbitration/tribunal/awaiting.html", rows=rows,
                           may_appoint=authority.may_appoint_each([case for case, _ in rows]))


@bp.get("/<reference>/tribunal")
@login_required
def show(reference: str):
    return page(load(reference, Action.VIEW_TRIBUNAL))


def _chosen(form: NeutralChoiceForm, case: Case) -> User | None:
    form.neutral_id.choices = neutral_choices(case)
    if not form.validate_on_submit():
        return None
    return db.session.get(User, form.neutral_id.data)


@bp.post("/<reference>/tribunal/appoint")
@login_required
def appoint(reference: str):
    case = load(reference, Action.APPOINT_ARBITRATOR)
    form = NeutralChoiceForm()
    neutral = _chosen(form, case)
    if neutral is None:
        return page(case, 422, appoint_form=form)
    tribunal.appoint_by_institution(current_user, case, neutral)
    flash(gettext("%(name)s is asked to accept the appointment and file the disclosure.", name=neutral.name),
          "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.post("/<reference>/tribunal/institution-consent")
@login_required
def consent_institution(reference: str):
    case = load(reference, Action.CONSENT_TO_INSTITUTION)
    require_fresh_form()
    authority.give_consent(current_user, case)
    flash(gettext("Your side's written agreement that the institution appoints is recorded."), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.get("/<reference>/tribunal/s11-application.zip")
@login_required
def s11_bundle(reference: str):
    case = load(reference, Action.S11_BUNDLE)
    if authority.institution_may_appoint(case) or tribunal.current_appointment(case) is not None:
        abort(409, gettext("The institution may appoint in this case (or the tribunal is constituted): "
                           "there is no application to the court to prepare."))
    data = s11_bundle_files.build(case, today_ist())
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name=f"s11-application-{case.reference}.zip")


@bp.post("/<reference>/tribunal/propose")
@login_required
def propose(reference: str):
    case = load(reference, Action.PROPOSE_ARBITRATOR)
    form = NeutralChoiceForm()
    neutral = _chosen(form, case)
    if neutral is None:
        return page(case, 422, propose_form=form)
    tribunal.propose(current_user, case, neutral)
    flash(gettext("You proposed %(name)s; the other party must agree before they are asked.",
                  name=neutral.name), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.post("/<reference>/tribunal/agree")
@login_required
def agree(reference: str):
    case = load(reference, Action.PROPOSE_ARBITRATOR)
    require_fresh_form()
    pending = tribunal.pending_appointment(case)
    if pending is None:
        abort(409, gettext("There is no proposal waiting for your agreement."))
    tribunal.agree(current_user, pending)
    flash(gettext("You agreed to %(name)s; they are asked to accept.", name=pending.neutral.name), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.post("/<reference>/tribunal/disclosure")
@login_required
def update_disclosure(reference: str):
    case = load(reference, Action.UPDATE_DISCLOSURE)
    form = DisclosureUpdateForm()
    if not form.validate_on_submit():
        return page(case, 422, update_form=form)
    disclosure.file_update(current_user, tribunal.current_appointment(case), form.circumstances.data)
    flash(gettext("Your disclosure is filed and the parties are told."), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.post("/<reference>/tribunal/challenge")
@login_required
def challenge(reference: str):
    case = load(reference, Action.CHALLENGE_ARBITRATOR)
    form = ChallengeForm()
    if not form.validate_on_submit():
        return page(case, 422, challenge_form=form)
    challenges.file(current_user, case, form.reasons.data)
    flash(gettext("Your challenge is filed; the arbitrator decides it first (s.13(2))."), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))


@bp.post("/<reference>/tribunal/challenge/decide")
@login_required
def decide_challenge(reference: str):
    case = load(reference, Action.DECIDE_CHALLENGE)
    pending = challenges.pending_challenge(case)
    if pending is None:
        abort(409, gettext("No challenge is waiting for a decision."))
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in {"upheld", "rejected"}:
        return page(case, 422, decision_form=form)
    done = challenges.decide(current_user, pending, upheld=form.decision.data == "upheld",
                             reasons=form.reasons.data)
    flash(gettext("The challenge is upheld: you have withdrawn.") if done.decision == ChallengeDecision.UPHELD
          else gettext("The challenge is rejected: the proceedings continue."), "success")
    return redirect(url_for("tribunal.show", reference=case.reference))

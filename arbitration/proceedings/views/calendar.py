"""The arbitral proceedings' page and its calendar actions: everyone in the case reads the calendar, the
clocks, hearings, orders and fees; the acting arbitrator sets and extends steps, closes the pleadings,
records fees and extensions and starts the fast track; each party files against its own steps.

Thin: parse, authorize with policy.require, call arbitration.proceedings.conduct, redirect; the request
boundary commits. Works for the debtor with an account and through its personal link alike. Hearings and
orders: hearings.py.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.proceedings import clock_words, clocks, hearings, procedural_orders
from arbitration.proceedings import conduct as proceedings
from arbitration.proceedings.blueprint import bp
from arbitration.proceedings.forms import (
    ExtendStepForm,
    ExtensionForm,
    FeeForm,
    FileStepForm,
    HearingForm,
    OrderForm,
    StepForm,
)
from arbitration.proceedings.models import CalendarStep, ProceedingParty, StepKind
from evidence import UploadRefused
from portal.accounts import Action, can
from portal.cases import Case, today_ist
from portal.cases import case_for as load
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import day, rupees
from portal.i18n import gettext, language, ngettext
from portal.web.boundary import on_refusal
from portal.web.forms import require_fresh_form


def load_step(case: Case, step_id: int) -> CalendarStep:
    step = db.session.get(CalendarStep, step_id)
    if step is None or step.case_id != case.id:
        abort(404, gettext("No such step in this case's calendar."))
    return step


def render_page(case: Case, status: int = 200, **forms):
    today = today_ist()
    ctx = {
        "case": case, "today": today, "record": proceedings.proceedings_for(case),
        "clocks": proceedings.case_clocks(case, today), "steps": proceedings.steps_for(case),
        "hearings": hearings.hearings_for(case), "orders": procedural_orders.orders_for(case),
        "fees": proceedings.fees_for(case), "extensions": proceedings.extensions_for(case),
        "conducts": can(current_user, Action.CONDUCT_PROCEEDINGS, case),
        "takes_part": can(current_user, Action.TAKE_PART_IN_PROCEEDINGS, case),
        "my_party": proceedings.party_of(current_user, case),
        "step_labels": proceedings.STEP_LABELS, "step_title": step_title,
        "clock_label": clock_words.label, "clock_note": clock_words.note,
        "party_labels": {party: gettext(label) for party, label in proceedings.PARTY_LABELS.items()},
        "step_state": clocks.step_state, "to_ist_date": _filed_on,
    }
    ctx["pleadings_closed_on"] = proceedings.pleadings_closed_on(case, ctx["record"])
    ctx |= {name: forms.get(name) or cls(formdata=None) for name, cls in (
        ("step_form", StepForm), ("extend_form", ExtendStepForm), ("file_form", FileStepForm),
        ("hearing_form", HearingForm), ("order_form", OrderForm), ("fee_form", FeeForm),
        ("extension_form", ExtensionForm), ("plain_form", FlaskForm))}
    return render_template("arbitration/proceedings/show.html", **ctx), status


def step_title(step: CalendarStep) -> str:
    """A step's title as the page says it: the arbitrator's own words, or the step's name (its kept
    English, the default title) in the page's language."""
    return gettext(step.title) if step.title == proceedings.STEP_LABELS.get(step.kind) else step.title


def _day(value) -> str:
    """A date in a message, as the page says it (07 Dec 2026; in Hindi 7 दिसंबर 2026)."""
    return day(value, language(), "%d %b %Y")


def _filed_on(value):
    from portal.types import to_ist

    return to_ist(value).date() if value else None


def refused(action: str, form_class: type[FlaskForm] | None = None, form_name: str = ""):
    """How a step a rule of the case refused answers (with `on_refusal`, after the rollback: nothing
    is kept): the page says why (409), with the posted form again when there was one."""
    def render(exc: DomainError, reference: str, **_ids):
        flash(str(exc), "error")
        forms = {form_name: form_class()} if form_class is not None else {}
        return render_page(load(reference, action), 409, **forms)
    return render


def back(case: Case, message: str):
    """The proceedings page again, with what was done."""
    flash(message, "success")
    return redirect(url_for("proceedings.show", reference=case.reference))


def _bad_form(case: Case, **forms):
    return render_page(case, 422, **forms)


@bp.get("/<reference>/proceedings")
@login_required
def show(reference: str):
    return render_page(load(reference, Action.VIEW_PROCEEDINGS))


@bp.post("/<reference>/proceedings/steps")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, StepForm, "step_form"))
def add_step(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    form = StepForm()
    if not form.validate_on_submit():
        return _bad_form(case, step_form=form)
    today = today_ist()
    proceedings.open_proceedings(current_user, case, proceedings.appointment_date(case, today))
    step = proceedings.add_step(current_user, case, kind=StepKind(form.kind.data),
                                party=ProceedingParty(form.party.data), due_on=form.due_on.data,
                                title=form.title.data or "", today=today)
    return back(case, gettext("%(title)s set for %(date)s.", title=step_title(step), date=_day(step.due_on)))


@bp.post("/<reference>/proceedings/steps/<int:step_id>/extend")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, ExtendStepForm, "extend_form"))
def extend_step(reference: str, step_id: int):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    step = load_step(case, step_id)
    form = ExtendStepForm()
    if not form.validate_on_submit():
        return _bad_form(case, extend_form=form)
    proceedings.extend_step(current_user, step, form.due_on.data, today_ist())
    return back(case, gettext("The deadline for %(title)s is now %(date)s.", title=step_title(step),
                              date=_day(step.due_on)))


@bp.post("/<reference>/proceedings/steps/<int:step_id>/file")
@login_required
@on_refusal(refused(Action.TAKE_PART_IN_PROCEEDINGS, FileStepForm, "file_form"))
def file_step(reference: str, step_id: int):

    case = load(reference, Action.TAKE_PART_IN_PROCEEDINGS)
    step = load_step(case, step_id)
    form = FileStepForm()
    if not form.validate_on_submit():
        return _bad_form(case, file_form=form)
    try:
        proceedings.file_step(current_user, step, form.file.data.stream, form.file.data.filename or "",
                              form.description.data or "", today_ist())
    except UploadRefused as exc:
        raise DomainError(str(exc)) from None  # refused like a rule of the case: the page says why
    return back(case, gettext("%(title)s filed. Everyone in the case can now read it.",
                              title=step_title(step)))


@bp.post("/<reference>/proceedings/pleadings/close")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS))
def close_pleadings(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    require_fresh_form()
    proceedings.close_pleadings(current_user, case, today_ist())
    return back(case, gettext("The pleadings are closed; the twelve-month award period (s.29A) runs "
                              "from today."))


@bp.post("/<reference>/proceedings/fast-track/consent")
@login_required
@on_refusal(refused(Action.TAKE_PART_IN_PROCEEDINGS))
def consent_fast_track(reference: str):
    case = load(reference, Action.TAKE_PART_IN_PROCEEDINGS)
    require_fresh_form()
    proceedings.consent_to_fast_track(current_user, case)
    return back(case, gettext("Your agreement to the fast track (s.29B) is recorded."))


@bp.post("/<reference>/proceedings/fast-track")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS))
def start_fast_track(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    require_fresh_form()
    proceedings.start_fast_track(current_user, case)
    return back(case, gettext("The case is on the fast track: documents only, the award within six months."))


@bp.post("/<reference>/proceedings/fees")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, FeeForm, "fee_form"))
def record_fee(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    form = FeeForm()
    if not form.validate_on_submit():
        return _bad_form(case, fee_form=form)
    deposit = proceedings.record_fee_deposit(
        current_user, case, party=ProceedingParty(form.party.data), amount=form.amount.data,
        received_on=form.received_on.data, reference=form.reference.data, today=today_ist())
    return back(case, gettext("Deposit of %(amount)s recorded.", amount=rupees(deposit.amount)))


@bp.post("/<reference>/proceedings/extensions")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, ExtensionForm, "extension_form"))
def record_extension(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _bad_form(case, extension_form=form)
    proceedings.record_extension(current_user, case, form.months.data, clocks.Basis(form.basis.data),
                                 form.note.data or "")
    return back(case, ngettext("Extension of %(num)d month recorded.",
                               "Extension of %(num)d months recorded.", form.months.data))

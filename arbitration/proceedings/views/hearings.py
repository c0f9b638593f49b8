"""Hearings and procedural orders on the proceedings blueprint: the arbitrator schedules a hearing and
records its attendance and minutes, issues signed orders; everyone in the case reads them."""
from __future__ import annotations

from datetime import datetime

from flask import Response, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from arbitration.proceedings import hearings, procedural_orders
from arbitration.proceedings.blueprint import bp
from arbitration.proceedings.forms import HearingForm, MinutesForm, OrderForm
from arbitration.proceedings.models import Hearing, ProceduralOrder
from arbitration.proceedings.views.calendar import _bad_form, back, load, refused
from evidence import store
from portal.accounts import Action, can
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import ist
from portal.i18n import gettext, language
from portal.types import IST
from portal.web.boundary import on_refusal


def load_hearing(case: Case, hearing_id: int) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or hearing.case_id != case.id:
        abort(404, gettext("No such hearing in this case."))
    return hearing


def hearing_page(case: Case, hearing: Hearing, form: MinutesForm | None = None, status: int = 200):
    if form is None:
        rows = {a.participant: a for a in hearing.attendance}
        data = {"minutes": hearing.minutes, "arbitrator_present": True}
        for p in hearings.PARTICIPANTS:
            if p in rows:
                data |= {f"{p}_present": rows[p].present, f"{p}_by": rows[p].attended_by}
        form = MinutesForm(formdata=None, data=data)
    return render_template("arbitration/proceedings/hearing.html", case=case, hearing=hearing, form=form,
                           conducts=can(current_user, Action.CONDUCT_PROCEEDINGS, case),
                           labels={p: gettext(label) for p, label in hearings.PARTICIPANT_LABELS.items()},
                           ends_at=hearings.ends_at(hearing)), status


@bp.post("/<reference>/proceedings/hearings")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, HearingForm, "hearing_form"))
def schedule_hearing(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    form = HearingForm()
    if not form.validate_on_submit():
        return _bad_form(case, hearing_form=form)
    starts_at = datetime.combine(form.date.data, form.time.data, tzinfo=IST)
    hearing = hearings.schedule(current_user, case, starts_at=starts_at,
                                duration_minutes=form.duration_minutes.data,
                                video_link=form.video_link.data, agenda=form.agenda.data or "")
    return back(case, gettext("Hearing scheduled for %(time)s (no. %(number)s).",
                               time=ist(starts_at, language=language()), number=hearing.id))


@bp.get("/<reference>/proceedings/hearings/<int:hearing_id>")
@login_required
def show_hearing(reference: str, hearing_id: int):
    case = load(reference, Action.VIEW_PROCEEDINGS)
    return hearing_page(case, load_hearing(case, hearing_id))


def _minutes_refused(exc: DomainError, reference: str, hearing_id: int):
    form = MinutesForm()  # what was posted, with why it was refused
    form.form_errors.append(str(exc))
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    return hearing_page(case, load_hearing(case, hearing_id), form, 409)


@bp.post("/<reference>/proceedings/hearings/<int:hearing_id>/minutes")
@login_required
@on_refusal(_minutes_refused)
def record_minutes(reference: str, hearing_id: int):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    hearing = load_hearing(case, hearing_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return hearing_page(case, hearing, form, 422)
    hearings.record_minutes(current_user, hearing, attendance=form.attendance(),
                            minutes=form.minutes.data, finalise=bool(form.finalise.data))
    return back(case, gettext("The minutes are final.") if form.finalise.data
                else gettext("Attendance and minutes saved."))


@bp.post("/<reference>/proceedings/orders")
@login_required
@on_refusal(refused(Action.CONDUCT_PROCEEDINGS, OrderForm, "order_form"))
def issue_order(reference: str):
    case = load(reference, Action.CONDUCT_PROCEEDINGS)
    form = OrderForm()
    if not form.validate_on_submit():
        return _bad_form(case, order_form=form)
    order = procedural_orders.issue(current_user, case, form.text.data)
    return back(case, gettext("Procedural Order No. %(number)s signed and issued.", number=order.number))


@bp.get("/<reference>/proceedings/orders/<int:number>.pdf")
@login_required
def order_pdf(reference: str, number: int):

    case = load(reference, Action.VIEW_PROCEEDINGS)
    order = db.session.scalar(select(ProceduralOrder).where(ProceduralOrder.case_id == case.id,
                                                            ProceduralOrder.number == number))
    if order is None:
        abort(404, gettext("No such procedural order."))
    with store().open(order.signed_pdf_sha256) as fh:
        data = fh.read()
    name = f"procedural-order-{number}-{case.reference}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

"""Case list, case page, status actions and the case's audit trail."""
from __future__ import annotations

from contextlib import nullcontext

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal import audit
from portal.accounts import Action, Role, can, require
from portal.cases import listing, states
from portal.cases.assignment import engaged_advocates, last_decline
from portal.cases.assignment_forms import AssignAdvocateForm, BulkAssignForm
from portal.cases.hooks import case_list_parts, case_page_parts
from portal.cases.intake import today_ist
from portal.cases.models import Case
from portal.cases.position import position
from portal.cases.reckoning import case_limitation
from portal.cases.services import visible_cases
from portal.cases.states import CaseStatus
from portal.cases.transitions import actor_role, fire
from portal.database import replica_reads
from portal.extensions import db
from portal.i18n import N_, gettext, language
from portal.i18n import lazy_gettext as _l
from portal.paging import BadCursor, PageArgs
from portal.tabular import csv_text
from portal.types import to_ist
from portal.web.forms import ConfirmForm, require_fresh_form
from portal.web.labels import label

bp = Blueprint("cases", __name__, url_prefix="/cases")


def load_case(reference: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        abort(404, N_("No such case."))
    return case


@bp.get("/")
@login_required
def list_cases():
    require(current_user, Action.VIEW_CASE)
    try:
        query = listing.parse(request.args)
    except listing.BadListQuery as exc:
        abort(400, str(exc))
    if request.args.get("format") == "csv":
        return export_csv(query)
    return render_list(query=query)


def export_csv(query: listing.ListQuery) -> Response:
    """The filtered list as CSV (every cell neutralised against spreadsheet formulas)."""
    today = today_ist()
    rows = listing.export_rows(db.session, visible_cases(current_user), query, today)
    body = csv_text(
        ["Reference", "Debtor", "GSTIN", "Status", "Advocate", "Invoiced (INR)", "Outstanding (INR)",
         "Oldest unpaid due date", "Ageing", "Opened (IST)"],
        ([r.case.reference, r.debtor_name, r.debtor_gstin or "", r.case.status.value, r.advocate_name or "",
          str(r.invoiced), str(r.outstanding), r.oldest_due.isoformat() if r.oldest_due else "",
          listing.bucket_label(r.oldest_due, r.outstanding, today),
          to_ist(r.case.created_at).strftime("%Y-%m-%d %H:%M")] for r in rows))
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="cases-{today.isoformat()}.csv"'})


def render_list(*, bulk_form=None, status: int = 200, query: listing.ListQuery | None = None):
    """The case list (searched, filtered, sorted, a page of 50); a creditor ticks cases to assign them
    an advocate (the form comes back here with its errors)."""
    query = query or listing.ListQuery()
    today = today_ist()
    visible = visible_cases(current_user)
    # The advocate's list (the cases of every organisation that engaged it) only shows: a second
    # behind is fine, so it reads the replica when there is one. A creditor acts on its list here.
    with replica_reads() if current_user.role == Role.ADVOCATE else nullcontext():
        page = listing.page(db.session, visible, query, today)
    org_id = current_user.org_id if current_user.role == Role.CREDITOR else None
    debtors, advocates = listing.choices(db.session, visible, org_id)
    owners = listing.owner_choices(db.session, current_user)
    if bulk_form is None and can(current_user, Action.ASSIGN_ADVOCATES):
        bulk_form = BulkAssignForm(formdata=None)
        bulk_form.advocate_id.offer(engaged_advocates(current_user.org_id))
    ticked = set(bulk_form.case_ids) if bulk_form is not None and bulk_form.cases.data else set()
    return render_template(
        "cases/list.html", page=page, cases=page.rows, query=query, debtors=debtors, advocates=advocates,
        owners=owners, **case_list_parts.collect(current_user, [r.case.id for r in page.rows], today),
        statuses=list(CaseStatus), sorts=listing.SORTS, ageing=listing.AGEING, today=today,
        bucket_label=listing.bucket_label, filtered=bool(query.params()),
        bulk_form=bulk_form, ticked=ticked), status


def amount_due(case: Case):
    """The case's position today (the figures every page shows), the claim's limitation per invoice,
    and why the claim cannot be computed (None when it can, or when it lists no invoices yet)."""
    pos = position(case, today_ist())
    limitation = case_limitation(case, pos.as_of, pos.computation) if pos.computation else None
    return pos, limitation, pos.problem if case.invoices else None


def render_case(case: Case, *, payment_form=None, ack_form=None, justification_form=None,
                advocate_form=None, payment_ack_form=None, status: int = 200):
    """The case page; action forms come back here with their errors (status 422)."""
    from portal.cases.record_forms import (
        AcknowledgementForm,
        JustificationForm,
        PaymentAcknowledgementForm,
        PaymentForm,
    )

    role = Role(current_user.role)
    actions = states.available(case, role)
    pos, limitation, problem = amount_due(case)
    can_assign = can(current_user, Action.ASSIGN_ADVOCATE, case)
    if advocate_form is None and can_assign:
        advocate_form = AssignAdvocateForm(formdata=None, current=str(case.advocate_id or ""))
        advocate_form.advocate_id.offer(engaged_advocates(case.creditor_org_id), default=case.advocate)
    return render_template(
        "cases/show.html", case=case, actions=actions, confirm_first=states.CONFIRM_FIRST, form=FlaskForm(),
        pos=pos, computation=pos.computation, limitation=limitation, computation_problem=problem,
        can_record=can(current_user, Action.RECORD_CASE_EVENT, case),
        can_edit=can(current_user, Action.EDIT_CASE, case),
        can_justify=can(current_user, Action.JUSTIFY_TIME_BAR, case),
        payment_form=payment_form or PaymentForm(formdata=None).for_case(case),
        ack_form=ack_form or AcknowledgementForm(formdata=None).for_case(case),
        payment_ack_form=payment_ack_form or PaymentAcknowledgementForm(formdata=None).for_case(case),
        justification_form=justification_form or JustificationForm(formdata=None).for_case(case),
        odr_links=odr_links(case), **case_page_parts.collect(current_user, case),
        can_assign=can_assign, advocate_form=advocate_form,
        can_decline=can(current_user, Action.DECLINE_CASE, case),
        decline=decline_for(case),
    ), status


def decline_for(case: Case):
    """Why the last advocate declined: for the creditor, the institution and that advocate only (not
    the debtor, a neutral, or another advocate of the pool)."""
    decline = last_decline(case)
    if decline is None or current_user.role in (Role.CREDITOR, Role.ADMIN):
        return decline
    return decline if decline.advocate_id == current_user.id else None


def odr_links(case: Case) -> list[tuple[str, str]]:
    """(label, url) of the room, settlement and payments pages this user may open on the case."""
    links = []
    can_open = (case.status in states.transition_for("open_negotiation").sources
                and can(current_user, "transition:open_negotiation", case))
    if can_open or can(current_user, Action.VIEW_ODR_ROOM, case):
        links.append((gettext("ODR room: messages, offers, bidding"),
                      url_for("odr.room", reference=case.reference)))
    if can(current_user, Action.VIEW_SETTLEMENT, case):
        links.append((gettext("Settlement agreement and instalments"),
                      url_for("settlement.show", reference=case.reference)))
    if can(current_user, Action.VIEW_PAYMENTS, case) and current_user.role != Role.DEBTOR:
        links.append((gettext("Payments reported and received"), url_for("payments.list_payments",
                                                                          reference=case.reference)))
    return links + arbitration_links(case)


ARBITRATION_PAGES = (
    (Action.VIEW_TRIBUNAL, "tribunal.show", _l("Arbitral tribunal: appointment, disclosure, challenges")),
    (Action.VIEW_PROCEEDINGS, "proceedings.show", _l("Proceedings: calendar, filings, hearings, orders")),
    (Action.VIEW_AWARD, "awards.show", _l("Arbitral award")),
)


def arbitration_links(case: Case) -> list[tuple[str, str]]:
    """The invocation page once arbitration may be invoked; the tribunal, proceedings and award
    pages once it has been."""
    links = []
    may_invoke = case.status in states.transition_for("invoke_arbitration").sources
    invoked = case.status in {CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED} or (
        case.status == CaseStatus.CLOSED and case.arbitration_basis is not None)
    if (may_invoke or invoked) and can(current_user, Action.VIEW_ARBITRATION_BASIS, case):
        links.append((gettext("Arbitration: the agreement and the notice invoking it"),
                      url_for("invocation.show", reference=case.reference)))
    if invoked:
        links += [(str(words), url_for(endpoint, reference=case.reference))
                  for action, endpoint, words in ARBITRATION_PAGES if can(current_user, action, case)]
    return links


@bp.get("/<reference>")
@login_required
def show_case(reference: str):
    case = load_case(reference)
    require(current_user, Action.VIEW_CASE, case)
    return render_case(case)


@bp.post("/<reference>/actions/<action>")
@login_required
def transition_case(reference: str, action: str):
    case = load_case(reference)
    require(current_user, f"transition:{action}", case)
    if not states.transition_for(action).manual:
        raise states.IllegalTransition(gettext(
            "“%(action)s” happens through its own workflow, not from the case page.",
            action=gettext(states.transition_for(action).label)), action=action, status=case.status)
    if action in states.CONFIRM_FIRST:  # never one click: the page that asks first, with a reason
        states.check(case, action, actor_role(current_user))
        return redirect(url_for("cases.confirm_transition", reference=reference, action=action))
    require_fresh_form()
    t = fire(case, action, current_user)
    flash(_done(t.label, case), "success")
    return redirect(url_for("cases.show_case", reference=reference))


@bp.route("/<reference>/actions/<action>/confirm", methods=["GET", "POST"])
@login_required
def confirm_transition(reference: str, action: str):
    """Withdraw the claim, mark it paid: a page that says what follows and asks for the reason;
    its POST fires the transition with the reason in the audit event."""
    case = load_case(reference)
    require(current_user, f"transition:{action}", case)
    if action not in states.CONFIRM_FIRST:
        abort(404, N_("This action needs no confirmation page."))
    t = states.check(case, action, actor_role(current_user))   # 409 with why, before asking
    form = ConfirmForm()
    if form.validate_on_submit():
        fire(case, action, current_user, payload={"reason": form.reason.data})
        flash(_done(t.label, case), "success")
        return redirect(url_for("cases.show_case", reference=reference))
    return render_template("cases/confirm_action.html", case=case, transition=t, form=form,
                           consequence=CONSEQUENCES[action]), 422 if form.errors else 200


def _done(action: str, case: Case) -> str:
    return gettext("%(action)s: done. The case is now %(status)s.", action=gettext(action),
                   status=label(case.status, language()))


CONSEQUENCES = {
    "withdraw": _l("The claim ends here: no notice, reminder or payment request goes out on it any more, "
                   "and it cannot be reopened. To claim again you would file a new case."),
    "mark_paid": _l("The case is recorded as paid in full: the debtor is no longer asked to pay and the "
                    "amount due is no longer shown as owed. Record any money received on the case page "
                    "first."),
}


@bp.get("/<reference>/audit")
@login_required
def case_audit(reference: str):
    case = load_case(reference)
    require(current_user, Action.VIEW_AUDIT, case)
    try:
        page = audit.events_page(case.id, PageArgs.of_page(request.args))
    except BadCursor as exc:
        abort(400, str(exc))
    return render_template("cases/audit.html", case=case, page=page, events=page.rows)

"""The ODR room's offers page: a party's offers and counters, the conciliator's proposal, and the
answers to them (accept, reject, withdraw). Blind bidding's pages share this blueprint
(arbitration/odr/views/bidding.py). Thin: parse, authorize, call arbitration.odr.offers, redirect (the
request boundary commits)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from arbitration.odr import offers as service
from arbitration.odr.blueprint import offers_bp as bp
from arbitration.odr.forms import OfferForm
from arbitration.odr.models.offers import Offer
from arbitration.odr.states import OfferStatus
from arbitration.settlement.terms import TermsError
from portal.accounts import Action, Role, Side, can, side_of
from portal.cases import Case, today_ist
from portal.cases import case_for as load_case
from portal.i18n import gettext, language
from portal.types import utcnow
from portal.web.filters import inr
from portal.web.forms import require_fresh_form


def load_offer(case: Case, offer_id: int) -> Offer:
    offer = service.offer_in_case(case, offer_id)
    if offer is None:
        abort(404, "No such offer in this case.")
    return offer


def acting_side(case: Case) -> Side:
    side = side_of(current_user, case)
    if side is None:  # policy let them act, so they sit on a side; refuse rather than guess
        abort(403, "You do not take part in this case's negotiation.")
    return side


def checked_form() -> None:
    """The plain buttons (accept, reject, ...) carry only the CSRF token."""
    require_fresh_form()


def render_offers(case: Case, *, form: OfferForm | None = None, counter: Offer | None = None,
                  proposal_form: OfferForm | None = None, status: int = 200):
    may_offer = can(current_user, Action.NEGOTIATE, case)
    may_propose = can(current_user, Action.PROPOSE_AS_NEUTRAL, case)
    everything = service.offers_for(case)
    # People count a case's offers from 1, in the order they were made; the row id is no number to show.
    numbers = {o.id: n for n, o in enumerate(sorted(everything, key=lambda o: o.id), start=1)}
    return render_template(
        "arbitration/offers.html", case=case, section="offers", viewer=side_of(current_user, case),
        numbers=numbers,
        live=[o for o in everything if o.status == OfferStatus.LIVE],
        past=[o for o in everything if o.status != OfferStatus.LIVE], now=utcnow(),
        ceiling=service.claim_ceiling(case), may_offer=may_offer, may_propose=may_propose,
        form=form or (OfferForm(formdata=None) if may_offer else None), counter=counter,
        proposal_form=proposal_form or (OfferForm(formdata=None) if may_propose else None)), status


@bp.get("/<reference>/offers")
@login_required
def list_offers(reference: str):
    case = load_case(reference, Action.VIEW_ODR_ROOM)
    counter = None
    if request.args.get("counter", "").isdigit() and can(current_user, Action.NEGOTIATE, case):
        counter = service.offer_in_case(case, int(request.args["counter"]))
        if counter is not None and (counter.status != OfferStatus.LIVE or counter.is_proposal
                                    or counter.side == side_of(current_user, case)):
            counter = None
    return render_offers(case, counter=counter)


def _submit(case: Case, form: OfferForm, side: Side, parent: Offer | None, *, proposal: bool):
    """Make the offer the form describes; the form again with its errors (422) when it does not add up."""
    terms = form.terms(today_ist()) if form.validate_on_submit() else None
    if terms is not None:
        try:
            offer = service.make_offer(case, side=side, terms=terms, actor=current_user,
                                       valid_until=form.valid_until(today_ist()), note=form.note.data or "",
                                       parent=parent)
        except TermsError as exc:
            form.form_errors.append(str(exc))
        else:
            amount = inr(offer.total, language())
            if proposal:
                flash(gettext("Your proposal of %(amount)s is on the table.", amount=amount), "success")
            elif parent:
                flash(gettext("Your counter-offer of %(amount)s is on the table.", amount=amount), "success")
            else:
                flash(gettext("Your offer of %(amount)s is on the table.", amount=amount), "success")
            return redirect(url_for("offers.list_offers", reference=case.reference))
    if proposal:
        return render_offers(case, proposal_form=form, status=422)
    return render_offers(case, form=form, counter=parent, status=422)


@bp.post("/<reference>/offers")
@login_required
def make_offer(reference: str):
    case = load_case(reference, Action.NEGOTIATE)
    return _submit(case, OfferForm(), acting_side(case), None, proposal=False)


@bp.post("/<reference>/offers/<int:offer_id>/counter")
@login_required
def counter_offer(reference: str, offer_id: int):
    case = load_case(reference, Action.NEGOTIATE)
    parent = load_offer(case, offer_id)
    return _submit(case, OfferForm(), acting_side(case), parent, proposal=False)


@bp.post("/<reference>/proposals")
@login_required
def propose(reference: str):
    case = load_case(reference, Action.PROPOSE_AS_NEUTRAL)
    return _submit(case, OfferForm(), Side.NEUTRAL, None, proposal=True)


@bp.post("/<reference>/offers/<int:offer_id>/accept")
@login_required
def accept_offer(reference: str, offer_id: int):
    case = load_case(reference, Action.NEGOTIATE)
    offer = load_offer(case, offer_id)
    checked_form()
    side = acting_side(case)
    agreement = service.accept_offer(offer, side=side, actor=current_user)
    if agreement is None:
        flash(gettext("Your acceptance is recorded. The proposal settles once the other party accepts it "
                      "too."), "success")
        return redirect(url_for("offers.list_offers", reference=case.reference))
    flash(gettext("Accepted: %(amount)s. The settlement agreement is ready for signatures.",
                  amount=inr(offer.total, language())), "success")
    if "settlement.show" in current_app.view_functions:
        return redirect(url_for("settlement.show", reference=case.reference))
    return redirect(url_for("offers.list_offers", reference=case.reference))


@bp.post("/<reference>/offers/<int:offer_id>/reject")
@login_required
def reject_offer(reference: str, offer_id: int):
    case = load_case(reference, Action.NEGOTIATE)
    offer = load_offer(case, offer_id)
    checked_form()
    side = acting_side(case)
    service.reject_offer(offer, side=side, actor=current_user)
    flash(gettext("You rejected the offer. You can make one of your own."), "success")
    return redirect(url_for("offers.list_offers", reference=case.reference))


@bp.post("/<reference>/offers/<int:offer_id>/withdraw")
@login_required
def withdraw_offer(reference: str, offer_id: int):
    action = Action.PROPOSE_AS_NEUTRAL if current_user.role == Role.NEUTRAL else Action.NEGOTIATE
    case = load_case(reference, action)
    offer = load_offer(case, offer_id)
    checked_form()
    service.withdraw_offer(offer, side=acting_side(case), actor=current_user)
    flash(gettext("Withdrawn."), "success")
    return redirect(url_for("offers.list_offers", reference=case.reference))

"""Blind bidding's pages, on the offers blueprint: propose, agree or decline, seal a figure each
round, and follow the results. A viewer's page shows only its own side's figures; the JSON shows
none, so nothing a browser, script or proxy keeps can reveal the other side's figure."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from arbitration.odr import blind_bidding as service
from arbitration.odr.bidding_rules import RoundResult
from arbitration.odr.blueprint import offers_bp as bp
from arbitration.odr.forms import BiddingProposalForm, BidForm
from arbitration.odr.models.offers import BiddingAgreement
from arbitration.odr.views.offers import acting_side, checked_form, load_case
from portal.accounts import Action, can, side_of
from portal.cases import Case
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l
from portal.web.filters import inr

RESULT_FLASH = {
    RoundResult.WAITING: _l("Your figure is sealed. The round is decided once the other side seals theirs."),
    RoundResult.NO_DEAL: _l("No settlement in that round. Neither side sees the other's figure; "
                            "the next round is open."),
    RoundResult.EXHAUSTED: _l("No settlement in the last round: blind bidding has ended without agreement. "
                              "Neither side sees the other's figure."),
}


def load_agreement(case: Case, agreement_id: int) -> BiddingAgreement:
    agreement = service.agreement_in_case(case, agreement_id)
    if agreement is None:
        abort(404, "No such bidding in this case.")
    return agreement


def render_bidding(case: Case, *, proposal_form: BiddingProposalForm | None = None,
                   bid_form: BidForm | None = None, status: int = 200):
    viewer = side_of(current_user, case)
    may_bid = can(current_user, Action.NEGOTIATE, case)
    agreements = service.agreements_for(case)
    current = service.open_agreement(case)
    return render_template(
        "arbitration/bidding.html", case=case, section="bidding", viewer=viewer, may_bid=may_bid,
        views=[service.view_for(a, viewer) for a in agreements], current=current,
        ceiling=service.claim_ceiling(case),
        proposal_form=proposal_form or (BiddingProposalForm(formdata=None) if may_bid and current is None
                                        else None),
        bid_form=bid_form or BidForm(formdata=None)), status


@bp.get("/<reference>/bidding")
@login_required
def bidding(reference: str):
    return render_bidding(load_case(reference, Action.VIEW_ODR_ROOM))


@bp.get("/<reference>/bidding.json")
@login_required
def bidding_status(reference: str):
    case = load_case(reference, Action.VIEW_ODR_ROOM)
    viewer = side_of(current_user, case)
    return jsonify({"case": case.reference,
                    "biddings": [service.status_json(a, viewer) for a in service.agreements_for(case)]})


@bp.post("/<reference>/bidding")
@login_required
def propose_bidding(reference: str):
    case = load_case(reference, Action.NEGOTIATE)
    form = BiddingProposalForm()
    if form.validate_on_submit():
        percent = form.gap if form.gap_kind.data == "percent" else 0
        amount = form.gap if form.gap_kind.data == "amount" else 0
        side = acting_side(case)
        try:
            service.propose_bidding(case, side=side, actor=current_user, rounds=form.rounds.data,
                                    gap_percent=percent, gap_amount=amount,
                                    pay_within_days=form.pay_within_days.data)
        except service.BiddingError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("Blind bidding proposed. It starts when the other side agrees."), "success")
            return redirect(url_for("offers.bidding", reference=case.reference))
    return render_bidding(case, proposal_form=form, status=422)


def _answer(reference: str, agreement_id: int, move, message: str):
    case = load_case(reference, Action.NEGOTIATE)
    agreement = load_agreement(case, agreement_id)
    checked_form()
    side = acting_side(case)
    move(agreement, side=side, actor=current_user)
    flash(message, "success")
    return redirect(url_for("offers.bidding", reference=case.reference))


@bp.post("/<reference>/bidding/<int:agreement_id>/agree")
@login_required
def agree_bidding(reference: str, agreement_id: int):
    return _answer(reference, agreement_id, service.agree_bidding,
                   gettext("Both sides have agreed: round 1 is open. Seal your figure."))


@bp.post("/<reference>/bidding/<int:agreement_id>/decline")
@login_required
def decline_bidding(reference: str, agreement_id: int):
    return _answer(reference, agreement_id, service.decline_bidding,
                   gettext("You declined blind bidding."))


@bp.post("/<reference>/bidding/<int:agreement_id>/withdraw")
@login_required
def withdraw_bidding(reference: str, agreement_id: int):
    return _answer(reference, agreement_id, service.withdraw_bidding,
                   gettext("Your bidding proposal is withdrawn."))


@bp.post("/<reference>/bidding/<int:agreement_id>/bids")
@login_required
def submit_bid(reference: str, agreement_id: int):
    case = load_case(reference, Action.NEGOTIATE)
    agreement = load_agreement(case, agreement_id)
    form = BidForm()
    if form.validate_on_submit():
        side = acting_side(case)
        try:
            result = service.submit_bid(agreement, side=side, amount=form.amount.amount, actor=current_user)
        except service.BiddingError as exc:
            form.amount.errors = [*form.amount.errors, str(exc)]
        else:
            if result == RoundResult.SETTLED:
                flash(gettext("Settled at %(amount)s, the midpoint of the two figures. The settlement "
                              "agreement is ready for signatures.",
                              amount=inr(agreement.settled_amount, language())), "success")
                if "settlement.show" in current_app.view_functions:
                    return redirect(url_for("settlement.show", reference=case.reference))
            else:
                flash(str(RESULT_FLASH[result]), "success")
            return redirect(url_for("offers.bidding", reference=case.reference))
    return render_bidding(case, bid_form=form, status=422)

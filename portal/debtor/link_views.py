"""The creditor's side of the debtor's personal links: revoke one, after a page that asks first and
takes the reason (issue 16, item 7). The links are listed on the case page (a case-page part)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from notices import Dispatch
from portal.accounts import Action, can
from portal.cases import case_for
from portal.debtor import links
from portal.debtor.models import DebtorLink
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext
from portal.web.forms import ConfirmForm

bp = Blueprint("debtor_links", __name__)


def case_part(user, case) -> list[tuple[DebtorLink, Dispatch | None, bool]]:
    """(link, the dispatch that carried it, live?) for those who may revoke them; else nothing."""
    if not can(user, Action.REVOKE_DEBTOR_LINK, case):
        return []
    return [(link, db.session.get(Dispatch, link.dispatch_id) if link.dispatch_id else None,
             links.is_live(link)) for link in links.of_case(case.id)]


@bp.route("/cases/<reference>/links/<int:link_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(reference: str, link_id: int):
    case = case_for(reference, Action.REVOKE_DEBTOR_LINK)
    link = db.session.get(DebtorLink, link_id)
    if link is None or link.case_id != case.id:
        abort(404, "No such link.")
    if link.revoked_at is not None or not links.is_live(link):   # 409 with why, before asking
        raise DomainError("This link opens nothing already: it was revoked or has expired.")
    form = ConfirmForm()
    if form.validate_on_submit():
        links.revoke(current_user, link, form.reason.data)
        flash(gettext("Link revoked: it opens nothing any more, and a session opened with it has ended. "
                      "Serving the notice again sends a new link."), "success")
        return redirect(url_for("cases.show_case", reference=case.reference))
    dispatch = db.session.get(Dispatch, link.dispatch_id) if link.dispatch_id else None
    return render_template("debtor/revoke_link.html", case=case, link=link, dispatch=dispatch,
                           form=form), 422 if form.errors else 200

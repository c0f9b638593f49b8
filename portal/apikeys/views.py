"""The organisation administrator's API keys page: list, create (the key shown once), revoke."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, require
from portal.apikeys import services
from portal.apikeys.forms import NewKeyForm, RevokeKeyForm
from portal.web.boundary import attempt

bp = Blueprint("apikeys", __name__, url_prefix="/account/api-keys")


def _page(form: NewKeyForm | None = None, *, created: tuple | None = None,
          revoke_form: RevokeKeyForm | None = None, revoking: int | None = None, status: int = 200):
    return render_template("apikeys/index.html", form=form or NewKeyForm(formdata=None),
                           keys=services.org_keys(current_user.org_id), created=created,
                           revoke_form=revoke_form or RevokeKeyForm(formdata=None),
                           revoking=revoking, scopes=services.SCOPES), status


@bp.get("")
@login_required
def index():
    require(current_user, Action.MANAGE_ORG)
    return _page()


@bp.post("")
@login_required
def create():
    require(current_user, Action.MANAGE_ORG)
    form = NewKeyForm()
    if form.validate_on_submit():
        made = attempt(lambda: services.create_key(current_user, form.name.data, form.scopes.data),
                       form.name.errors)
        if made is not None:  # the secret is on this page only: it is never stored or shown again
            return _page(created=made, status=201)
    return _page(form, status=422)


@bp.post("/<int:key_id>/revoke")
@login_required
def revoke(key_id: int):
    require(current_user, Action.MANAGE_ORG)
    key = services.key_of_org(current_user.org_id, key_id)
    if key is None:
        abort(404)
    form = RevokeKeyForm()
    if form.validate_on_submit():
        attempt(lambda: services.revoke(current_user, key, form.reason.data), form.reason.errors)
        if not form.reason.errors:
            flash(f"The key {key.prefix} is revoked: calls with it are refused from now on.",
                  "success")
            return redirect(url_for("apikeys.index"))
    return _page(revoke_form=form, revoking=key.id, status=422)

"""The organisation administrator's webhooks pages: the endpoints (add one: its secret shown once),
and each endpoint's page (its deliveries with every attempt, replay, rotate the secret, disable)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, require
from portal.types import utcnow
from portal.web.boundary import attempt
from portal.webhooks import services
from portal.webhooks.events import EVENT_TYPES
from portal.webhooks.forms import ConfirmForm, EndpointForm

bp = Blueprint("outbound_webhooks", __name__, url_prefix="/account/webhooks")


def _endpoint(endpoint_id: int):
    require(current_user, Action.MANAGE_ORG)
    endpoint = services.endpoint_of_org(current_user.org_id, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _index(form: EndpointForm | None = None, *, created: tuple | None = None, status: int = 200):
    return render_template("webhooks/index.html", form=form or EndpointForm(formdata=None),
                           endpoints=services.endpoints_of_org(current_user.org_id), created=created,
                           event_types=EVENT_TYPES), status


def _show(endpoint, *, secret: str | None = None, errors: list[str] | None = None,
          form: EndpointForm | None = None, status: int = 200):
    if form is None:
        form = EndpointForm(formdata=None, data={"url": endpoint.url, "description": endpoint.description,
                                                 "event_types": sorted(endpoint.type_set)})
    return render_template("webhooks/endpoint.html", endpoint=endpoint, secret=secret,
                           deliveries=services.recent_deliveries(endpoint), errors=errors or [],
                           confirm=ConfirmForm(formdata=None), form=form, event_types=EVENT_TYPES,
                           now=utcnow()), status


@bp.get("")
@login_required
def index():
    require(current_user, Action.MANAGE_ORG)
    return _index()


@bp.post("")
@login_required
def create():
    require(current_user, Action.MANAGE_ORG)
    form = EndpointForm()
    if form.validate_on_submit():
        made = attempt(lambda: services.register(current_user, form.url.data, form.event_types.data,
                                                 form.description.data or ""), form.url.errors)
        if made is not None:  # the secret is on this page only; it is kept encrypted, never shown again
            return _index(created=made, status=201)
    return _index(form, status=422)


@bp.get("/<int:endpoint_id>")
@login_required
def show(endpoint_id: int):
    return _show(_endpoint(endpoint_id))


@bp.post("/<int:endpoint_id>")
@login_required
def edit(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    form = EndpointForm()
    if form.validate_on_submit():
        attempt(lambda: services.change(current_user, endpoint, form.url.data, form.event_types.data,
                                        form.description.data or ""), form.url.errors)
        if not form.url.errors:
            flash("The endpoint is changed; its signing secret is the same.", "success")
            return redirect(url_for("outbound_webhooks.show", endpoint_id=endpoint.id))
    return _show(endpoint, form=form, status=422)


@bp.post("/<int:endpoint_id>/rotate")
@login_required
def rotate(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    if not ConfirmForm().validate_on_submit():
        return _show(endpoint, errors=["The form had expired; try again."], status=422)
    return _show(endpoint, secret=services.rotate_secret(current_user, endpoint))


@bp.post("/<int:endpoint_id>/<any(disable, enable):change>")
@login_required
def set_active(endpoint_id: int, change: str):
    endpoint = _endpoint(endpoint_id)
    errors: list[str] = []
    if not ConfirmForm().validate_on_submit():
        errors.append("The form had expired; try again.")
    else:
        attempt(lambda: services.set_active(current_user, endpoint, change == "enable"), errors)
    if errors:
        return _show(endpoint, errors=errors, status=409)
    flash("The endpoint is enabled: new events are sent to it." if change == "enable" else
          "The endpoint is disabled: no events are sent to it until you enable it.", "success")
    return redirect(url_for("outbound_webhooks.show", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
@login_required
def replay(endpoint_id: int, delivery_id: int):
    endpoint = _endpoint(endpoint_id)
    delivery = services.delivery_of_endpoint(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    errors: list[str] = []
    if not ConfirmForm().validate_on_submit():
        errors.append("The form had expired; try again.")
    else:
        attempt(lambda: services.replay(current_user, delivery), errors)
    if errors:
        return _show(endpoint, errors=errors, status=409)
    flash(f"The event {delivery.event.public_id} is sent again, with the same id.", "success")
    return redirect(url_for("outbound_webhooks.show", endpoint_id=endpoint.id))

"""The attention list's one action: dismiss an item (it stays in the record as resolved)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from portal.i18n import gettext
from portal.notifications import access
from portal.types import utcnow
from portal.urls import safe_next

bp = Blueprint("notifications", __name__)


@bp.post("/attention/<int:item_id>/dismiss")
@login_required
def dismiss(item_id: int):
    if access.dismiss(current_user, item_id, utcnow()) is None:
        abort(404)
    flash(gettext("Removed from your list."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("web.dashboard"))

"""/dev/outbox: read what Sulah sent, in the browser (development only)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from portal.dev import outbox

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
def outbox_list():
    items = outbox.list_items(current_app.config["OUTBOX_PATH"])
    return render_template("dev/outbox.html", items=items)


@bp.get("/outbox/<name>")
def outbox_show(name: str):
    path = outbox.find(current_app.config["OUTBOX_PATH"], name)
    if path is None:
        abort(404, "No such message in the outbox.")
    msg = outbox.parse(path)
    return render_template("dev/message.html", msg=msg, name=name, body=outbox.body_text(msg))

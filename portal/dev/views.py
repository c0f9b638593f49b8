"""/dev/outbox: read the mail, SMS and WhatsApp messages Sulah sent, in the browser (development only)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, send_file

from portal.dev import outbox

bp = Blueprint("dev", __name__, url_prefix="/dev")
_MISSING = "No such message in the outbox."


def _message(name: str):
    path = outbox.find(current_app.config["OUTBOX_PATH"], name)
    if path is None:
        abort(404, _MISSING)
    return outbox.parse(path)


@bp.get("/outbox")
def outbox_list():
    folder = current_app.config["OUTBOX_PATH"]
    texts = [(channel, outbox.list_texts(folder, channel)) for channel in outbox.TEXT_CHANNELS]
    return render_template("dev/outbox.html", items=outbox.list_items(folder), folder=folder, texts=texts,
                           linkify=outbox.linkify)


@bp.get("/outbox/whatsapp/<name>/document")
def outbox_document(name: str):
    """The PDF a WhatsApp message carried; `name` is the outbox message id."""
    path = outbox.find_document(current_app.config["OUTBOX_PATH"], "whatsapp", name)
    if path is None:
        abort(404, "No such document in the outbox.")
    # A download, like mail attachments: the page never renders what was sent.
    return send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{name}.pdf")


@bp.get("/outbox/<name>")
def outbox_show(name: str):
    msg = _message(name)
    return render_template("dev/message.html", msg=msg, name=name,
                           received=outbox.received_at(name),
                           body=outbox.linkify(outbox.body_text(msg)),
                           attachments=[a for a, _ in outbox.attachments(msg)])


@bp.get("/outbox/<name>/attachments/<int:index>")
def outbox_attachment(name: str, index: int):
    parts = outbox.attachments(_message(name))
    if index >= len(parts):
        abort(404, "That message has no such attachment.")
    info, part = parts[index]
    # Always a download, never rendered inline: the content came from outside the page.
    return send_file(io.BytesIO(part.get_payload(decode=True) or b""), mimetype=info.content_type,
                     as_attachment=True, download_name=info.filename)

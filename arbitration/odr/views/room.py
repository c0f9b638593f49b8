"""The ODR room's pages: the messages (threaded, with attachments and read markers), the polling feed,
opening the room, and asking for a conciliator. The private sessions and the institution's
appointment of a neutral are in caucus.py and appointment.py, on the same blueprint."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from arbitration.odr import conciliation, room
from arbitration.odr.blueprint import bp
from arbitration.odr.forms import ConciliationForm, MessageForm
from arbitration.odr.models.room import Channel, Message
from evidence import UploadRefused
from portal.accounts import Action, can, require
from portal.cases import Case, CaseStatus, fire, load_case
from portal.extensions import db
from portal.i18n import gettext
from portal.web.boundary import keep_changes
from portal.web.errors import error_response
from portal.web.forms import require_fresh_form

OPEN_ROOM = "transition:open_negotiation"
OPENABLE = frozenset({CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    # The body is refused before it is read; nothing was posted or stored (the boundary rolls back).
    limit = current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024)
    return error_response(413, "File too large", f"The attachment is larger than {limit} MB. Nothing was "
                          "posted; send a smaller file.")


def conversation(case: Case, channel: Channel, *, reply_to: int | None) -> dict:
    """What a message page shows: the threads, where the reader's unread part starts, the reply
    target; then the reader's marker moves to the newest message (viewing the page reads it)."""
    items = room.messages(case, channel)
    seen = room.last_read(current_user, case, channel)
    first_unread = next((m.id for m in items if m.id > seen), None)
    if items:
        room.mark_read(current_user, case, channel, items[-1].id)
    replying = next((m for m in items if m.id == reply_to), None)
    return {"threads": room.threads(items), "first_unread": first_unread,
            "unread": sum(1 for m in items if m.id > seen), "last_id": items[-1].id if items else 0,
            "replying": replying}


def attachment_of(form: MessageForm) -> room.Attachment | None:
    f = form.attachment.data
    if f is None or not getattr(f, "filename", ""):
        return None
    return room.Attachment(f.stream, f.filename)


def post(form: MessageForm, case: Case, channel: Channel) -> Message | None:
    """Validate and post; on refusal the reason is on the form and nothing of the post is kept (its
    savepoint is undone; the page's read marker still moves)."""
    if not form.validate_on_submit():
        return None
    try:
        with db.session.begin_nested():
            return room.post_message(current_user, case, channel, form.body.data or "",
                                     reply_to_id=form.reply_to.data, attachment=attachment_of(form))
    except UploadRefused as exc:
        form.attachment.errors = [str(exc)]
    except room.MessageRefused as exc:
        form.body.errors = [str(exc)]
    return None


def reply_arg() -> int | None:
    value = request.args.get("reply_to", "")
    return int(value) if value.isdigit() else None


def _room_page(case: Case, form: MessageForm | None = None, status: int = 200,
               conciliation_form: ConciliationForm | None = None):
    reply_to = form.reply_to.data if form is not None else reply_arg()
    data = conversation(case, Channel.ROOM, reply_to=reply_to)
    form = form or MessageForm(formdata=None)
    if data["replying"] is not None:
        form.reply_to.data = data["replying"].id
    caucus_unread = {}
    if can(current_user, Action.CAUCUS, case):
        caucus_unread = {c: room.unread_count(current_user, case, c)
                         for c in room.readable_caucuses(current_user, case)}
    pending = conciliation.open_request(case)
    page = render_template(
        "arbitration/room.html", case=case, form=form, section="messages", **data,
        poll_url=url_for("odr.messages_json", reference=case.reference),
        post_url=url_for("odr.post_message", reference=case.reference),
        here=url_for("odr.room", reference=case.reference),
        can_post=can(current_user, Action.TAKE_PART_IN_ROOM, case), caucus_unread=caucus_unread,
        pending_request=pending,
        conciliation_form=conciliation_form or ConciliationForm(formdata=None),
        can_request=pending is None and can(current_user, Action.REQUEST_CONCILIATION, case),
        can_appoint=can(current_user, Action.APPOINT_NEUTRAL, case),
        conciliator_accepted=conciliation.acceptance(case, case.neutral_id) is not None,
        must_accept=(can(current_user, Action.ACCEPT_CONCILIATION, case)
                     and conciliation.acceptance(case, current_user.id) is None))
    keep_changes()  # the read marker moved: kept even when the page answers a refused message (422)
    return page, status


@bp.get("/odr/<reference>", endpoint="room")
@login_required
def room_page(reference: str):
    case = load_case(reference)
    if case.status in OPENABLE and can(current_user, OPEN_ROOM, case):
        return render_template("arbitration/room_closed.html", case=case, form=FlaskForm())
    require(current_user, Action.VIEW_ODR_ROOM, case)
    return _room_page(case)


@bp.post("/odr/<reference>/messages")
@login_required
def post_message(reference: str):
    case = load_case(reference)
    require(current_user, Action.TAKE_PART_IN_ROOM, case)
    form = MessageForm()
    message = post(form, case, Channel.ROOM)
    if message is None:
        return _room_page(case, form=form, status=422)
    flash(gettext("Your message was posted."), "success")
    return redirect(url_for("odr.room", reference=reference, _anchor=f"m{message.id}"))


def as_json(case: Case, m: Message) -> dict:
    from portal.web.filters import ist

    doc = m.document
    return {"id": m.id, "author": m.author_name, "side": m.author_side.value, "body": m.body,
            "reply_to": m.reply_to_id, "at": ist(m.created_at),
            "attachment": None if doc is None else {
                "filename": doc.filename,
                "url": url_for("evidence.download", reference=case.reference, document_id=doc.id)}}


@bp.get("/odr/<reference>/messages.json")
@login_required
def messages_json(reference: str):
    """New messages after `after` (for the page's poller); returning them marks them read."""
    case = load_case(reference)
    caucus = request.args.get("caucus")
    if caucus is None:
        require(current_user, Action.VIEW_ODR_ROOM, case)
        channel = Channel.ROOM
    else:
        require(current_user, Action.CAUCUS, case)
        channel = room.caucus_channel(current_user, case, caucus)
    after = request.args.get("after", "0")
    if not after.isdigit() or len(after) > 18:
        return jsonify({"error": "Bad request", "message": "`after` must be a message number."}), 400
    items = room.messages(case, channel, after=int(after))
    if items:
        room.mark_read(current_user, case, channel, items[-1].id)
    payload = {"messages": [as_json(case, m) for m in items],
               "last_id": items[-1].id if items else int(after)}
    return jsonify(payload)


@bp.post("/odr/<reference>/open")
@login_required
def open_room(reference: str):
    case = load_case(reference)
    require(current_user, OPEN_ROOM, case)
    require_fresh_form()
    fire(case, "open_negotiation", current_user)
    flash(gettext("The ODR room is open. Everything said here stays between the members of the room."),
          "success")
    return redirect(url_for("odr.room", reference=reference))


@bp.post("/odr/<reference>/conciliation")
@login_required
def request_conciliation(reference: str):
    case = load_case(reference)
    require(current_user, Action.REQUEST_CONCILIATION, case)
    form = ConciliationForm()
    if not form.validate_on_submit():
        return _room_page(case, status=422, conciliation_form=form)
    conciliation.request_conciliator(current_user, case, form.reason.data or "")
    flash(gettext("Your request for a conciliator was sent to the institution."), "success")
    return redirect(url_for("odr.room", reference=reference))

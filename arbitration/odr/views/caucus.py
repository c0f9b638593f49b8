"""The private sessions of conciliation: the neutral's channel with each side. The neutral picks the
side; a party only ever sees and writes in its own side's channel, whatever the URL asks for."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from arbitration.odr import room
from arbitration.odr.blueprint import bp
from arbitration.odr.forms import MessageForm
from arbitration.odr.models.room import Channel
from arbitration.odr.views.room import conversation, post, reply_arg
from portal.accounts import Action, Side, require
from portal.cases import Case, load_case
from portal.i18n import gettext
from portal.web.boundary import keep_changes

SIDE_OF_CAUCUS = {Channel.CAUCUS_CREDITOR: Side.CREDITOR, Channel.CAUCUS_DEBTOR: Side.DEBTOR}


def _caucus_page(case: Case, channel: Channel, form: MessageForm | None = None, status: int = 200):
    reply_to = form.reply_to.data if form is not None else reply_arg()
    data = conversation(case, channel, reply_to=reply_to)
    side = SIDE_OF_CAUCUS[channel]
    form = form or MessageForm(formdata=None)
    form.side.data = side.value
    if data["replying"] is not None:
        form.reply_to.data = data["replying"].id
    is_neutral = room.actor_side(current_user, case) == Side.NEUTRAL
    # The neutral sees both sessions' unread counts to choose between them; a party only its own.
    unread = {s: room.unread_count(current_user, case, c)
              for c, s in SIDE_OF_CAUCUS.items() if c != channel} if is_neutral else {}
    page = render_template(
        "arbitration/caucus.html", case=case, form=form, section="caucus", side=side.value,
        is_neutral=is_neutral, other_unread=unread, **data,
        poll_url=url_for("odr.messages_json", reference=case.reference, caucus=side.value),
        post_url=url_for("odr.post_caucus_message", reference=case.reference),
        here=url_for("odr.caucus", reference=case.reference, side=side.value), can_post=True)
    keep_changes()  # the read marker moved: kept even when the page answers a refused message (422)
    return page, status


@bp.get("/odr/<reference>/caucus")
@login_required
def caucus(reference: str):
    case = load_case(reference)
    require(current_user, Action.CAUCUS, case)
    return _caucus_page(case, room.caucus_channel(current_user, case, request.args.get("side")))


@bp.post("/odr/<reference>/caucus/messages")
@login_required
def post_caucus_message(reference: str):
    case = load_case(reference)
    require(current_user, Action.CAUCUS, case)
    form = MessageForm()
    channel = room.caucus_channel(current_user, case, form.side.data)
    message = post(form, case, channel)
    if message is None:
        return _caucus_page(case, channel, form=form, status=422)
    flash(gettext("Your message was posted to the private session."), "success")
    return redirect(url_for("odr.caucus", reference=reference, side=SIDE_OF_CAUCUS[channel].value,
                            _anchor=f"m{message.id}"))

"""The personal link in a served notice: who it is from, then a one-time code to an address the
notice was served on, then the debtor's page of its case. The token is the authority to ask for a
code; the code, to the address, is the authority to open the case (and only that case)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length

from notices import Notice, ServedDocument
from portal.accounts import Action, can
from portal.debtor import access, links
from portal.debtor.language import current, localise_form
from portal.debtor.models import DebtorLink
from portal.extensions import db, limiter
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.onetime_codes import CodeError, OneTimeCode
from portal.web.boundary import keep_changes
from portal.web.forms import PageForm

bp = Blueprint("debtor", __name__)


class SendCodeForm(PageForm):
    destination = RadioField(_l("Send the code to"), coerce=int, validators=[InputRequired(
        _l("Choose where to send the code."))])


class CodeForm(PageForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the 6-digit code.")), Length(max=12)],
                       render_kw={"inputmode": "numeric"})


def _link(token: str) -> DebtorLink:
    link = links.resolve(token)
    if link is None:
        abort(404, gettext("This link is not valid: it may have expired or been replaced. Ask the sender "
                           "for a new one, or check the notice at the verification page."))
    return link


def _already_in(link: DebtorLink) -> bool:
    return current_user.is_authenticated and can(current_user, Action.DEBTOR_VIEW, link.case)


def _pending(link: DebtorLink) -> OneTimeCode | None:
    return db.session.scalar(select(OneTimeCode).where(
        OneTimeCode.purpose == access.PURPOSE, OneTimeCode.subject == access.subject(link),
        OneTimeCode.consumed_at.is_(None), OneTimeCode.superseded_at.is_(None))
        .order_by(OneTimeCode.id.desc()))


def _page(token: str, link: DebtorLink, send_form=None, code_form=None, status: int = 200):
    options = access.destinations(link)
    send_form = send_form or SendCodeForm(formdata=None, destination=0)
    send_form.destination.choices = [(i, d.label) for i, d in enumerate(options)]
    code_form = code_form or CodeForm(formdata=None)
    localise_form(send_form)
    localise_form(code_form)
    return render_template("debtor/otp.html", token=token, link=link, case=link.case,
                           notice=db.session.get(Notice, link.notice_id) if link.notice_id else None,
                           document=(db.session.get(ServedDocument, link.document_id)
                                     if link.document_id else None),
                           pending=_pending(link),
                           send_form=send_form, code_form=code_form,
                           has_destinations=bool(options)), status


@bp.get("/n/<token>")
@limiter.limit("60 per minute")
def open_notice(token: str):
    link = _link(token)
    if _already_in(link):
        return redirect(url_for("debtor_case.home", reference=link.case.reference))
    return _page(token, link)


@bp.post("/n/<token>/code")
@limiter.limit("10 per hour")
def send_code(token: str):
    link = _link(token)
    form = SendCodeForm()
    form.destination.choices = [(i, d.label) for i, d in enumerate(access.destinations(link))]
    if not form.validate_on_submit():
        return _page(token, link, send_form=form, status=400)
    try:
        row = access.send_code(link, form.destination.data, request.remote_addr or "", current())
    except CodeError as exc:
        form.destination.errors.append(str(exc))
        return _page(token, link, send_form=form, status=exc.status)
    flash(gettext("We sent a 6-digit code to %(address)s. It is valid for a few minutes.",
                  address=row.masked_destination), "success")
    return redirect(url_for("debtor.open_notice", token=token) + "#enter-code")


@bp.post("/n/<token>/verify")
@limiter.limit("20 per 10 minutes")
def check_code(token: str):
    link = _link(token)
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(token, link, code_form=form, status=400)
    try:
        guest = access.open_with_code(link, form.code.data, request.remote_addr or "",
                                      request.headers.get("User-Agent", ""))
    except CodeError as exc:
        keep_changes()  # the wrong try counts, though the answer is a 4xx
        form.code.errors.append(str(exc))
        return _page(token, link, code_form=form, status=exc.status)
    login_user(guest)
    return redirect(url_for("debtor_case.home", reference=link.case.reference))

"""The debtor's reminder link (/r/<token>): a one-time code to one of its own addresses first,
then its open invoices with this creditor, the statement (PDF, CSV), and what it can do about each."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from portal.accounts import Organization
from portal.adapters import payment_uri, qr_svg
from portal.cases import ContactKind, Party, today_ist
from portal.extensions import db
from portal.formfields import choices
from portal.i18n import gettext, language, lazy_gettext, localise_errors
from portal.onetime_codes import CodeError, OneTimeCode, issue_and_send, mask, verify
from portal.pdf import render_pdf
from portal.receivables import access, links, responses, statement
from portal.receivables.blueprint import bp
from portal.receivables.forms import (
    CodeForm,
    CodeRequestForm,
    DebtorPromiseForm,
    DisputeForm,
    PaidForm,
)
from portal.receivables.link_words import LANGUAGES, day
from portal.receivables.models import DebtorSetting
from portal.receivables.refusals import on_form
from portal.types import to_ist, utcnow
from portal.web.boundary import keep_changes
from portal.web.forms import require_fresh_form

PURPOSE = "reminder_link"
SESSION_KEY = "reminder_link"
LANG_KEY = "reminder_link_lang"


def _subject(link) -> str:
    return f"rlink:{link.id}"


def _link(token: str):
    link = links.resolve(token)
    if link is None:
        abort(404, "This link is not valid any more. Ask the creditor for a new one.")
    return link


def _lang(link) -> str:
    """?lang= switches (and is remembered for this browser); else the debtor's language in the
    creditor's settings; else English."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session[LANG_KEY] = chosen
        return chosen
    if session.get(LANG_KEY) in LANGUAGES:
        return session[LANG_KEY]
    setting = db.session.scalar(select(DebtorSetting.language).where(
        DebtorSetting.org_id == link.org_id, DebtorSetting.party_id == link.party_id))
    return setting.value if setting is not None else "en"


def page_language() -> str | None:
    """The language of a reminder-link page (portal.i18n asks for every page of the blueprint)."""
    token = (request.view_args or {}).get("token")
    if not (request.endpoint or "").startswith("receivables.link_") or not token:
        return None
    link = links.resolve(token)
    return _lang(link) if link is not None else None


def _page(template: str, link, status: int = 200, **context):
    """Render a link page in the debtor's language (the switch to the other one is in every page's
    header: portal.i18n.switch_links)."""
    lang = language()
    for form in context.values():
        if hasattr(form, "validate_on_submit"):
            localise_errors(form)
    return render_template(template, day=lambda d: day(d, lang), **context), status


def _destinations(party: Party) -> list[tuple[str, str]]:
    contacts = sorted(party.contacts, key=lambda c: not c.designated)
    return [("email" if c.kind == ContactKind.EMAIL else "sms", c.value) for c in contacts]


def _opened(link) -> bool:
    held = session.get(SESSION_KEY) or {}
    if held.get("link") != link.id:
        return False
    row = db.session.get(OneTimeCode, held.get("otp"))
    return row is not None and row.subject == _subject(link) and row.consumed_at is not None


def _gate(link, *, code_form=None, request_form=None, status=200):
    options = _destinations(db.session.get(Party, link.party_id))
    request_form = request_form or CodeRequestForm(formdata=None)
    request_form.destination.choices = choices(
        (i, gettext("E-mail to %(address)s", address=mask(a)) if ch == "email"
         else gettext("SMS to %(address)s", address=mask(a))) for i, (ch, a) in enumerate(options))
    return _page("receivables/link_gate.html", link, status, request_form=request_form,
                 code_form=code_form or CodeForm(formdata=None), token=request.view_args["token"],
                 creditor=db.session.get(Organization, link.org_id))


def _require_open(token: str):
    link = _link(token)
    if not _opened(link):
        abort(403, "Open the link with the code first.")
    return link


@bp.get("/r/<token>")
def link_home(token: str):
    link = _link(token)
    if not _opened(link):
        return _gate(link)
    rows = statement.lines(link.org_id, link.party_id)
    return _page("receivables/link_home.html", link, rows=rows, token=token,
                 creditor=db.session.get(Organization, link.org_id),
                 party=db.session.get(Party, link.party_id),
                 total=sum((r.outstanding for r in rows), statement.ZERO))


@bp.post("/r/<token>/code")
def link_send_code(token: str):
    link = _link(token)
    form = CodeRequestForm()
    options = _destinations(db.session.get(Party, link.party_id))
    form.destination.choices = choices((i, str(i)) for i in range(len(options)))
    if not form.validate_on_submit():
        return _gate(link, request_form=form, status=422)
    channel, address = options[form.destination.data]
    try:
        issue_and_send(PURPOSE, _subject(link), channel, address, ip=request.remote_addr or "",
                       what=lazy_gettext("open your statement of account"), language=language())
    except CodeError as exc:
        form.destination.errors.append(str(exc))
        return _gate(link, request_form=form, status=exc.status)
    flash(gettext("A code is on its way to %(address)s.", address=mask(address)), "success")
    return redirect(url_for("receivables.link_home", token=token))


@bp.post("/r/<token>/open")
def link_open(token: str):
    link = _link(token)
    form = CodeForm()
    if not form.validate_on_submit():
        return _gate(link, code_form=form, status=422)
    try:
        row = verify(PURPOSE, _subject(link), form.code.data, ip=request.remote_addr or "")
    except CodeError as exc:
        keep_changes()  # the wrong try counts
        form.code.errors.append(str(exc))
        return _gate(link, code_form=form, status=exc.status)
    responses.opened(link, row.masked_destination, request.headers.get("User-Agent", ""))
    session[SESSION_KEY] = {"link": link.id, "otp": row.id}
    return redirect(url_for("receivables.link_home", token=token))


@bp.get("/r/<token>/statement.csv")
def link_statement_csv(token: str):
    link = _require_open(token)
    party, org = db.session.get(Party, link.party_id), db.session.get(Organization, link.org_id)
    body = statement.to_csv(statement.lines(link.org_id, link.party_id), party.legal_name, org.legal_name)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="statement-of-account.csv"'})


@bp.get("/r/<token>/statement.pdf")
def link_statement_pdf(token: str):
    link = _require_open(token)
    rows = statement.lines(link.org_id, link.party_id)
    body = render_pdf("receivables/statement_pdf.html", rows=rows, issued_ist=to_ist(utcnow()),
                      party=db.session.get(Party, link.party_id),
                      creditor=db.session.get(Organization, link.org_id),
                      total=sum((r.outstanding for r in rows), statement.ZERO))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="statement-of-account.pdf"'})


def _invoice_page(token, link, invoice, *, forms=None, status=200):
    forms = forms or {}
    rows = [r for r in statement.lines(link.org_id, link.party_id) if r.invoice_id == invoice.id]
    org = db.session.get(Organization, link.org_id)
    row = rows[0] if rows else None
    upi = qr = None
    if org.upi_vpa and row is not None and row.outstanding > 0:
        try:
            upi = payment_uri(org.upi_vpa, org.legal_name, row.outstanding, invoice.case.reference,
                              f"Invoice {invoice.number}")
            qr = qr_svg(upi)
        except ValueError:  # over UPI's limit, or a payee the apps would refuse: no UPI button
            upi = qr = None
    return _page(
        "receivables/link_invoice.html", link, status, token=token, invoice=invoice, row=row, upi=upi, qr=qr,
        creditor=org, paid_form=forms.get("paid") or PaidForm(formdata=None, prefix="paid"),
        promise_form=forms.get("promise") or DebtorPromiseForm(formdata=None, prefix="promise"),
        dispute_form=forms.get("dispute") or DisputeForm(formdata=None, prefix="dispute"))


@bp.get("/r/<token>/invoice")
def link_invoice(token: str):
    link = _require_open(token)
    invoice_id = request.args.get("id", "")
    if not invoice_id.isdigit() or len(invoice_id) > 12:
        abort(400, "Choose an invoice from your statement.")
    return _invoice_page(token, link, access.invoice_for_link(link, int(invoice_id)))


@bp.post("/r/<token>/invoices/<int:invoice_id>/<action>")
def link_act(token: str, invoice_id: int, action: str):
    link = _require_open(token)
    invoice = access.invoice_for_link(link, invoice_id)
    form_classes = {"paid": PaidForm, "promise": DebtorPromiseForm, "dispute": DisputeForm,
                    "acknowledge": None}
    if action not in form_classes:
        abort(404)
    if action == "acknowledge":
        require_fresh_form()
        form = None
    else:
        form = form_classes[action](prefix=action)  # three forms on one page: ids stay unique
        if not form.validate_on_submit():
            return _invoice_page(token, link, invoice, forms={action: form}, status=422)
    today = today_ist()
    run = {
        "paid": lambda: responses.paid(link, invoice, form.amount.data, form.utr.data, form.paid_on.data,
                                       today),
        "promise": lambda: responses.promise(link, invoice, form.amount.data, form.promised_for.data, today),
        "dispute": lambda: responses.dispute(link, invoice, form.text.data),
        "acknowledge": lambda: responses.acknowledge(link, invoice),
    }[action]
    message = {
        "paid": gettext("Thank you: the creditor will confirm the payment and send you a receipt."),
        "promise": gettext("Thank you: reminders for this invoice wait until the date you gave."),
        "dispute": gettext("Thank you: the creditor will look at what you wrote. No reminders for this "
                           "invoice meanwhile."),
        "acknowledge": gettext("Thank you: your confirmation of the balance is recorded."),
    }[action]
    if form is None:
        run()  # a refusal (already on record) is answered 409 by the app's handler
    elif not on_form(form, run):
        return _invoice_page(token, link, invoice, forms={action: form}, status=422)
    flash(message, "success")
    return redirect(url_for("receivables.link_home", token=token))

"""Which language the debtor's pages speak, and the switch between English and Hindi.

The choice, most specific first: `?lang=` (the switch, a plain link that works without JavaScript),
then what this browser chose before, then what the debtor chose on its personal link (remembered on
the link, so the link opens in it on any device), then the language of the notice served on it (the
party's recorded preference: the creditor's advocate drafts the notice in it), then English.

The words themselves are gettext messages (`_()` in the templates, `gettext`/`lazy_gettext` in the
views and forms) with their Hindi in translations/hi/LC_MESSAGES/messages.po; this module tells
Flask-Babel (portal.i18n) which language a page a debtor reaches speaks."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, g, request, session
from flask_login import current_user
from sqlalchemy import select

from notices import Notice, NoticeStatus, ServedDocument, note_in
from portal.cases import Case
from portal.debtor import links
from portal.debtor.models import DebtorLink
from portal.debtor.principal import LinkGuest
from portal.extensions import db
from portal.formatting import day, ist, rupees
from portal.i18n import SESSION_CHOICE, decide_with, localise_errors, switch_links
from portal.web.labels import label

LANGUAGES = {"en": "English", "hi": "हिन्दी"}
SESSION_KEY = SESSION_CHOICE


def _link() -> DebtorLink | None:
    """The personal link this request came through: the token in the URL, or the link session."""
    token = (request.view_args or {}).get("token")
    if token:
        return links.resolve(token)
    user = current_user._get_current_object() if current_user else None
    if isinstance(user, LinkGuest):
        return db.session.get(DebtorLink, user.link_id)
    return None


def _notice_language(link: DebtorLink | None) -> str | None:
    if link is not None:
        if link.document_id is not None:  # a served document (an award, an order) has its own
            document = db.session.get(ServedDocument, link.document_id)
            return document.language if document is not None else None
        notice = db.session.get(Notice, link.notice_id)
        return notice.language.value if notice is not None else None
    reference = (request.view_args or {}).get("reference")
    if not reference:
        return None
    found = db.session.scalar(select(Notice.language).join(Case, Case.id == Notice.case_id).where(
        Case.reference == reference, Notice.status == NoticeStatus.SIGNED)
        .order_by(Notice.signed_at.desc()).limit(1))
    return found.value if found is not None else None


def current() -> str:
    """The language of this request's debtor page ("en" or "hi"), decided once per request."""
    if "debtor_lang" in g:
        return g.debtor_lang
    link = _link()
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session[SESSION_KEY] = chosen
        if link is not None and link.language != chosen:
            link.language = chosen      # committed with the request by the boundary (a 2xx GET)
        lang = chosen
    elif session.get(SESSION_KEY) in LANGUAGES:
        lang = session[SESSION_KEY]
    elif link is not None and link.language in LANGUAGES:
        lang = link.language
    else:
        lang = _notice_language(link) or "en"
    g.debtor_lang = lang
    return lang


DEBTOR_PAGES = {"debtor", "debtor_account", "debtor_case", "debtor_respond", "debtor_links"}


def for_request() -> str | None:
    """The language of any page a debtor or a visitor reads (its own pages, the ODR room, offers,
    bidding, settlement, payment, the public verify page, an error page); None (English) for staff."""
    if request.blueprint in DEBTOR_PAGES:
        return current()
    user = current_user._get_current_object() if current_user else None
    if user is not None and user.is_authenticated and getattr(user.role, "value", None) != "debtor":
        return None
    return current()


def _context() -> dict:
    lang = current()
    return {
        "lang": lang, "language_switch": switch_links(),
        "on": lambda d: day(d, lang) if isinstance(d, date | datetime) else "",
        "when": lambda d, fmt="%d %b %Y, %H:%M IST": ist(d, fmt, lang),
        "money": lambda v: rupees(v, lang),
        "say": lambda v: label(v, lang),
        "note_in": note_in,            # the computation's method notes in Hindi (as the notice prints them)
    }


def install(bp: Blueprint) -> None:
    """Every page of this blueprint speaks the debtor's language and shows the switch (the views put
    their forms' refusals into it with localise_form). Blueprints are
    module-level and keep what they were given for every app made later: install once."""
    decide_with(for_request)
    if not getattr(bp, "speaks_hindi", False):
        bp.context_processor(_context)
        bp.speaks_hindi = True


def localise_form(form) -> None:
    """Put a form's labels, choices and errors into this request's language."""
    localise_errors(form)

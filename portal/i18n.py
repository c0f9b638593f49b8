"""The language a page, an e-mail or an SMS speaks: Flask-Babel, with the Hindi catalogue in
translations/hi/LC_MESSAGES/messages.po (compiled to .mo by `make install`/`make install-test`).

A page's language is decided by the feature that knows its reader (`decide_with`): the debtor's
package answers for every page a debtor reaches (portal.debtor.language: the switch, the language
remembered on its link, the notice served on it); a page nobody claims is English (staff pages).
Work outside a request (a Celery task, a service) renders a party's message in its language inside
`force_locale(language)`."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, lazy_gettext, ngettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from portal.config import PROJECT_ROOT

__all__ = ["LANGUAGES", "N_", "SESSION_CHOICE", "PageCatalogue", "decide_with", "force_locale", "gettext",
           "init_i18n", "language", "lazy_gettext", "localise_errors", "ngettext", "switch_links"]

LANGUAGES = {"en": "English", "hi": "हिन्दी"}
# Where this browser keeps the language its reader last chose with the switch (`?lang=`), signed in or
# not (the name is older than the staff pages' switch; sessions made before keep their choice).
SESSION_CHOICE = "debtor_lang"
TRANSLATIONS = PROJECT_ROOT / "translations"

babel = Babel()


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined (a transition's label, a machine's noun),
    unchanged: it is looked up with gettext when a sentence is put into words."""
    return message

_deciders: list[tuple[frozenset[str], Callable[[], str | None]]] = []


def decide_with(decider: Callable[[], str | None], *, blueprints: tuple[str, ...] = ()) -> None:
    """Let `decider` name this request's language ("en", "hi"), or None when the page is not its.
    One given `blueprints` is asked first, and only for their pages."""
    entry = (frozenset(blueprints), decider)
    if entry not in _deciders:
        _deciders.append(entry)
        _deciders.sort(key=lambda e: not e[0])     # the specific ones first


def _select() -> str:
    if has_request_context():
        for blueprints, decide in _deciders:
            if blueprints and request.blueprint not in blueprints:
                continue
            try:
                chosen = decide()
            except Exception:  # noqa: BLE001  (an error page must render even when the database is down)
                current_app.logger.warning("page language undecided; English", exc_info=True)
                return "en"
            if chosen in LANGUAGES:
                return chosen
    return "en"


def switch_links() -> list[tuple[str, str, str | None]]:
    """(code, name, url or None for the language in use): the language links in every page's header,
    this page again with `?lang=` (a plain link: the switch works without JavaScript). None on a page
    that answers no GET (a form's refusal, rendered for a POST)."""
    if not has_request_context() or request.endpoint is None or request.method != "GET":
        return []
    args = {k: v for k, v in request.args.items() if k != "lang"}
    lang = language()
    return [(code, name, None if code == lang else
             url_for(request.endpoint, **(request.view_args or {}), **args, lang=code))
            for code, name in LANGUAGES.items()]


def language() -> str:
    """The language in force: the page's, or the one a task forced ("en" outside both)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


class PageCatalogue:
    """WTForms' translations interface (`gettext`, `ngettext`) over the catalogue of the language in
    force, looked up when a field validates, so WTForms' own refusals ("This field is required.",
    "Field cannot be longer than %(max)d characters.") are translated before their numbers are put in.
    Their msgids are listed for extraction in portal/web/wtforms_words.py."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


def localise_errors(form) -> None:
    """A form's refusals in the page's language. Its labels and its own messages are lazy_gettext
    already, and so are WTForms' built-in messages on a PageForm (portal.web.forms); a service's
    refusal put on a field is found by its English text (the features list those they may show, for
    extraction)."""
    if form is None:
        return
    for f in form:
        if f.errors and isinstance(f.errors, list):
            f.errors = [gettext(str(e)) for e in f.errors]
    if isinstance(getattr(form, "form_errors", None), list):
        form.form_errors[:] = [gettext(str(e)) for e in form.form_errors]


def _catalogue():
    """Flask-Babel's translations for the locale in force (the page's, or one forced): the object its
    get_translations() returns, which reaches it through its context three times (about 20 µs a
    call); here one get_locale() and a look-up in the catalogues already found, keyed as Flask-Babel
    keys its own cache (the locale, in this app). A catalogue is read once per process there too."""
    catalogues = current_app.extensions["sulah_catalogues"]
    key = str(get_locale())
    found = catalogues.get(key)
    if found is None:
        found = catalogues[key] = get_translations()
    return found


# The templates' `_()`, `gettext()` and `ngettext()`: Jinja's "newstyle" gettext (what Flask-Babel
# installs: the translation marked safe where the template escapes, then %-formatted with the call's
# variables), called directly rather than through Jinja's alias and `Context.call` and with the
# translations found as above. A translation without "%" and without variables is the same text
# after `% {}`, so the formatting is skipped for it.
@pass_context
def _template_gettext(__context: Context, __string: str, **variables):
    rv = _catalogue().ugettext(__string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704  (the catalogue's text, trusted as Jinja's own gettext trusts it)
    return rv % variables if variables or "%" in rv else rv


@pass_context
def _template_ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("num", __num)
    rv = _catalogue().ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704  (the catalogue's text, trusted as Jinja's own gettext trusts it)
    return rv % variables


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=_select)
    app.extensions["sulah_catalogues"] = {}
    # page_language(): the language in force, for the macros imported without the page's context
    # (`lang` is a context variable, which an imported macro does not see).
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
                                 page_language=language)
    app.context_processor(lambda: {"lang": language(), "language_switch": switch_links()})

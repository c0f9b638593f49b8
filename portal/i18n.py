"""The language a page, an e-mail or an SMS speaks: Flask-Babel, with the Hindi catalogue in
translations/hi/LC_MESSAGES/messages.po (compiled to .mo by `make install`/`make install-test`).

A page's language is decided by the feature that knows its reader (`decide_with`): the debtor's
package answers for every page a debtor reaches (portal.debtor.language: the switch, the language
remembered on its link, the notice served on it); a page nobody claims is English (staff pages).
Work outside a request (a Celery task, a service) renders a party's message in its language inside
`force_locale(language)`."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_request_context
from flask_babel import Babel, force_locale, get_locale, gettext, lazy_gettext, ngettext

from portal.config import PROJECT_ROOT

__all__ = ["LANGUAGES", "decide_with", "force_locale", "gettext", "init_i18n", "language",
           "lazy_gettext", "ngettext"]

LANGUAGES = {"en": "English", "hi": "हिन्दी"}
TRANSLATIONS = PROJECT_ROOT / "translations"

babel = Babel()
_deciders: list[Callable[[], str | None]] = []


def decide_with(decider: Callable[[], str | None]) -> None:
    """Let `decider` name this request's language ("en", "hi"), or None when the page is not its."""
    if decider not in _deciders:
        _deciders.append(decider)


def _select() -> str:
    if has_request_context():
        for decide in _deciders:
            chosen = decide()
            if chosen in LANGUAGES:
                return chosen
    return "en"


def language() -> str:
    """The language in force: the page's, or the one a task forced ("en" outside both)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=_select)
    app.context_processor(lambda: {"lang": language()})

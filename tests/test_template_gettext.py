"""The templates' `_()`, `gettext()` and `ngettext()` (portal.i18n, the short way to the catalogue)
give exactly what Jinja's newstyle gettext over Flask-Babel gave: the same words in English and
Hindi, marked safe where the template escapes, %-formatted with the call's variables (and "%%" read
as "%" even without them), plain in a text template."""
from __future__ import annotations

from flask_babel import get_translations
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from portal.i18n import force_locale

SOURCE = ('{{ _("Log out") }}|{{ _("Needs your attention") }}|{{ _("%(n)s of %(m)s", n=2, m="<b>") }}'
          '|{{ _("100%% paid") }}|{{ ngettext("%(num)d day", "%(num)d days", 1) }}'
          '|{{ ngettext("%(num)d day", "%(num)d days", k) }}|{{ gettext("Log in") }}')


def _render(app, source: str, language: str, *, autoescape: bool) -> str:
    env = app.jinja_env.overlay(autoescape=autoescape)
    with app.test_request_context("/"), force_locale(language):
        return env.from_string(source).render(k=3)


def _render_as_jinja_did(app, source: str, language: str, *, autoescape: bool) -> str:
    env = app.jinja_env.overlay(autoescape=autoescape)
    gettext = _make_new_gettext(lambda s: get_translations().ugettext(s))
    # A globals dict of its own: an overlay shares the app's.
    env.globals = {**env.globals, "gettext": gettext, "_": gettext, "ngettext": _make_new_ngettext(
        lambda s, p, n: get_translations().ungettext(s, p, n))}
    with app.test_request_context("/"), force_locale(language):
        return env.from_string(source).render(k=3)


def test_template_translations_read_as_jinja_and_flask_babel_gave_them(app):
    installed = app.jinja_env.globals["_"]
    for language in ("en", "hi"):
        for autoescape in (True, False):
            ours = _render(app, SOURCE, language, autoescape=autoescape)
            assert ours == _render_as_jinja_did(app, SOURCE, language, autoescape=autoescape)
    english = _render(app, SOURCE, "en", autoescape=True).split("|")
    assert english == ["Log out", "Needs your attention", "2 of &lt;b&gt;", "100% paid", "1 day", "3 days",
                       "Log in"]
    hindi = _render(app, SOURCE, "hi", autoescape=True).split("|")
    assert hindi[0] != "Log out" and hindi[1] != "Needs your attention"  # the catalogue's Hindi
    assert app.jinja_env.globals["_"] is installed

"""Every form takes whole numbers through portal.web.forms.IntegerField: WTForms' own, with its
NumberRange, turns a value into a float and fails (a 500) on a number of more than about 308 digits,
which a person or a script can type."""
from __future__ import annotations

import ast
from decimal import Decimal

from markupsafe import Markup

from portal.config import PROJECT_ROOT

PACKAGES = ("portal", "notices", "arbitration", "evidence")


def test_no_form_imports_wtforms_own_integer_or_float_field():
    offenders = []
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms") and any(
                        alias.name in {"IntegerField", "FloatField"} for alias in node.names):
                    offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


def test_widget_attributes_read_as_wtforms_wrote_them():
    """portal.web.forms.html_attributes, installed for WTForms' widgets, gives exactly WTForms'
    own html_params text: names cleaned (class_, data_*, aria_*), values escaped with quotes as
    &quot;, True as the bare name, False left out, Markup values kept, sorted by name."""
    import wtforms.widgets

    from portal.web.forms import html_attributes

    original = wtforms.widgets.html_params  # the package's own name, not the one the widgets call
    samples = [
        {"id": "amount", "name": "amount", "type": "text", "value": "1,000.50", "required": True},
        {"class_": "a b", "for_": "x", "data_some_thing": 'q"uote', "aria_describedby": "x-hint y-error",
         "readonly": False, "checked": True},
        {"value": "<script>&\"'</script>", "title": Markup("<b>kept</b>"), "n": 5, "d": Decimal("1.10"),
         "none": None, "odd&name": True, "x<y": "1"},
        {},
    ]
    for kwargs in samples:
        assert html_attributes(**kwargs) == original(**kwargs), kwargs
        assert type(html_attributes(**kwargs)) is Markup

"""Every form takes whole numbers through portal.web.forms.IntegerField: WTForms' own, with its
NumberRange, turns a value into a float and fails (a 500) on a number of more than about 308 digits,
which a person or a script can type."""
from __future__ import annotations

import ast

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

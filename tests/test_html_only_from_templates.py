"""Documents and e-mails are never built by string formatting (issue 18, item 7): HTML comes only
from autoescaped Jinja templates, so a party's name is always text, never markup."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"<\s*/?\s*(p|div|span|h[1-6]|table|tr|td|th|br|hr|strong|em|b|i|a|html|body|head|li|ul|ol|"
                 r"img|section|article|style|script|pre|code|blockquote)\b[^<]*>", re.IGNORECASE)


def _is_markup_format(node: ast.AST) -> bool:
    """Markup("…{0}…").format(x) escapes its arguments: allowed."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Call) and getattr(node.func.value.func, "id", "") == "Markup")


def html_built_by_formatting(tree: ast.AST) -> list[int]:
    found = []
    markup_calls = {id(n.func.value.args[0]) for n in ast.walk(tree)
                    if _is_markup_format(n) and n.func.value.args}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # f"...<p>{x}</p>..."
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if TAG.search(text) and any(isinstance(v, ast.FormattedValue) for v in node.values):
                found.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str) and TAG.search(side.value):
                    found.append(node.lineno)
                    break
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            base = node.func.value
            if isinstance(base, ast.Constant) and isinstance(base.value, str) and TAG.search(base.value) \
                    and id(base) not in markup_calls:
                found.append(node.lineno)
    return found


def test_no_html_is_built_outside_templates():
    offenders = []
    for package in ("portal", "notices", "arbitration", "evidence"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line in html_built_by_formatting(tree)]
    assert offenders == []


def test_the_scan_finds_each_way_of_formatting_html():
    sample = ast.parse(
        'a = f"<p>{name}</p>"\n'
        'b = "<td>%s</td>" % name\n'
        'c = "<strong>" + name\n'
        'd = "<li>{}</li>".format(name)\n'
        'e = Markup(\'<a href="{0}">{0}</a>\').format(url)\n'
        'f = f"{total} rupees"\n')
    assert html_built_by_formatting(sample) == [1, 2, 3, 4]


def test_a_partys_name_in_the_award_carrier_is_text(app):
    from flask import render_template

    with app.test_request_context():
        html = render_template("arbitration/award/_carrier.html", reference="SUL-1", claimant="<b>Evil</b> & Co",
                               respondent="R", sha256="0" * 64)
    assert "<b>" not in html and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html

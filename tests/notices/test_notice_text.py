"""A notice's text for review is the same whether HTMLParser reads its HTML or the one regular
expression html_to_text uses for templates' HTML; whatever that expression does not read exactly as
the parser would goes to the parser."""
from __future__ import annotations

import pytest

from notices.drafting import rendering
from tests.notices.test_notice_snapshots import DRAFTED, ISSUED, _case, ctx  # noqa: F401


def by_parser(html: str) -> str:
    return "".join(rendering._parsed_parts(html))


TRICKY = [
    "<!doctype html><html><head><title>Notice &amp; reply</title></head><body><p>A</p></body></html>",
    "<div class=\"a>b\" data-x='c>d'>quoted &gt; in attributes</div><br/><br >after",
    "<table><tr><th>Month</th><td>&#8377; 1,000 &nbsp;</td></tr></table><P>Upper case</P>",
    "<p>text</p>trailing words",
    "<p>text</p>trailing &amp",            # a reference the parser holds back: the parser decides
    "<p>one <!-- a comment --> two</p>",
    "<p>a < b and c > d</p>",
    "<p>x</p><style>p > a { color: red }</style><script>if (a < b) {}</script>",
    "<p>unclosed <b",
    "</p>end tag first<p>",
    "<?xml version='1.0'?><p>pi</p>",
    "no tags at all &amp; an entity",
    "",
]


@pytest.mark.parametrize("html", TRICKY)
def test_tricky_html_reads_as_the_parser_reads_it(html):
    assert "".join(rendering._text_parts(html)) == by_parser(html)


@pytest.mark.parametrize(("kind", "lang"), DRAFTED, ids=[f"{k.value}-{lang.value}" for k, lang in DRAFTED])
def test_each_notice_reads_the_same_and_without_the_parser(kind, lang, monkeypatch):
    from notices.models import Notice

    case = _case(kind)
    notice = Notice(case=case, kind=kind, language=lang, pay_within_days=15, verification_code="ABCD234567")
    html = rendering.render_notice_html(notice, case, ISSUED).html
    expected = by_parser(html)
    monkeypatch.setattr(rendering, "_parsed_parts", lambda html: pytest.fail("fell back to the parser"))
    assert "".join(rendering._text_parts(html)) == expected

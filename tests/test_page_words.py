"""Every page speaks English and Hindi: the words a page template shows are gettext messages
(`_()`, `ngettext()`), so each has its Hindi in the catalogue (tests/test_catalogue.py) and the page
reads wholly in the language its reader chose. A word left in a template's HTML, or in an attribute
a reader meets (aria-label, title, placeholder, alt, value of a button), would stay English on a
Hindi page. What is allowed bare: acronyms that read the same in both (GSTIN, UPI, IST, PDF) and
punctuation. Documents (templates/pdf, a PDF's own template), mails and SMS (templates/email,
templates/sms: each has its own language's template), the developer's pages (templates/dev) and the
API reference (templates/api: the OpenAPI schema's own words, for integrators) are not pages a party
reads in a chosen language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
NOT_PAGES = ("pdf", "email", "sms", "dev", "api")

_COMMENT = re.compile(r"{#.*?#}", re.S)
_TRANS = re.compile(r"{%-?\s*trans\b.*?endtrans\s*-?%}", re.S)
_EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}", re.S)
_CODE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_READ_ATTRIBUTE = re.compile(r"""\b(aria-label|title|placeholder|alt|aria-description)\s*=\s*("[^"]*"|'[^']*')""", re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
_SAME_IN_HINDI = re.compile(r"^[A-Z][A-Z0-9-]+s?$")   # GSTIN, UPI, IST, PDF, SHA-256, PDFs


def _pages() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html")
                  if p.relative_to(TEMPLATES).parts[0] not in NOT_PAGES and not p.stem.endswith("_pdf"))


def bare_words(source: str) -> list[str]:
    """The words of a template a reader would see that are not messages."""
    text = _CODE.sub(" ", _TRANS.sub(" ", _COMMENT.sub(" ", source)))
    text = _EXPRESSION.sub(" ", text)
    said = [value[1:-1] for _name, value in _READ_ATTRIBUTE.findall(text)]
    text = _ENTITY.sub(" ", _TAG.sub(" ", text))
    words = [w for chunk in (text, *said) for w in _WORD.findall(chunk)]
    return [w for w in words if not _SAME_IN_HINDI.match(w)]


def test_bare_words_are_found():
    source = ('<h1 title="Open case">Case {{ ref }}</h1>{# a note #}<p>{{ _("Owed") }} GSTIN</p>'
              '<script>var a = "x";</script>{% trans %}Said{% endtrans %}<a aria-label="{{ _("Back") }}">→</a>')
    assert bare_words(source) == ["Case", "Open", "case"]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_page_template_says_its_words_through_the_catalogue(page: Path):
    found = bare_words(page.read_text(encoding="utf-8"))
    assert found == [], f"{page.relative_to(ROOT)}: words outside _(): {' '.join(found[:40])}"

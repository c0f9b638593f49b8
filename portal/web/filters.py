"""Jinja filters: times shown in IST, money in Indian digit grouping, stored values in plain words."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask

from portal.formatting import amount, day, ist, rupees
from portal.web.labels import audit_words, event_sentence, label


def inr(value: Decimal | None, language: str | None = "en") -> str:
    """₹1,23,456.78 (see portal.formatting)."""
    return rupees(value, language)


_TYPED_NUMBER = re.compile(r"^\s*\(?\d{1,3}[.)]\s+")


def unnumbered(text: str) -> str:
    """A paragraph without the number its writer typed: the document numbers its paragraphs itself,
    so "1. The claimant..." is not printed as "1. 1. The claimant..."."""
    return _TYPED_NUMBER.sub("", text or "", count=1)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(ist=ist, inr=inr, amount=amount, day=day, humanize=label, label=label,
                               unnumbered=unnumbered, audit_words=audit_words)
    app.jinja_env.globals.update(event_sentence=event_sentence)

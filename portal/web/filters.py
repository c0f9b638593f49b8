"""Jinja filters: times shown in IST, money in Indian digit grouping, stored values in plain words."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask
from jinja2 import pass_context

from portal.formatting import amount, day, ist, rupees
from portal.web.labels import event_sentence, label


def inr(value: Decimal | None, language: str | None = "en") -> str:
    """₹1,23,456.78 (see portal.formatting)."""
    return rupees(value, language)


@pass_context
def pick_words(context, en: str, hi: str) -> str:
    """`t("English", "हिन्दी")`: the words in the page's language (its `lang`; English without one)."""
    return hi if context.get("lang") == "hi" else en


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(ist=ist, inr=inr, amount=amount, day=day, humanize=label, label=label)
    app.jinja_env.globals.update(event_sentence=event_sentence, t=pick_words)

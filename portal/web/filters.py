"""Jinja filters: times shown in IST, money in Indian digit grouping."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask

from portal.types import to_ist, to_paisa


def ist(value: datetime | None, fmt: str = "%d %b %Y, %H:%M IST") -> str:
    return "" if value is None else to_ist(value).strftime(fmt)


def amount(value: Decimal | None) -> str:
    """1,23,456.78: rupees and paise in lakh/crore grouping, as Indian readers expect."""
    if value is None:
        return ""
    value = to_paisa(value)
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join(groups + [tail])
    return f"{sign}{whole}.{frac}"


def inr(value: Decimal | None) -> str:
    """₹1,23,456.78 (see amount)."""
    if value is None:
        return ""
    text = amount(value)
    return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"


def humanize(value) -> str:
    return str(getattr(value, "value", value)).replace("_", " ")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(ist=ist, inr=inr, amount=amount, humanize=humanize)

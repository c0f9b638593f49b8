"""JSON read exactly: a number with a fraction becomes a Decimal, never a float, so an amount keeps
its paise and `portal.money` can tell 1000000000 from 1e9."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask.json.provider import DefaultJSONProvider


class ExactJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", Decimal)
        return super().loads(s, **kwargs)

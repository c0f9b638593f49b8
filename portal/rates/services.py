"""The Bank Rate table: the lookup computations use, and the platform admin's audited changes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.accounts import User
from portal.errors import DomainError
from portal.extensions import db
from portal.rates.models import BankRate
from portal.rates.table import RatePoint, RateTable

MAX_RATE = Decimal("20.00")  # the Bank Rate has never been near this; a higher figure is a typo
FIRST_YEAR = 1935  # the Reserve Bank of India began operations in 1935
NOTE_MAX = 300
CENT = Decimal("0.01")


class RateInvalid(DomainError):
    """The admin's entry breaks a rule; `errors` maps each form field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def rate_table() -> RateTable:
    """Every row as a pure RateTable for portal.cases.amounts."""
    rows = db.session.scalars(select(BankRate).order_by(BankRate.effective_from))
    return RateTable(RatePoint(r.effective_from, r.rate_percent, r.source_note) for r in rows)


def list_rates() -> list[BankRate]:
    return list(db.session.scalars(select(BankRate).order_by(BankRate.effective_from.desc())))


def _check(effective_from: date, rate_percent: Decimal, source_note: str, *,
           ignore_id: int | None = None) -> dict[str, str]:
    errors = {}
    if not FIRST_YEAR <= effective_from.year <= date.today().year + 1:
        errors["effective_from"] = (f"Give a date between {FIRST_YEAR} and next year; "
                                    f"{effective_from:%d %b %Y} looks like a typing slip.")
    else:
        clash = db.session.scalar(select(BankRate).where(BankRate.effective_from == effective_from))
        if clash is not None and clash.id != ignore_id:
            errors["effective_from"] = (f"A rate from {effective_from:%d %b %Y} is already "
                                        f"recorded ({clash.rate_percent}%); edit that row instead.")
    if not isinstance(rate_percent, Decimal) or not rate_percent.is_finite():
        errors["rate_percent"] = "Enter the rate as a number, e.g. 6.50."
    elif rate_percent <= 0 or rate_percent > MAX_RATE:
        errors["rate_percent"] = f"The Bank Rate must be more than 0% and at most {MAX_RATE}%."
    elif rate_percent != rate_percent.quantize(CENT):
        errors["rate_percent"] = "Give the rate to at most two decimal places, e.g. 6.25."
    note = source_note.strip()
    if not note:
        errors["source_note"] = "Say where the figure comes from (e.g. the RBI press release)."
    elif len(note) > NOTE_MAX:
        errors["source_note"] = f"Keep the source note to {NOTE_MAX} characters."
    return errors


def _flush_unique(row: BankRate) -> None:
    """Flush; a concurrent insert of the same date becomes the same clear refusal."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise RateInvalid({"effective_from": "A rate from that date is already recorded."}) from exc


def _snapshot(row: BankRate) -> dict:
    return {"effective_from": row.effective_from, "rate_percent": row.rate_percent,
            "source_note": row.source_note}


def add_rate(actor: User, effective_from: date, rate_percent: Decimal,
             source_note: str) -> BankRate:
    if errors := _check(effective_from, rate_percent, source_note):
        raise RateInvalid(errors)
    row = BankRate(effective_from=effective_from, rate_percent=rate_percent.quantize(CENT),
                   source_note=source_note.strip(), created_by_id=actor.id,
                   updated_by_id=actor.id)
    db.session.add(row)
    _flush_unique(row)
    audit.record("bank_rate.added", actor=actor, payload={"id": row.id, **_snapshot(row)})
    return row


def change_rate(actor: User, row: BankRate, effective_from: date, rate_percent: Decimal,
                source_note: str) -> bool:
    """Edit a row; returns False (and records nothing) when nothing changed."""
    if errors := _check(effective_from, rate_percent, source_note, ignore_id=row.id):
        raise RateInvalid(errors)
    before = _snapshot(row)
    row.effective_from, row.rate_percent = effective_from, rate_percent.quantize(CENT)
    row.source_note = source_note.strip()
    after = _snapshot(row)
    if after == before:
        return False
    row.updated_by_id = actor.id
    _flush_unique(row)
    audit.record("bank_rate.changed", actor=actor, payload={"id": row.id, "before": before,
                                                            "after": after})
    return True

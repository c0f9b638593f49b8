"""The Bank Rate rows every installation starts with; seeding is idempotent, keeps admin edits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.rates.models import BankRate

CONFIRMED = "RBI monetary policy statement (Bank Rate = MSF rate)"
UNCONFIRMED = "to be confirmed against RBI before reliance"

# (in force from, % a year, source). The migration b2_bank_rates inserts a frozen copy of these
# (q17_rate_source_wording later rewords the confirmed rows' source to the one below).
SEED_RATES: tuple[tuple[date, Decimal, str], ...] = (
    (date(2020, 5, 22), Decimal("4.25"), UNCONFIRMED),
    (date(2022, 5, 4), Decimal("4.65"), UNCONFIRMED),
    (date(2022, 6, 8), Decimal("5.15"), UNCONFIRMED),
    (date(2022, 8, 5), Decimal("5.65"), UNCONFIRMED),
    (date(2022, 9, 30), Decimal("6.15"), UNCONFIRMED),
    (date(2022, 12, 7), Decimal("6.50"), UNCONFIRMED),
    (date(2023, 2, 8), Decimal("6.75"), UNCONFIRMED),
    (date(2025, 2, 7), Decimal("6.50"), CONFIRMED),
    (date(2025, 4, 9), Decimal("6.25"), CONFIRMED),
    (date(2025, 6, 6), Decimal("5.75"), CONFIRMED),
    (date(2025, 12, 5), Decimal("5.50"), CONFIRMED),
)


def seed_bank_rates() -> int:
    """Add any seed row whose date is missing; never overwrite a row an admin may have edited.

    Returns how many rows were added (flushes, never commits)."""
    present = set(db.session.scalars(select(BankRate.effective_from)))
    missing = [(on, rate, note) for on, rate, note in SEED_RATES if on not in present]
    for on, rate, note in missing:
        db.session.add(BankRate(effective_from=on, rate_percent=rate, source_note=note))
    if missing:
        db.session.flush()
        audit.record("bank_rate.seeded", actor=None, payload={
            "rows": [{"effective_from": on, "rate_percent": rate} for on, rate, _ in missing]})
    return len(missing)

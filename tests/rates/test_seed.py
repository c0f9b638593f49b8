"""The seeded Bank Rate table: the migration's rows, idempotent seeding, the lookup built on it."""
import importlib.util
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.rates import RateMissing, services
from portal.rates.models import BankRate
from portal.rates.seed import CONFIRMED, SEED_RATES, seed_bank_rates

VERSIONS = PROJECT_ROOT / "migrations" / "versions"
MIGRATION = VERSIONS / "2026_11_22_2300-b2_bank_rates.py"


def load_migration(revision: str):
    (path,) = VERSIONS.glob(f"*-{revision}.py")
    spec = importlib.util.spec_from_file_location(revision, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(session):
    return [(r.effective_from, r.rate_percent, r.source_note)
            for r in session.scalars(select(BankRate).order_by(BankRate.effective_from))]


def test_a_fresh_database_holds_the_seed_rows(db_session):
    assert rows(db_session) == list(SEED_RATES)


def test_the_migration_copy_matches_the_seed_list():
    spec = importlib.util.spec_from_file_location("b2_bank_rates", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reworded = load_migration("q17_rate_source_wording")
    assert (reworded.OLD, reworded.NEW) == (module.CONFIRMED, CONFIRMED)
    assert [(on, Decimal(rate), reworded.NEW if note == reworded.OLD else note)
            for on, rate, note in module.SEED_ROWS] == list(SEED_RATES)
    assert (module.revision, module.down_revision) == ("b2_bank_rates", "30bc93ca9b80")


def test_seeding_is_idempotent_and_keeps_admin_edits(db_session):
    assert seed_bank_rates() == 0
    edited = db_session.scalar(select(BankRate).where(BankRate.effective_from == date(2023, 2, 8)))
    edited.source_note = "Confirmed against RBI"
    db_session.delete(db_session.scalar(select(BankRate).where(
        BankRate.effective_from == date(2025, 12, 5))))
    db_session.flush()
    assert seed_bank_rates() == 1
    assert seed_bank_rates() == 0
    assert edited.source_note == "Confirmed against RBI"
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "bank_rate.seeded"))
    assert event.data == {"rows": [{"effective_from": "2025-12-05", "rate_percent": "5.50"}]}


def test_rate_table_from_the_database(db_session):
    table = services.rate_table()
    assert len(table) == len(SEED_RATES)
    assert table.rate_on(date(2025, 4, 8)).rate_percent == Decimal("6.50")
    assert table.rate_on(date(2025, 4, 9)).rate_percent == Decimal("6.25")
    assert table.rate_on(date(2030, 1, 1)).rate_percent == Decimal("5.50")
    assert "to be confirmed" in table.rate_on(date(2024, 1, 1)).source_note
    with pytest.raises(RateMissing, match="table starts on 22 May 2020"):
        table.rate_on(date(2020, 5, 21))


def test_the_database_refuses_what_the_form_refuses(db_session):
    from sqlalchemy.exc import IntegrityError

    for bad in (BankRate(effective_from=date(2025, 2, 7), rate_percent=Decimal("6.00"),
                         source_note="duplicate"),
                BankRate(effective_from=date(2026, 1, 1), rate_percent=Decimal("21.00"),
                         source_note="too high")):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db_session.add(bad)
            db_session.flush()

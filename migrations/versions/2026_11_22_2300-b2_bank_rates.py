"""bank rates: the dated RBI Bank Rate table behind MSMED s.16 interest, with its seed rows

Revision ID: b2_bank_rates
Revises: 30bc93ca9b80
Create Date: 2026-11-22 23:00:00

"""
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2_bank_rates"
down_revision = "30bc93ca9b80"
branch_labels = None
depends_on = None

CONFIRMED = "RBI monetary policy statement (Bank Rate = MSF rate), per Sulah DOMAIN.md"
UNCONFIRMED = "to be confirmed against RBI before reliance"

# A frozen copy of portal/rates/seed.py SEED_RATES as it stood when this migration was written:
# migrations must not import application code that may later change.
# tests/rates/test_seed.py checks the two lists agree.
SEED_ROWS = [
    (date(2020, 5, 22), "4.25", UNCONFIRMED),
    (date(2022, 5, 4), "4.65", UNCONFIRMED),
    (date(2022, 6, 8), "5.15", UNCONFIRMED),
    (date(2022, 8, 5), "5.65", UNCONFIRMED),
    (date(2022, 9, 30), "6.15", UNCONFIRMED),
    (date(2022, 12, 7), "6.50", UNCONFIRMED),
    (date(2023, 2, 8), "6.75", UNCONFIRMED),
    (date(2025, 2, 7), "6.50", CONFIRMED),
    (date(2025, 4, 9), "6.25", CONFIRMED),
    (date(2025, 6, 6), "5.75", CONFIRMED),
    (date(2025, 12, 5), "5.50", CONFIRMED),
]


def upgrade():
    bank_rates = op.create_table(
        "bank_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("source_note", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate_percent > 0 AND rate_percent <= 20",
                           name=op.f("ck_bank_rates_rate_range")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_bank_rates_created_by_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_bank_rates_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_rates")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_bank_rates_effective_from")),
    )
    now = datetime.now(UTC)
    op.bulk_insert(bank_rates, [
        {"effective_from": on, "rate_percent": Decimal(rate), "source_note": note,
         "created_by_id": None, "updated_by_id": None, "created_at": now, "updated_at": now}
        for on, rate, note in SEED_ROWS])


def downgrade():
    op.drop_table("bank_rates")

"""rate source wording: the confirmed Bank Rate rows cite the RBI statement itself, not a file of the
project's own that a reader of the case page cannot open

Revision ID: q17_rate_source_wording
Revises: p16_signed_mandates
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'q17_rate_source_wording'
down_revision = 'p16_signed_mandates'
branch_labels = None
depends_on = None

OLD = "RBI monetary policy statement (Bank Rate = MSF rate), per Sulah DOMAIN.md"
NEW = "RBI monetary policy statement (Bank Rate = MSF rate)"

bank_rates = sa.table("bank_rates", sa.column("source_note", sa.String))


def upgrade():
    op.execute(bank_rates.update().where(bank_rates.c.source_note == OLD).values(source_note=NEW))


def downgrade():
    op.execute(bank_rates.update().where(bank_rates.c.source_note == NEW).values(source_note=OLD))

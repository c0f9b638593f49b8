"""the language a staff member's pages speak (users.language: "en" or "hi"), chosen with the switch in
the page header and kept on the account, so it follows them to any device

Revision ID: staff_language
Revises: accounts_switched_off
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'staff_language'
down_revision = 'accounts_switched_off'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('language', sa.String(length=2), nullable=True))


def downgrade():
    # A plain DROP COLUMN, not a batch (see accounts_switched_off): a batch rebuilds `users` on SQLite,
    # which fails once another table's row points at a user.
    op.drop_column('users', 'language')

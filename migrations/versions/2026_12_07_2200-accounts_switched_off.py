"""a user account's status change time (users.status_changed_at), written by lifecycle.fire when the
organisation's administrator switches the account off or on; the session id binds to it, so
switching an account off ends its sessions for good (switching it on again does not revive them)

Revision ID: accounts_switched_off
Revises: keyset_list_indexes
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'accounts_switched_off'
down_revision = 'keyset_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # A plain DROP COLUMN (PostgreSQL; SQLite since 3.35), not a batch: on SQLite a batch rebuilds
    # `users` (copy, DROP, rename), and with foreign keys enforced the DROP fails once any row of
    # another table points at a user.
    op.drop_column('users', 'status_changed_at')

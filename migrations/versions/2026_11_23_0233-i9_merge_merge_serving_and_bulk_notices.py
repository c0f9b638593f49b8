"""merge serving, bulk notices and signing ceremonies

Revision ID: i9_merge
Revises: h8_dispatch, h8_notice_batches
Create Date: 2026-11-23 02:33:09.695306

"""


# revision identifiers, used by Alembic.
revision = 'i9_merge'
down_revision = ('h8_dispatch', 'h8_notice_batches', 'h8_signing_ceremonies')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

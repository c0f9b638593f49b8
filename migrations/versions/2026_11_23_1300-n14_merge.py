"""merge the arbitration basis and invocation, the tribunal, proceedings and awards

Revision ID: n14_merge
Revises: m13_awards, m13_proceedings, m13_tribunal
Create Date: 2026-11-23 13:00:00

"""


# revision identifiers, used by Alembic.
revision = 'n14_merge'
down_revision = ('m13_awards', 'm13_proceedings', 'm13_tribunal')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

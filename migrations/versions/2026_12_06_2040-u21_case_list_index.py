"""cases: index (creditor_org_id, created_at, id) for the case list's keyset pages

Revision ID: u21_case_list_index
Revises: t20_ledger_checkpoints
Create Date: 2026-12-06 20:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'u21_case_list_index'
down_revision = 't20_ledger_checkpoints'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_creditor_org_id_created_at_id',
                              ['creditor_org_id', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_creditor_org_id_created_at_id')

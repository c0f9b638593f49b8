"""advocate signing tokens: the labels of an advocate's DSC on a PKCS#11 token or HSM attached to the
signing server (the PIN is never stored)

Revision ID: k11_tokens
Revises: j10_debtor_access
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'k11_tokens'
down_revision = 'j10_debtor_access'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('advocate_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_token_label', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('signing_key_label', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('advocate_profiles', schema=None) as batch_op:
        batch_op.drop_column('signing_key_label')
        batch_op.drop_column('signing_token_label')

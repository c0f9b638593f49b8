"""settlement ceremonies: a signing ceremony belongs to a notice or to a settlement agreement

Revision ID: o15_settlement_ceremonies
Revises: n14_merge
Create Date: 2026-11-23 14:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'o15_settlement_ceremonies'
down_revision = 'n14_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signing_ceremonies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settlement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signer_side', sa.String(length=16), nullable=True))
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_signing_ceremonies_settlement_id'), ['settlement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_signing_ceremonies_settlement_id_settlement_agreements'),
                                    'settlement_agreements', ['settlement_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_signing_ceremonies_one_document'),
                                         '(notice_id IS NULL) <> (settlement_id IS NULL)')


def downgrade():
    # Settlement ceremonies cannot exist without the column that names their agreement.
    op.execute("DELETE FROM signing_ceremonies WHERE settlement_id IS NOT NULL")
    with op.batch_alter_table('signing_ceremonies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_signing_ceremonies_one_document'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_signing_ceremonies_settlement_id_settlement_agreements'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_signing_ceremonies_settlement_id'))
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('signer_side')
        batch_op.drop_column('settlement_id')

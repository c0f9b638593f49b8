"""debtor responses: each answer the debtor gives to a served notice (acknowledge, pay in full,
admit part, propose a plan, dispute, ask for a call back)

Revision ID: k11_responses
Revises: j10_debtor_access
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'k11_responses'
down_revision = 'j10_debtor_access'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('debtor_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('acknowledge', 'pay_in_full', 'admit_part', 'propose_plan', 'dispute', 'call_back', name='responsekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Enum('goods_not_received', 'quality', 'amount_wrong', 'already_paid', 'not_my_debt', 'other', name='disputereason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('disputed_invoice_ids', sa.Text(), nullable=False),
    sa.Column('admitted_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('plan_terms', sa.Text(), nullable=True),
    sa.Column('callback_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('callback_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('callback_phone', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_debtor_responses_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_debtor_responses_case_id_cases')),
    sa.ForeignKeyConstraint(['link_id'], ['debtor_links.id'], name=op.f('fk_debtor_responses_link_id_debtor_links')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_debtor_responses'))
    )
    with op.batch_alter_table('debtor_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_debtor_responses_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('debtor_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_debtor_responses_case_id'))

    op.drop_table('debtor_responses')

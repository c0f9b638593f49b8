"""receivables: rolled-up positions (receivable_positions, one row per debtor per creditor: ageing,
priority with its inputs, owner, first limitation date) and portfolio snapshots (DSO, collections by
month, funnels), read by the work queue and the dashboards; cases by created_at for the advocate's
list. Filled by `flask collections rollup` and the rollup beat.

Revision ID: pages_receivable_positions
Revises: zb28_scale_case_sums
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'pages_receivable_positions'
down_revision = 'zb28_scale_case_sums'
branch_labels = None
depends_on = None


def upgrade():
    money = sa.Numeric(precision=14, scale=2)
    op.create_table(
        'receivable_positions',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('outstanding', money, nullable=False),
        sa.Column('not_due', money, nullable=False),
        sa.Column('due_1_30', money, nullable=False),
        sa.Column('due_31_60', money, nullable=False),
        sa.Column('due_61_90', money, nullable=False),
        sa.Column('due_over_90', money, nullable=False),
        sa.Column('oldest_due', sa.Date(), nullable=False),
        sa.Column('days_overdue', sa.Integer(), nullable=False),
        sa.Column('open_invoices', sa.Integer(), nullable=False),
        sa.Column('promises_broken', sa.Integer(), nullable=False),
        sa.Column('promises_kept', sa.Integer(), nullable=False),
        sa.Column('reminders_sent', sa.Integer(), nullable=False),
        sa.Column('responded', sa.Boolean(), nullable=False),
        sa.Column('msmed_interest_accruing', sa.Boolean(), nullable=False),
        sa.Column('at_notice_level', sa.Boolean(), nullable=False),
        sa.Column('limitation_ends', sa.Date(), nullable=True),
        sa.Column('limitation_invoice', sa.String(length=100), nullable=True),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('overridden', sa.Boolean(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_receivable_positions_org_id_organizations')),
        sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_receivable_positions_party_id_parties')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_receivable_positions_owner_id_users')),
        sa.PrimaryKeyConstraint('org_id', 'party_id', name=op.f('pk_receivable_positions')),
    )
    with op.batch_alter_table('receivable_positions', schema=None) as batch_op:
        batch_op.create_index('ix_receivable_positions_queue', ['org_id', 'score', 'outstanding', 'party_id'])
        batch_op.create_index('ix_receivable_positions_outstanding', ['org_id', 'outstanding', 'party_id'])
        batch_op.create_index('ix_receivable_positions_limitation', ['org_id', 'limitation_ends'])
        batch_op.create_index(batch_op.f('ix_receivable_positions_party_id'), ['party_id'])
    op.create_table(
        'receivable_portfolio_snapshots',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('debtors', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organizations.id'],
                                name=op.f('fk_receivable_portfolio_snapshots_org_id_organizations')),
        sa.PrimaryKeyConstraint('org_id', name=op.f('pk_receivable_portfolio_snapshots')),
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_at_id', ['created_at', 'id'])


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_created_at_id')
    op.drop_table('receivable_portfolio_snapshots')
    with op.batch_alter_table('receivable_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receivable_positions_party_id'))
        batch_op.drop_index('ix_receivable_positions_limitation')
        batch_op.drop_index('ix_receivable_positions_outstanding')
        batch_op.drop_index('ix_receivable_positions_queue')
    op.drop_table('receivable_positions')

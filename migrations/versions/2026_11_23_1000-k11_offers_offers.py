"""offers: a party's offer, counter and the conciliator's proposal; double-blind bidding
agreements and their sealed bids

Revision ID: k11_offers
Revises: j10_debtor_access
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'k11_offers'
down_revision = 'j10_debtor_access'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bidding_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('creditor', 'debtor', 'neutral', name='side', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'active', 'declined', 'withdrawn', 'settled', 'exhausted', 'lapsed', name='biddingstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('gap_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('gap_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('current_round', sa.Integer(), nullable=False),
    sa.Column('pay_within_days', sa.Integer(), nullable=False),
    sa.Column('settled_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('rounds >= 1 AND rounds <= 10', name=op.f('ck_bidding_agreements_rounds')),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['users.id'], name=op.f('fk_bidding_agreements_agreed_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_bidding_agreements_case_id_cases')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_bidding_agreements_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bidding_agreements'))
    )
    with op.batch_alter_table('bidding_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bidding_agreements_case_id'), ['case_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('creditor', 'debtor', 'neutral', name='side', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('live', 'accepted', 'rejected', 'countered', 'withdrawn', 'superseded', 'lapsed', name='offerstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('terms_json', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('creditor_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('debtor_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('total > 0', name=op.f('ck_offers_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_offers_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_offers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_offers_made_by_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['offers.id'], name=op.f('fk_offers_parent_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_case_id'), ['case_id'], unique=False)

    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('creditor', 'debtor', 'neutral', name='side', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_bids_positive')),
    sa.ForeignKeyConstraint(['agreement_id'], ['bidding_agreements.id'], name=op.f('fk_bids_agreement_id_bidding_agreements')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_bids_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('agreement_id', 'round_no', 'side', name=op.f('uq_bids_agreement_id_round_no_side'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_agreement_id'), ['agreement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_agreement_id'))

    op.drop_table('bids')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_case_id'))

    op.drop_table('offers')
    with op.batch_alter_table('bidding_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bidding_agreements_case_id'))

    op.drop_table('bidding_agreements')

"""arbitral awards (s.31, s.30 consent awards), their service on each party, the award notice kind

Revision ID: m13_awards
Revises: m13_invocation
Create Date: 2026-11-23 12:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'm13_awards'
down_revision = 'm13_invocation'
branch_labels = None
# The notice-kind CHECK below lists m13_invocation's kind too, so it follows that migration.
depends_on = None

KINDS_BEFORE = ('msmed_demand', 'commercial_demand', 'cheque_dishonour', 'arbitration_invocation')


def _kind_check(batch_op, kinds):
    batch_op.drop_constraint(op.f('ck_notices_noticekind'), type_='check')
    batch_op.create_check_constraint(op.f('ck_notices_noticekind'),
                                     sa.text("kind IN (%s)" % ", ".join(f"'{k}'" for k in kinds)))


def upgrade():
    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'finalised', 'signed', 'served', name='awardstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('award_date', sa.Date(), nullable=True),
    sa.Column('seat', sa.String(length=120), nullable=False),
    sa.Column('claimant', sa.String(length=200), nullable=False),
    sa.Column('respondent', sa.String(length=200), nullable=False),
    sa.Column('agreement', sa.Text(), nullable=False),
    sa.Column('principal', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('pre_rate', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('pre_from', sa.Date(), nullable=True),
    sa.Column('pre_to', sa.Date(), nullable=True),
    sa.Column('pre_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('post_basis', sa.Enum('directed', 'statutory', name='postinterestbasis', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('post_current_rate', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('post_rate', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('costs', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('costs_borne_by', sa.Enum('claimant', 'respondent', 'shared', name='costsborneby', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('unsigned_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('signed_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('court_extension_days', sa.Integer(), nullable=False),
    sa.Column('challenge_filed_on', sa.Date(), nullable=True),
    sa.Column('challenge_note', sa.Text(), nullable=False),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_awards_case_id_cases')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_awards_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_awards_notice_id_notices')),
    sa.ForeignKeyConstraint(['settlement_id'], ['settlement_agreements.id'], name=op.f('fk_awards_settlement_id_settlement_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('case_id', name=op.f('uq_awards_case_id'))
    )
    op.create_table('award_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('claimant', 'respondent', name='awardside', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('route', sa.String(length=200), nullable=False),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_award_services_award_id_awards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_services')),
    sa.UniqueConstraint('award_id', 'side', name=op.f('uq_award_services_award_id_side'))
    )
    with op.batch_alter_table('award_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_services_award_id'), ['award_id'], unique=False)

    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, KINDS_BEFORE + ('arbitral_award',))


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, KINDS_BEFORE)
    with op.batch_alter_table('award_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_services_award_id'))
    op.drop_table('award_services')
    op.drop_table('awards')

"""arbitration basis (clause, submission agreement, MSMED reference) and the s.21 notice kind

Revision ID: m13_invocation
Revises: l12_merge
Create Date: 2026-11-23 12:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'm13_invocation'
down_revision = 'l12_merge'
branch_labels = None
depends_on = None

NOTICE_KINDS = ('msmed_demand', 'commercial_demand', 'cheque_dishonour')
# m13_awards, a parallel head, adds 'arbitral_award' to the same CHECK: whichever of the two runs
# last rewrites it, so each allows both new kinds and neither undoes the other.
AWARD_KIND = ('arbitral_award',)


def _kind_check(batch_op, kinds):
    batch_op.drop_constraint(op.f('ck_notices_noticekind'), type_='check')
    batch_op.create_check_constraint(op.f('ck_notices_noticekind'),
                                     sa.text("kind IN (%s)" % ", ".join(f"'{k}'" for k in kinds)))


def upgrade():
    op.create_table('arbitration_bases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('clause', 'submission_agreement', 'msmed_reference', name='basiskind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('awaiting_acceptance', 'in_force', 'statutory', name='basisstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('clause_text', sa.Text(), nullable=True),
    sa.Column('seat', sa.String(length=120), nullable=False),
    sa.Column('agreement_sha256', sa.String(length=64), nullable=True),
    sa.Column('sealed_sha256', sa.String(length=64), nullable=True),
    sa.Column('creditor_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('creditor_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('creditor_acceptance', sa.String(length=300), nullable=False),
    sa.Column('debtor_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('debtor_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('debtor_acceptance', sa.String(length=300), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_arbitration_bases_case_id_cases')),
    sa.ForeignKeyConstraint(['creditor_accepted_by_id'], ['users.id'], name=op.f('fk_arbitration_bases_creditor_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['debtor_accepted_by_id'], ['users.id'], name=op.f('fk_arbitration_bases_debtor_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_arbitration_bases_document_id_documents')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_arbitration_bases_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitration_bases')),
    sa.UniqueConstraint('case_id', name=op.f('uq_arbitration_bases_case_id'))
    )
    with op.batch_alter_table('arbitration_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitration_bases_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, NOTICE_KINDS + ('arbitration_invocation',) + AWARD_KIND)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, NOTICE_KINDS + AWARD_KIND)
    with op.batch_alter_table('arbitration_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbitration_bases_document_id'))
    op.drop_table('arbitration_bases')

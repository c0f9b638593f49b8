"""tribunal: arbitrator's receipt of the notice of appointment (s.23(4)), the parties' consent to the
institution appointing (s.11), the conciliator's disclosure and acceptance

Revision ID: z26_tribunal_due_process
Revises: y25_receipt_clocks
Create Date: 2026-12-06 22:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'z26_tribunal_due_process'
down_revision = 'y25_receipt_clocks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('arbitral_appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_received_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'arbitral_institution_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('side', sa.Enum('creditor', 'debtor', 'neutral', name='side', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('given_by_id', sa.Integer(), nullable=True),
        sa.Column('given_by_name', sa.String(length=200), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['given_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'side'),
    )
    with op.batch_alter_table('arbitral_institution_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitral_institution_consents_case_id'), ['case_id'], unique=False)
    op.create_table(
        'conciliator_acceptances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('neutral_id', sa.Integer(), nullable=False),
        sa.Column('disclosure', sa.JSON(), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.ForeignKeyConstraint(['neutral_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'neutral_id'),
    )
    with op.batch_alter_table('conciliator_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conciliator_acceptances_case_id'), ['case_id'], unique=False)


def downgrade():
    op.drop_table('conciliator_acceptances')
    op.drop_table('arbitral_institution_consents')
    with op.batch_alter_table('arbitral_appointments', schema=None) as batch_op:
        batch_op.drop_column('notice_received_at')

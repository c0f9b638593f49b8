"""receipt: when a served notice was received, whether an event's time of day is known, the
cheque's presentation date and the day the payee received the bank's return memo (NI s.138), and the
expert's Part B certificates (BSA s.63) of a delivery proof

Revision ID: y25_receipt_clocks
Revises: x24_collections_call_outcomes
Create Date: 2026-12-06 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'y25_receipt_clocks'
down_revision = 'x24_collections_call_outcomes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'attached', name='expertcertificatestatus', native_enum=False,
                                create_constraint=True, length=32), nullable=False),
    sa.Column('expert_name', sa.String(length=200), nullable=False),
    sa.Column('expert_qualification', sa.String(length=300), nullable=False),
    sa.Column('proof_version', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('expert_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_certificates_notice_id'), ['notice_id'], unique=False)
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_known', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('notice_service_terms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cheque_presented_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('memo_received_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('memo_received_on')
        batch_op.drop_column('cheque_presented_on')
    with op.batch_alter_table('notice_service_terms', schema=None) as batch_op:
        batch_op.drop_column('received_at')
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.drop_column('time_known')
    with op.batch_alter_table('expert_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_certificates_notice_id'))
    op.drop_table('expert_certificates')

"""ledger checkpoints outside the database (audit_checkpoints); delivery events de-duplicated by the
provider's identity (provider, message id, status; and its own event id)

Revision ID: t20_ledger_checkpoints
Revises: s19_receivables
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 't20_ledger_checkpoints'
down_revision = 's19_receivables'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('document_sha256', name=op.f('uq_audit_checkpoints_document_sha256'))
    )
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoints_seq'), ['seq'], unique=False)

    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('provider_status', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('provider_event_id', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_delivery_events_source_provider_message_id_provider_status'),
            ['source', 'provider_message_id', 'provider_status'])
        batch_op.create_unique_constraint(batch_op.f('uq_delivery_events_source_provider_event_id'),
                                          ['source', 'provider_event_id'])


def downgrade():
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_delivery_events_source_provider_event_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_delivery_events_source_provider_message_id_provider_status'),
                                 type_='unique')
        batch_op.drop_column('provider_event_id')
        batch_op.drop_column('provider_status')
        batch_op.drop_column('provider_message_id')

    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoints_seq'))

    op.drop_table('audit_checkpoints')

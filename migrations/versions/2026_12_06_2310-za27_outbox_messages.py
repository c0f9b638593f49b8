"""the transactional outbox (outbox_messages); a dispatch's recorded acceptance by the provider
(accepted_at, accepted_reply, accepted_detail), written before the dispatch is marked sent

Revision ID: za27_outbox_messages
Revises: z26_tribunal_due_process
Create Date: 2026-12-06 21:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'za27_outbox_messages'
down_revision = 'z26_tribunal_due_process'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=120), nullable=False),
    sa.Column('arguments', sa.Text(), nullable=False),
    sa.Column('eta', sa.DateTime(timezone=True), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publications', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_pending', ['done_at', 'published_at'], unique=False)
        batch_op.create_index('ix_outbox_messages_key', ['key'], unique=False)

    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_reply', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('accepted_detail', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('accepted_detail')
        batch_op.drop_column('accepted_reply')
        batch_op.drop_column('accepted_at')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_key')
        batch_op.drop_index('ix_outbox_messages_pending')

    op.drop_table('outbox_messages')

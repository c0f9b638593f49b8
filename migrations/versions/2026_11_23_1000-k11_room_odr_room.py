"""odr room: messages in the room and in each side's caucus with the neutral, read markers,
requests for a conciliator

Revision ID: k11_room
Revises: j10_debtor_access
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'k11_room'
down_revision = 'j10_debtor_access'
branch_labels = None
depends_on = None


def side():
    return sa.Enum('creditor', 'debtor', 'neutral', name='side', native_enum=False, create_constraint=True, length=32)


def channel():
    return sa.Enum('room', 'caucus:creditor', 'caucus:debtor', name='channel', native_enum=False,
                   create_constraint=True, length=32)


def upgrade():
    op.create_table('conciliation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('side', side(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'appointed', name='requeststatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('neutral_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_conciliation_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_conciliation_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['neutral_id'], ['users.id'], name=op.f('fk_conciliation_requests_neutral_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_conciliation_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conciliation_requests'))
    )
    with op.batch_alter_table('conciliation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conciliation_requests_case_id'), ['case_id'], unique=False)

    op.create_table('room_read_markers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', channel(), nullable=False),
    sa.Column('reader_key', sa.String(length=40), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_room_read_markers_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_read_markers')),
    sa.UniqueConstraint('case_id', 'channel', 'reader_key', name=op.f('uq_room_read_markers_case_id_channel_reader_key'))
    )
    with op.batch_alter_table('room_read_markers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_read_markers_case_id'), ['case_id'], unique=False)

    op.create_table('room_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', channel(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_side', side(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_room_messages_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_room_messages_case_id_cases')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_room_messages_document_id_documents')),
    sa.ForeignKeyConstraint(['reply_to_id'], ['room_messages.id'], name=op.f('fk_room_messages_reply_to_id_room_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_messages'))
    )
    with op.batch_alter_table('room_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_messages_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('room_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_messages_case_id'))

    op.drop_table('room_messages')
    with op.batch_alter_table('room_read_markers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_read_markers_case_id'))

    op.drop_table('room_read_markers')
    with op.batch_alter_table('conciliation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conciliation_requests_case_id'))

    op.drop_table('conciliation_requests')

"""attention items: what waits on whom (portal.notifications), opened and closed by audit events

Revision ID: r18_attention_items
Revises: q17_rate_source_wording
Create Date: 2026-12-06 19:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'r18_attention_items'
down_revision = 'q17_rate_source_wording'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attention_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('may', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lapses', sa.Boolean(), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('link_args', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=80), nullable=True),
    sa.Column('to_tell', sa.Boolean(), nullable=False),
    sa.Column('told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_channels', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attention_items_case_id_cases')),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_attention_items_event_id_audit_events')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_attention_items_party_id_parties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attention_items_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attention_items')),
    sa.CheckConstraint('(user_id IS NULL) <> (party_id IS NULL)', name=op.f('ck_attention_items_one_addressee')),
    )
    with op.batch_alter_table('attention_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attention_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_attention_items_open_party', ['party_id', 'resolved_at'], unique=False)
        batch_op.create_index('ix_attention_items_open_user', ['user_id', 'resolved_at'], unique=False)



def downgrade():
    with op.batch_alter_table('attention_items', schema=None) as batch_op:
        batch_op.drop_index('ix_attention_items_open_user')
        batch_op.drop_index('ix_attention_items_open_party')
        batch_op.drop_index(batch_op.f('ix_attention_items_case_id'))

    op.drop_table('attention_items')

"""receivables: reminder_calls, what came of each call a follow-up level asked for

Revision ID: x24_collections_call_outcomes
Revises: w23_api_keys
Create Date: 2026-12-06 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'x24_collections_call_outcomes'
down_revision = 'w23_api_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('party_id', sa.Integer(), nullable=False),
        sa.Column('level_id', sa.Integer(), nullable=False),
        sa.Column('reminder_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.Enum('reached', 'promised', 'no_answer', 'wrong_number', name='calloutcome',
                                     native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_reminder_calls_by_id_users')),
        sa.ForeignKeyConstraint(['level_id'], ['reminder_levels.id'],
                                name=op.f('fk_reminder_calls_level_id_reminder_levels')),
        sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_reminder_calls_org_id_organizations')),
        sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_reminder_calls_party_id_parties')),
        sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'],
                                name=op.f('fk_reminder_calls_reminder_id_reminders')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_calls')),
    )
    with op.batch_alter_table('reminder_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_calls_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_calls_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_calls_reminder_id'), ['reminder_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reminder_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_calls_reminder_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_calls_party_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_calls_org_id'))
    op.drop_table('reminder_calls')

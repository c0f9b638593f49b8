"""notice batches: bulk notice requests, their items and the advocate's sample

Revision ID: h8_notice_batches
Revises: g7_signing_keys
Create Date: 2026-11-23 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'h8_notice_batches'
down_revision = 'g7_signing_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.Enum('en', 'hi', name='noticelanguage', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('pay_within_days', sa.Integer(), nullable=False),
    sa.Column('submit_for_review', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_notice_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'], name=op.f('fk_notice_batches_import_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_notice_batches_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_batches'))
    )
    with op.batch_alter_table('notice_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_batches_org_id'), ['org_id'], unique=False)

    op.create_table('notice_batch_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'drafted', 'failed', name='batchitemstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sampled_by_id', sa.Integer(), nullable=True),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sample_viewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['notice_batches.id'], name=op.f('fk_notice_batch_items_batch_id_notice_batches')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notice_batch_items_case_id_cases')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_batch_items_notice_id_notices')),
    sa.ForeignKeyConstraint(['sampled_by_id'], ['users.id'], name=op.f('fk_notice_batch_items_sampled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_batch_items')),
    sa.UniqueConstraint('batch_id', 'case_id', name=op.f('uq_notice_batch_items_batch_id_case_id'))
    )
    with op.batch_alter_table('notice_batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_batch_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_batch_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_batch_items_notice_id'), ['notice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notice_batch_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_batch_items_notice_id'))
        batch_op.drop_index(batch_op.f('ix_notice_batch_items_case_id'))
        batch_op.drop_index(batch_op.f('ix_notice_batch_items_batch_id'))
    op.drop_table('notice_batch_items')
    with op.batch_alter_table('notice_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_batches_org_id'))
    op.drop_table('notice_batches')

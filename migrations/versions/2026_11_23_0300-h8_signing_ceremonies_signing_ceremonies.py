"""signing ceremonies: signatures started at Aadhaar eSign or DocuSign, finished by their callback

Revision ID: h8_signing_ceremonies
Revises: g7_signing_keys
Create Date: 2026-11-23 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'h8_signing_ceremonies'
down_revision = 'g7_signing_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signing_ceremonies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('provider_ref', sa.String(length=100), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'signed', 'declined', 'failed', 'abandoned', name='ceremonystatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=True),
    sa.Column('signed_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_signing_ceremonies_notice_id_notices')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_signing_ceremonies_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_ceremonies')),
    sa.UniqueConstraint('provider', 'provider_ref', name=op.f('uq_signing_ceremonies_provider_provider_ref')),
    sa.UniqueConstraint('token', name=op.f('uq_signing_ceremonies_token'))
    )
    with op.batch_alter_table('signing_ceremonies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_ceremonies_notice_id'), ['notice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('signing_ceremonies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_ceremonies_notice_id'))
    op.drop_table('signing_ceremonies')

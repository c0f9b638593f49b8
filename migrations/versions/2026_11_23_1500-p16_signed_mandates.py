"""signed mandates: the creditor accepts a PDF with a one-time code, the platform seals it, the
advocate countersigns it with its DSC; mandates given before stay in force as they were

Revision ID: p16_signed_mandates
Revises: o15_settlement_ceremonies
Create Date: 2026-11-23 15:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'p16_signed_mandates'
down_revision = 'o15_settlement_ceremonies'
branch_labels = None
depends_on = None

LEGACY_METHOD = "accepted online (before signed mandates)"
STATUS = sa.Enum('awaiting_advocate', 'in_force', name='mandatestatus', native_enum=False,
                 create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', STATUS, nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_ip', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('sealed_pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signed_pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('advocate_signed_at', sa.DateTime(timezone=True), nullable=True))
    # Mandates given before keep working: in force, accepted when they were given.
    mandates = sa.table('mandates', sa.column('status', sa.String), sa.column('method', sa.String),
                        sa.column('accepted_ip', sa.String), sa.column('accepted_at', sa.DateTime),
                        sa.column('signed_at', sa.DateTime))
    op.execute(mandates.update().values(status='in_force', method=LEGACY_METHOD, accepted_ip='',
                                        accepted_at=mandates.c.signed_at))
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=STATUS, nullable=False)
        batch_op.alter_column('accepted_ip', existing_type=sa.String(length=45), nullable=False)


def downgrade():
    # A mandate the advocate has not countersigned was never in force: it cannot survive as one.
    op.execute("DELETE FROM mandates WHERE status <> 'in_force'")
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mandates_mandatestatus'), type_='check')
        batch_op.drop_column('advocate_signed_at')
        batch_op.drop_column('signed_pdf_sha256')
        batch_op.drop_column('sealed_pdf_sha256')
        batch_op.drop_column('accepted_ip')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('status')

"""receipt: when a served notice was received, whether an event's time of day is known, and the
cheque's presentation date and the day the payee received the bank's return memo (NI s.138)

Revision ID: v22_receipt_receipt_and_cheque_dates
Revises: u21_case_list_index
Create Date: 2026-12-06 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'v22_receipt_receipt_and_cheque_dates'
down_revision = 'u21_case_list_index'
branch_labels = None
depends_on = None


def upgrade():
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

"""Interest treatments as explicit case settings: a frozen rate fixed on the first day of interest,
a part month pro rata by a 30-day month, and rounding once at the end; the payer's written
acknowledgement of a part payment (Limitation Act s.19).

Revision ID: v22_legal_interest_treatments
Revises: u21_case_list_index
Create Date: 2026-12-06 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'v22_legal_interest_treatments'
down_revision = 'u21_case_list_index'
branch_labels = None
depends_on = None

OLD = {'ratebasis': ('floating', 'frozen'), 'partmonth': ('pro_rata_days', 'ignore')}
NEW = {'ratebasis': ('floating', 'frozen', 'frozen_first_day'),
       'partmonth': ('pro_rata_days', 'thirty_day', 'ignore')}


def _checks(batch_op, values):
    for name, allowed in values.items():
        batch_op.drop_constraint(op.f(f'ck_cases_{name}'), type_='check')
        column = 'rate_basis' if name == 'ratebasis' else 'part_month'
        listed = ', '.join(f"'{v}'" for v in allowed)
        batch_op.create_check_constraint(op.f(f'ck_cases_{name}'), f"{column} IN ({listed})")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rounding', sa.Enum('each_rest', 'at_end', name='rounding', native_enum=False, create_constraint=True, length=32), server_default='each_rest', nullable=False))
        _checks(batch_op, NEW)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_acknowledgement', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('payer_acknowledgement')
    op.execute("UPDATE cases SET rate_basis = 'frozen' WHERE rate_basis = 'frozen_first_day'")
    op.execute("UPDATE cases SET part_month = 'pro_rata_days' WHERE part_month = 'thirty_day'")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        _checks(batch_op, OLD)
        batch_op.drop_constraint(op.f('ck_cases_rounding'), type_='check')
        batch_op.drop_column('rounding')

"""each case's invoiced total and unpaid principal on its row (cases.invoiced_sum, outstanding_sum),
kept by portal.cases.totals; indexes for a creditor's cases by outstanding, its debtors by name,
payments by invoice and invoices by number (imports)

Revision ID: zb28_scale_case_sums
Revises: zb28_hindi_link_language
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'zb28_scale_case_sums'
down_revision = 'zb28_hindi_link_language'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoiced_sum', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('outstanding_sum', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False))
    op.execute("""
        UPDATE cases SET
          invoiced_sum = ROUND((SELECT COALESCE(SUM(total), 0) FROM invoices WHERE invoices.case_id = cases.id), 2),
          outstanding_sum = ROUND((SELECT COALESCE(SUM(total), 0) FROM invoices WHERE invoices.case_id = cases.id)
                                - (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE payments.case_id = cases.id), 2)
    """)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_creditor_org_id_outstanding_id',
                              ['creditor_org_id', 'outstanding_sum', 'id'], unique=False)
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index('ix_parties_created_by_org_id_legal_name_id',
                              ['created_by_org_id', 'legal_name', 'id'], unique=False)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_invoice_id', ['invoice_id'], unique=False)
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_number', ['number'], unique=False)


def downgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_number')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_invoice_id')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index('ix_parties_created_by_org_id_legal_name_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_creditor_org_id_outstanding_id')
    # A plain DROP COLUMN (PostgreSQL; SQLite since 3.35), not a batch: on SQLite a batch rebuilds
    # `cases` (copy, DROP, rename), and with foreign keys enforced the DROP fails once any row of
    # another table points at a case.
    op.drop_column('cases', 'outstanding_sum')
    op.drop_column('cases', 'invoiced_sum')

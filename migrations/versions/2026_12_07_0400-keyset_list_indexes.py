"""indexes for the keyset-paged lists (issue 22): a case's evidence documents, audit events and
payments, and a notice's or served document's dispatches and delivery events, each by its parent,
its sort key (newest first) and id (the tie-breaker), so a page is read from the index

Revision ID: keyset_list_indexes
Revises: pages_receivable_positions
Create Date: 2026-12-07 04:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'keyset_list_indexes'
down_revision = 'pages_receivable_positions'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_documents_case_id_uploaded_at_id', 'documents', ['case_id', 'uploaded_at', 'id']),
    ('ix_audit_events_case_id_created_at_id', 'audit_events', ['case_id', 'created_at', 'id']),
    ('ix_payments_case_id_paid_on_id', 'payments', ['case_id', 'paid_on', 'id']),
    ('ix_dispatches_notice_id_created_at_id', 'dispatches', ['notice_id', 'created_at', 'id']),
    ('ix_dispatches_document_id_created_at_id', 'dispatches', ['document_id', 'created_at', 'id']),
    ('ix_delivery_events_notice_id_occurred_at_id', 'delivery_events', ['notice_id', 'occurred_at', 'id']),
    ('ix_delivery_events_document_id_occurred_at_id', 'delivery_events',
     ['document_id', 'occurred_at', 'id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

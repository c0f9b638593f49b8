"""the debtor's chosen page language, remembered on its personal link (debtor_links.language)

Revision ID: zb28_hindi_link_language
Revises: zb28_served_documents
Create Date: 2026-12-07 01:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'zb28_hindi_link_language'
down_revision = 'zb28_served_documents'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('debtor_links') as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('debtor_links') as batch:
        batch.drop_column('language')

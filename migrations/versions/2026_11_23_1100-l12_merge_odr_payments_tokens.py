"""merge the debtor's responses, payments, the ODR room, offers, settlement and signing tokens

Revision ID: l12_merge
Revises: k11_offers, k11_payments, k11_responses, k11_room, k11_settlement, k11_tokens
Create Date: 2026-11-23 11:00:00

"""


# revision identifiers, used by Alembic.
revision = 'l12_merge'
down_revision = ('k11_offers', 'k11_payments', 'k11_responses', 'k11_room', 'k11_settlement', 'k11_tokens')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

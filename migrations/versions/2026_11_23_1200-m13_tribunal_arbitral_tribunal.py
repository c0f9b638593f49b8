"""arbitral tribunal: panel listings, declared relationships (Seventh Schedule), appointments with
the s.12 disclosure, continuing disclosures and s.13 challenges

Revision ID: m13_tribunal
Revises: l12_merge
Create Date: 2026-11-23 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'm13_tribunal'
down_revision = 'l12_merge'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def side():
    return _enum('side', 'creditor', 'debtor', 'neutral')


def upgrade():
    op.create_table('neutral_panel_listings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('fee_schedule', sa.Text(), nullable=False),
    sa.Column('base_fee', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('availability_note', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_neutral_panel_listings_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_neutral_panel_listings'))
    )
    op.create_table('neutral_relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neutral_id', sa.Integer(), nullable=False),
    sa.Column('ground', _enum('ground', 'employee', 'consultant', 'adviser', 'director', 'shareholder',
                              'advised_party', 'same_law_firm', 'family', 'counsel'), nullable=False),
    sa.Column('counterpart_name', sa.String(length=200), nullable=False),
    sa.Column('gstin', sa.String(length=15), nullable=True),
    sa.Column('pan', sa.String(length=10), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['neutral_id'], ['users.id'], name=op.f('fk_neutral_relationships_neutral_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neutral_relationships'))
    )
    with op.batch_alter_table('neutral_relationships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neutral_relationships_neutral_id'), ['neutral_id'], unique=False)

    op.create_table('arbitral_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('neutral_id', sa.Integer(), nullable=False),
    sa.Column('how', _enum('appointmenthow', 'institution', 'agreed'), nullable=False),
    sa.Column('status', _enum('appointmentstatus', 'proposed', 'accepted', 'declined', 'challenged',
                              'removed'), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by_side', side(), nullable=True),
    sa.Column('agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disclosure', sa.JSON(), nullable=True),
    sa.Column('disclosure_filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('challenge_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_arbitral_appointments_case_id_cases')),
    sa.ForeignKeyConstraint(['neutral_id'], ['users.id'], name=op.f('fk_arbitral_appointments_neutral_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_arbitral_appointments_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['users.id'], name=op.f('fk_arbitral_appointments_agreed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitral_appointments'))
    )
    with op.batch_alter_table('arbitral_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitral_appointments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arbitral_appointments_neutral_id'), ['neutral_id'], unique=False)

    op.create_table('arbitral_disclosure_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('circumstances', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['arbitral_appointments.id'], name=op.f('fk_arbitral_disclosure_updates_appointment_id_arbitral_appointments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitral_disclosure_updates'))
    )
    with op.batch_alter_table('arbitral_disclosure_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitral_disclosure_updates_appointment_id'), ['appointment_id'], unique=False)

    op.create_table('arbitral_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('side', side(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', _enum('challengedecision', 'pending', 'upheld', 'rejected'), nullable=False),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['arbitral_appointments.id'], name=op.f('fk_arbitral_challenges_appointment_id_arbitral_appointments')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_arbitral_challenges_filed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitral_challenges'))
    )
    with op.batch_alter_table('arbitral_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitral_challenges_appointment_id'), ['appointment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('arbitral_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbitral_challenges_appointment_id'))
    op.drop_table('arbitral_challenges')
    with op.batch_alter_table('arbitral_disclosure_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbitral_disclosure_updates_appointment_id'))
    op.drop_table('arbitral_disclosure_updates')
    with op.batch_alter_table('arbitral_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbitral_appointments_neutral_id'))
        batch_op.drop_index(batch_op.f('ix_arbitral_appointments_case_id'))
    op.drop_table('arbitral_appointments')
    with op.batch_alter_table('neutral_relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neutral_relationships_neutral_id'))
    op.drop_table('neutral_relationships')
    op.drop_table('neutral_panel_listings')

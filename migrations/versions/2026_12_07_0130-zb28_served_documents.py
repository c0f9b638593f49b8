"""served documents in their own right (an award, an order, a settlement): served_documents with its
lifecycle; dispatches, delivery events, delivery proofs and debtor links name a notice or a served
document; awards point at their served document. Existing awards' carrier notices (kind
"arbitral_award") become served documents, their dispatches, timeline, certificates and links moved
over, and the carrier notices are removed.

Revision ID: zb28_served_documents
Revises: zb28_webhooks
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'zb28_served_documents'
down_revision = 'zb28_webhooks'
branch_labels = None
depends_on = None

OWNED = ('dispatches', 'delivery_events', 'delivery_proofs')
KINDS_WITH_AWARD = ('msmed_demand', 'commercial_demand', 'cheque_dishonour', 'arbitration_invocation',
                    'arbitral_award')
KINDS = KINDS_WITH_AWARD[:-1]
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _kind_check(batch_op, kinds):
    batch_op.drop_constraint(op.f('ck_notices_noticekind'), type_='check')
    batch_op.create_check_constraint(op.f('ck_notices_noticekind'),
                                     sa.text("kind IN (%s)" % ", ".join(f"'{k}'" for k in kinds)))


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite rebuilds a table to alter it (copy, DROP, rename): with foreign keys enforced, dropping
    `dispatches` or `notices` while other rows point at them fails. SQLite's own procedure for such
    changes: foreign keys off (only outside a transaction, so the one open is committed first), the
    rebuild, then `foreign_key_check` must find nothing before they are on again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if on:
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"zb28: rows left pointing at nothing: {broken[:5]}")
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    bind.exec_driver_sql("BEGIN")


def upgrade():
    _sqlite_foreign_keys(on=False)
    op.create_table('served_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('award', 'procedural_order', 'settlement', name='documentkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('ready', 'serving', 'received', 'unserved', name='serveddocumentstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('signatory', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_served_documents_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_served_documents_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_served_documents')),
    sa.UniqueConstraint('kind', 'source_id', name=op.f('uq_served_documents_kind_source_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_served_documents_verification_code'))
    )
    with op.batch_alter_table('served_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_served_documents_case_id'), ['case_id'], unique=False)

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
            batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=True)
            batch_op.create_index(batch_op.f(f'ix_{table}_document_id'), ['document_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_document_id_served_documents'),
                                        'served_documents', ['document_id'], ['id'])
    with op.batch_alter_table('delivery_proofs', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_delivery_proofs_document_id_version'),
                                          ['document_id', 'version'])
    with op.batch_alter_table('debtor_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_debtor_links_document_id'), ['document_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_debtor_links_document_id_served_documents'),
                                    'served_documents', ['document_id'], ['id'])
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('served_document_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_awards_served_document_id_served_documents'),
                                    'served_documents', ['served_document_id'], ['id'])

    _awards_to_documents(op.get_bind())

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_awards_notice_id_notices'), type_='foreignkey')
        batch_op.drop_column('notice_id')
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_one_subject'),
                                             sa.text("(notice_id IS NULL) <> (document_id IS NULL)"))
    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, KINDS)
    _sqlite_foreign_keys(on=True)


def _awards_to_documents(conn) -> None:
    """Each award's carrier notice becomes the award's served document; what the pipeline recorded
    about it (dispatches, timeline, certificates, personal links) now names the document."""
    import secrets

    rows = conn.execute(sa.text(
        "SELECT a.id AS award_id, n.id AS notice_id, n.case_id, n.verification_code, n.signed_at, "
        "n.signed_pdf_sha256, n.created_by_id, n.created_at, u.name AS arbitrator, t.received_at "
        "FROM awards a JOIN notices n ON n.id = a.notice_id JOIN cases c ON c.id = n.case_id "
        "LEFT JOIN users u ON u.id = c.neutral_id "
        "LEFT JOIN notice_service_terms t ON t.notice_id = n.id ORDER BY a.id")).mappings().all()
    for r in rows:
        sent = conn.scalar(sa.text("SELECT COUNT(*) FROM dispatches WHERE notice_id = :n"), {"n": r["notice_id"]})
        status = "received" if r["received_at"] is not None else "serving" if sent else "ready"
        conn.execute(sa.text(
            "INSERT INTO served_documents (case_id, kind, source_id, status, title, sender, signatory, language, "
            "signed_at, signed_pdf_sha256, verification_code, received_at, created_by_id, created_at) VALUES "
            "(:case_id, 'award', :award_id, :status, 'Arbitral award', 'the arbitral tribunal', :arbitrator, 'en', "
            ":signed_at, :sha, :code, :received_at, :created_by_id, :created_at)"),
            {"case_id": r["case_id"], "award_id": r["award_id"], "status": status,
             "arbitrator": r["arbitrator"] or "", "signed_at": r["signed_at"] or r["created_at"],
             "sha": r["signed_pdf_sha256"] or "",
             "code": r["verification_code"] or "".join(secrets.choice(ALPHABET) for _ in range(10)),
             "received_at": r["received_at"], "created_by_id": r["created_by_id"], "created_at": r["created_at"]})
        document_id = conn.scalar(sa.text(
            "SELECT id FROM served_documents WHERE kind = 'award' AND source_id = :a"), {"a": r["award_id"]})
        moved = {"d": document_id, "n": r["notice_id"]}
        for table in (*OWNED, 'debtor_links'):
            conn.execute(sa.text(f"UPDATE {table} SET document_id = :d, notice_id = NULL WHERE notice_id = :n"),  # noqa: S608 (a fixed table name)
                         moved)
        conn.execute(sa.text("UPDATE awards SET served_document_id = :d WHERE id = :a"),
                     {"d": document_id, "a": r["award_id"]})
        conn.execute(sa.text("UPDATE awards SET notice_id = NULL WHERE id = :a"), {"a": r["award_id"]})
        if conn.scalar(sa.text("SELECT COUNT(*) FROM expert_certificates WHERE notice_id = :n"), moved):
            continue  # a Part B asked for the carrier's proof keeps the carrier row it names
        for table in ('notice_service_terms', 'notice_versions', 'notice_comments'):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE notice_id = :n"), moved)  # noqa: S608 (a fixed table name)
        conn.execute(sa.text("DELETE FROM notices WHERE id = :n AND kind = 'arbitral_award'"), moved)


def _documents_to_awards(conn) -> None:
    """The reverse: each award's served document becomes a signed carrier notice again."""
    rows = conn.execute(sa.text(
        "SELECT d.id, d.case_id, d.source_id, d.signed_at, d.signed_pdf_sha256, d.verification_code, "
        "d.received_at, d.created_by_id, d.created_at, c.facts_version FROM served_documents d "
        "JOIN cases c ON c.id = d.case_id WHERE d.kind = 'award' ORDER BY d.id")).mappings().all()
    for r in rows:
        conn.execute(sa.text(
            "INSERT INTO notices (case_id, kind, language, status, pay_within_days, facts_version, "
            "verification_code, created_by_id, created_at, signed_at, signed_pdf_sha256) VALUES "
            "(:case_id, 'arbitral_award', 'en', 'signed', 15, :fv, :code, :by, :at, :signed_at, :sha)"),
            {"case_id": r["case_id"], "fv": r["facts_version"] or 1, "code": r["verification_code"],
             "by": r["created_by_id"], "at": r["created_at"], "signed_at": r["signed_at"],
             "sha": r["signed_pdf_sha256"]})
        notice_id = conn.scalar(sa.text("SELECT id FROM notices WHERE verification_code = :c"),
                                {"c": r["verification_code"]})
        moved = {"d": r["id"], "n": notice_id}
        for table in (*OWNED, 'debtor_links'):
            conn.execute(sa.text(f"UPDATE {table} SET notice_id = :n, document_id = NULL WHERE document_id = :d"),  # noqa: S608 (a fixed table name)
                         moved)
        conn.execute(sa.text("UPDATE awards SET notice_id = :n WHERE id = :a"), {"n": notice_id, "a": r["source_id"]})


def downgrade():
    _sqlite_foreign_keys(on=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        _kind_check(batch_op, KINDS_WITH_AWARD)
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_one_subject'), type_='check')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_awards_notice_id_notices'), 'notices', ['notice_id'], ['id'])

    conn = op.get_bind()
    _documents_to_awards(conn)
    for table in OWNED:  # rows of other served documents (orders, settlements) have no notice to name
        conn.execute(sa.text(f"DELETE FROM {table} WHERE document_id IS NOT NULL AND notice_id IS NULL"))  # noqa: S608 (a fixed table name)
    conn.execute(sa.text("DELETE FROM debtor_links WHERE document_id IS NOT NULL AND notice_id IS NULL"))

    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_awards_served_document_id_served_documents'), type_='foreignkey')
        batch_op.drop_column('served_document_id')
    with op.batch_alter_table('debtor_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_debtor_links_document_id_served_documents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_debtor_links_document_id'))
        batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('document_id')
    with op.batch_alter_table('delivery_proofs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_delivery_proofs_document_id_version'), type_='unique')
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_document_id_served_documents'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_document_id'))
            batch_op.alter_column('notice_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column('document_id')
    with op.batch_alter_table('served_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_served_documents_case_id'))
    op.drop_table('served_documents')
    _sqlite_foreign_keys(on=True)

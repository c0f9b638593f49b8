"""The migrations and the models agree (no autogenerate drift), and the migrations run down to
nothing and back up again, on the session's backend (SQLite, or PostgreSQL in its pass)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.conftest import BACKEND
from tests.scratch_db import scratch_app, scratch_database


def drift(app, connection, metadata: sa.MetaData = db.metadata) -> list:
    """What `flask db migrate` would write, compared with the options env.py hands Alembic."""
    options = dict(app.extensions["migrate"].configure_args)
    assert options["compare_type"] is True and options["render_as_batch"] is True
    context = MigrationContext.configure(connection, opts={**options, "target_metadata": metadata})
    return compare_metadata(context, metadata)


def test_models_match_migrations(app):
    # The naming convention is what makes constraint names equal on both backends.
    assert db.metadata.naming_convention["fk"] == "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
    with app.app_context(), db.engine.connect() as conn:
        assert drift(app, conn) == []


def test_drift_check_would_notice_a_model_change(app):
    """The comparison above is not vacuous: a column the migrations lack, or a changed type, shows."""
    models = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(models)
    models.tables["audit_heads"].append_column(sa.Column("drift_probe", sa.Integer))
    models.tables["audit_events"].c.action.type = sa.String(120)
    with app.app_context(), db.engine.connect() as conn:
        changes = drift(app, conn, models)
    # Alembic lists a column change as a list of (op, schema, table, column, ...) tuples.
    flat = [c for change in changes for c in (change if isinstance(change, list) else [change])]
    assert sorted((c[0], c[2], c[3] if c[0] == "modify_type" else c[3].name) for c in flat) == [
        ("add_column", "audit_heads", "drift_probe"), ("modify_type", "audit_events", "action")]


def tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def audit_triggers(app) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(conn.scalars(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass "
            "AND NOT tgisinternal")))


def test_downgrade_to_base_and_upgrade_again(app, database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as scratch:
        with scratch.app_context():
            upgrade(revision="heads")
        built = tables(scratch)
        assert set(db.metadata.tables) <= built
        with scratch.app_context():
            downgrade(revision="base")
        assert tables(scratch) == set()
        with scratch.app_context():
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                assert drift(scratch, conn) == []
        assert tables(scratch) == built
        if BACKEND == "postgresql":
            assert audit_triggers(scratch) == {"audit_events_no_change", "audit_events_no_truncate"}


@pytest.mark.postgres
def test_downgrade_removes_the_append_only_trigger_function(app, database_url, tmp_path):
    with (scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as scratch,
          scratch.app_context()):
        upgrade(revision="heads")
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text(
                "SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_refuse_change'")) == 0

"""The set-up every benchmark shares: a throwaway instance folder, a throwaway database (PostgreSQL
beside SULAH_TEST_PG_URL's, or SQLite in the folder), the app, and the migrations applied.

    from benchmarks.bootstrap import instance
    with instance("reminders", sqlite="--sqlite" in sys.argv) as (app, env):
        with app.app_context(): ...

`env` holds the environment variables that point other processes (gunicorn, Celery workers) at the
same instance and database.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("SULAH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def database(use_sqlite: bool, folder: Path, label: str = "bench") -> tuple[str, Callable[[], None]]:
    """A new empty database and the function that drops it."""
    if use_sqlite:
        return f"sqlite:///{folder / 'bench.sqlite'}", lambda: None
    base = sa.make_url(PG_URL)
    name = f"{base.database}_bench_{label}{os.getpid()}"
    server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@contextmanager
def instance(label: str, *, sqlite: bool = False, keep: bool = False,
             reuse: tuple[str, str] | None = None) -> Iterator[tuple[object, dict]]:
    """(app, env) on a fresh instance and database with the migrations applied; both removed after
    (unless `keep`, which prints where they are). `reuse`: (database URL, instance folder) that an
    earlier run kept: migrated to the current heads and kept again."""
    if reuse is not None:
        url, folder, drop, keep = reuse[0], Path(reuse[1]), (lambda: None), True
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"sulah-bench-{label}-"))
        url, drop = database(sqlite, folder, label)
    env = {"SULAH_INSTANCE": str(folder), "SULAH_ENV": os.environ.get("SULAH_ENV", "development"),
           "DATABASE_URL": url}
    os.environ.update(env)
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app()
    try:
        with app.app_context():
            upgrade(revision="heads")
        yield app, env
    finally:
        with app.app_context():
            from portal.extensions import db

            db.session.remove()
            db.engine.dispose()
        if keep:
            print(f"kept: instance {folder}, database {url}")
        else:
            drop()
            shutil.rmtree(folder, ignore_errors=True)

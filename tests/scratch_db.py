"""Throwaway databases beside the session's: a SQLite file, or a PostgreSQL database created and
dropped, with an app of their own. For tests that must commit for real or rebuild the schema."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.config import TestConfig
from portal.database import replica_of
from portal.extensions import db
from tests.celery_apps import keep_celery_current
from tests.conftest import BACKEND


@contextmanager
def scratch_database(session_url: str, folder: Path) -> Iterator[str]:
    """An empty database on the session's backend; PostgreSQL's is dropped afterwards."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{folder / f'scratch-{secrets.token_hex(4)}.sqlite'}"
        return
    url = sa.make_url(session_url)
    name = f"{url.database}_scratch_{secrets.token_hex(4)}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def scratch_app(database_url: str, folder: Path, **settings) -> Iterator[Flask]:
    """A second app on `database_url` (`settings` override its configuration). Building an app rebinds process-wide defaults (the Celery
    app, SULAH_INSTANCE); they are given back to the session's app before this yields."""
    saved_env = os.environ.get("SULAH_INSTANCE")
    try:
        with keep_celery_current():
            config = TestConfig(folder / "instance", database_url)
            for name, value in settings.items():
                setattr(config, name, value)
            app = create_app(config)
    finally:
        if saved_env is None:
            os.environ.pop("SULAH_INSTANCE", None)
        else:
            os.environ["SULAH_INSTANCE"] = saved_env
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            if (replica := replica_of(app)) is not None:
                replica.dispose()

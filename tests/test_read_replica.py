"""The read replica for the dashboards (DATABASE_REPLICA_URL, portal.database.replica_reads): the
collections dashboard, the portfolio and the creditor's and advocate's dashboards read their figures
through it in a read-only transaction and still show the right figures; a write never goes there;
unset or unreachable, the primary serves.

On PostgreSQL the replica is the same server reached through a connection whose transactions are
read-only by default (`default_transaction_read_only=on`), so anything written through it fails."""
from __future__ import annotations

import html
import logging
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portal.database import commit, init_replica, replica_of, replica_reads
from portal.extensions import db
from tests.conftest import Auth, csrf_from
from tests.factories import AdvocateFactory, CreditorFactory, EngagementFactory, PartyFactory
from tests.receivables.helpers import debtor_case, invoice

TODAY = date.today()
DOWN = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"


def read_only(url: str) -> str:
    return sa.make_url(url).update_query_dict({"options": "-c default_transaction_read_only=on"}) \
        .render_as_string(hide_password=False)


class OwnContextClient(FlaskClient):
    """Each request in an app context of its own (its own `g` and session), as in production."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class Counter:
    """The statements run on an engine inside the block (`n`) and the tables its SELECTs read."""

    def __init__(self, engine) -> None:
        self.engine, self.n, self.read = engine, 0, set()

    def tick(self, _conn, _cursor, statement, *_args) -> None:
        self.n += 1
        if statement.lstrip().upper().startswith("SELECT"):
            self.read |= set(re.findall(r"(?:FROM|JOIN) (\w+)", statement))

    def __enter__(self) -> Counter:
        sa.event.listen(self.engine, "before_cursor_execute", self.tick)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self.tick)


@pytest.mark.postgres
def test_the_dashboards_read_through_a_read_only_replica_and_a_write_never_does(database_url, tmp_path):
    from tests.scratch_db import scratch_app, scratch_database

    with scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as app:
        with app.app_context():
            upgrade(revision="heads")
        app.config["DATABASE_REPLICA_URL"] = read_only(url)
        init_replica(app)
        replica = replica_of(app)
        with app.app_context():
            creditor, advocate = CreditorFactory(), AdvocateFactory()
            EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
            names = []
            for k in range(3):
                party = PartyFactory(created_by_org_id=creditor.org_id, legal_name=f"Replica Debtor {k}")
                case = debtor_case(creditor, invoice(f"R-{k}", TODAY - timedelta(days=40 + k), "5000.00"),
                                   party=party)
                case.advocate_id = advocate.id
                names.append(party.legal_name)
            db.session.flush()
            reference = case.reference
            commit()
            creditor_id, advocate_id, org_id = creditor.id, advocate.id, creditor.org_id

        with replica.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            conn.execute(sa.text("UPDATE organizations SET legal_name = legal_name"))

        app.test_client_class = OwnContextClient
        client = app.test_client()
        auth = Auth(client)
        with app.app_context():
            from portal.accounts import User

            creditor, advocate = db.session.get(User, creditor_id), db.session.get(User, advocate_id)
            auth.login_as(creditor)
            # The organisation's snapshot is read once, on the primary, where its freshness is checked
            # (portfolio.ensure); the rows each page lists come through the replica.
            pages = {"/dashboard": ([reference], "cases"),
                     "/collections/today?all=1": (names, "receivable_positions"),
                     "/collections/portfolio": (["₹15,000.00", *names], "receivable_positions"),
                     "/collections/portfolio.csv?figure=summary": (["15000.00"], "receivable_positions")}
            for path, (shown, table) in pages.items():
                client.get(path)  # the first visit may work the figures out (on the primary)
                with Counter(replica) as on_replica:
                    resp = client.get(path)
                assert resp.status_code == 200, (path, resp.status_code)
                body = resp.get_data(as_text=True)
                assert all(s in body for s in shown), (path, [s for s in shown if s not in body])
                assert table in on_replica.read, f"{path} did not read {table} through the replica"

            page = client.get("/collections/")
            with Counter(replica) as on_replica:
                resp = client.post("/collections/enabled", data={"enabled": "on",
                                                                 "csrf_token": csrf_from(page)})
            assert resp.status_code == 302 and on_replica.n == 0
            # Read your writes: the page the creditor is sent to after its own change reads the
            # primary (the replica may lag behind it); once the window has passed, the replica again.
            with Counter(replica) as on_replica:
                resp = client.get("/collections/portfolio")
            assert resp.status_code == 200 and on_replica.n == 0
            app.config["REPLICA_AFTER_WRITE_SECONDS"] = 0
            with Counter(replica) as on_replica:
                resp = client.get("/collections/portfolio")
            assert resp.status_code == 200 and "receivable_positions" in on_replica.read

            client = app.test_client()  # the advocate's own browser
            Auth(client).login_as(advocate)
            client.get("/dashboard")
            with Counter(replica) as on_replica:
                resp = client.get("/dashboard")
            assert resp.status_code == 200 and reference in resp.get_data(as_text=True)
            assert "cases" in on_replica.read
            body = resp.get_data(as_text=True)
            assert f"Welcome, {html.escape(advocate.name)}" in body, body[body.find("<main"):][:600]
            with Counter(replica) as on_replica:  # the advocate's list of cases
                resp = client.get("/cases/")
            assert resp.status_code == 200 and reference in resp.get_data(as_text=True)
            assert "cases" in on_replica.read

        with app.test_request_context("/collections/", method="POST"):
            from portal.accounts import Organization

            with replica_reads() as on:
                assert on
                org = db.session.get(Organization, org_id)
                org.legal_name = "Renamed while reading"
                db.session.flush()  # a write inside the block goes to the primary (the replica refuses)
                locked = db.session.scalar(sa.select(Organization).where(Organization.id == org.id)
                                           .with_for_update())
                assert locked is org
            with replica_reads() as on:
                assert not on, "after this transaction wrote, its reads stay on the primary"
            db.session.rollback()
            with replica_reads() as on:
                assert on


def test_unset_the_primary_serves(app, client, auth, db_session):
    assert replica_of(app) is None
    with app.test_request_context("/dashboard"), replica_reads() as on:
        assert not on


def test_an_unreachable_replica_leaves_the_primary_to_serve_and_is_left_alone(app, client, auth, db_session,
                                                                              caplog):
    creditor = CreditorFactory()
    debtor_case(creditor, invoice("U-1", TODAY - timedelta(days=40), "7000.00"))
    auth.login_as(creditor)
    app.config["DATABASE_REPLICA_URL"] = DOWN
    init_replica(app)
    try:
        with caplog.at_level(logging.WARNING, logger="portal.database"):
            for path in ("/collections/portfolio", "/collections/today", "/dashboard", "/collections/portfolio"):
                resp = client.get(path)
                assert resp.status_code == 200, path
        assert "₹7,000.00" in resp.get_data(as_text=True)
        tried = [r for r in caplog.records if "read replica unreachable" in r.getMessage()]
        assert len(tried) == 1, "an unreachable replica is tried again only after REPLICA_RETRY_SECONDS"
    finally:
        app.config["DATABASE_REPLICA_URL"] = None
        init_replica(app)


def test_only_a_postgresql_replica_is_taken():
    from portal.database import replica_engine

    with pytest.raises(ValueError, match="PostgreSQL"):
        replica_engine("sqlite:///replica.sqlite")

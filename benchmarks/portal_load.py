"""The portal under load on the production topology: PostgreSQL with the demo data plus N filed cases
of the demo creditor (default 100,000; three invoices each), gunicorn with 4 workers, and 50
concurrent clients on loopback for a fixed time per page. For each page a creditor, advocate, debtor
and the public use it prints p50/p95/p99, requests/s and the non-200 count next to /health (the
trivial anchor, measured in the same run, first and last), and the SQL statements one request runs.

    .venv/bin/python benchmarks/portal_load.py [CASES] [--seconds 15] [--clients 50] [--workers 4]
                                               [--scaled] [--runs 3] [--verify] [--keep]
                                               [--skip collections,portfolio]
                                               [--reuse DATABASE_URL INSTANCE_DIR]

--scaled: the web tier of `make run-scaled` (Procfile.scaled): two gunicorn processes on two ports,
half the workers each, the clients spread over both as a round-robin load balancer would. --runs:
the whole table that many times on the same servers, then each page's p99/anchor as min/median/max.

Seeding: the demo (`flask demo seed`), then benchmarks/bulk_cases.py (bulk rows with their facts
version and audit events chained onto the ledger; --verify walks every chain afterwards), the
collections rollup (what its beat keeps), then ANALYZE. Each client opens a connection per request
(gunicorn's sync workers close it after each response). The target of issue 22: every page's p99
within 2x the anchor's p99.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import ROOT, instance  # noqa: E402
from benchmarks.bulk_cases import seed_cases  # noqa: E402

USER_AGENT = "sulah-portal-load/1"


def _cookie(app, user) -> str:
    """The session cookie a browser holds after this user signs in (Flask-Login's strong protection
    ties it to the address and user agent, which every request below repeats)."""
    from flask import session
    from flask_login import login_user

    with app.test_request_context(headers={"User-Agent": USER_AGENT},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        login_user(user)
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def as_browser(resp, cookie: str | None) -> str | None:
    """The cookie a browser sends next: the session the response set, if it set one (the first page
    that shows a form puts its CSRF secret in the session; a browser keeps it, so later pages do not
    write the session again)."""
    if cookie is None:
        return None
    name = cookie.partition("=")[0]
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header.partition(";")[0]
    return cookie


def pages(app, db) -> list[tuple[str, str, str | None]]:
    """(label, path, cookie) for each page; the demo's logins."""
    from portal.accounts.models import User
    from portal.cases import SERVED_STATUSES
    from portal.cases.models import Case, Party

    def user(email):
        return db.session.scalar(sa.select(User).where(User.email == email))

    creditor, advocate = user("owner@kaveri-textiles.example"), user("advocate@sulah.example")
    debtor = user("accounts@shree-garments.example")
    served = db.session.scalar(sa.select(Case).join(Party, Party.id == Case.debtor_party_id)
                               .where(Party.user_id == debtor.id, Case._status.in_(SERVED_STATUSES))
                               .order_by(Case.id))
    c, a, d = _cookie(app, creditor), _cookie(app, advocate), _cookie(app, debtor)
    return [("public: verify form", "/verify", None),
            ("creditor: dashboard", "/dashboard", c),
            ("creditor: case list", "/cases/", c),
            ("creditor: case list by outstanding", "/cases/?sort=amount", c),
            ("creditor: a case", f"/cases/{served.reference}", c),
            ("creditor: collections", "/collections/", c),
            ("creditor: collections today", "/collections/today", c),
            ("creditor: portfolio", "/collections/portfolio", c),
            ("advocate: dashboard", "/dashboard", a),
            ("advocate: case list", "/cases/", a),
            ("debtor: my cases", "/d/", d),
            ("debtor: a case", f"/d/{served.reference}", d)]


def statement_counts(app, db, plan) -> tuple[dict[str, tuple[int, int]], list]:
    """(status, SQL statements) of one request to each page, in this process; and the plan with the
    cookie a browser holds after its first visit (`as_browser`), which the load then sends."""
    counted = [0]
    browsed = []

    def count(*_args):
        counted[0] += 1

    out = {}
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client(use_cookies=False)  # the Cookie header as given
        for label, path, cookie in plan:
            headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
            with contextlib.suppress(Exception):  # warm: templates, caches (a failure shows below)
                cookie = as_browser(client.get(path, headers=headers), cookie)
                headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
            browsed.append((label, path, cookie))
            counted[0] = 0
            try:
                status = client.get(path, headers=headers).status_code
            except Exception as exc:  # noqa: BLE001 (a page that fails is a figure too: shown, not fatal)
                print(f"{label}: {type(exc).__name__}: {str(exc)[:160]}")
                status = 500
            out[label] = (status, counted[0])
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return out, browsed


async def _one(port: int, raw: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        writer.write(raw)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), 60)
        writer.close()
        status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    except (OSError, TimeoutError, ValueError):
        status = 0
    return time.perf_counter() - started, status


async def _load(ports: list[int], path: str, cookie: str | None, clients: int, seconds: float):
    def request(port: int) -> bytes:
        return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {USER_AGENT}\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "") + "Connection: close\r\n\r\n").encode()

    times, bad = [], [0]
    deadline = time.perf_counter() + seconds

    async def client(port: int):
        raw = request(port)
        while time.perf_counter() < deadline:
            took, status = await _one(port, raw)
            times.append(took)
            if status != 200:
                bad[0] += 1

    started = time.perf_counter()
    # Client i talks to ports[i % len(ports)]: a round-robin load balancer in front of the web nodes.
    await asyncio.gather(*(client(ports[i % len(ports)]) for i in range(clients)))
    return sorted(times), bad[0], time.perf_counter() - started


def _pct(times: list[float], p: float) -> float:
    return times[min(len(times) - 1, int(len(times) * p))] * 1000 if times else float("nan")


def _drain(ports: list[int], limit: float = 180) -> None:
    """Wait until the server answers /health within a second: requests a slow page left queued
    (clients give up after 60 s; gunicorn still runs them) must not be charged to the next page."""
    raw = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    deadline = time.perf_counter() + limit
    for port in ports:
        while time.perf_counter() < deadline:
            took, status = asyncio.run(_one(port, raw))
            if status == 200 and took < 1:
                break
            time.sleep(1)


def measure(ports, label, path, cookie, clients, seconds) -> dict:
    _drain(ports)
    times, bad, wall = asyncio.run(_load(ports, path, cookie, clients, seconds))
    return {"label": label, "p50": _pct(times, .50), "p95": _pct(times, .95), "p99": _pct(times, .99),
            "rps": len(times) / wall, "n": len(times), "bad": bad}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=os.environ | env)
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        _, status = asyncio.run(_one(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        if status == 200:
            return proc, port
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /health within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="?", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--scaled", action="store_true",
                    help="two gunicorn processes on two ports, half the workers each (Procfile.scaled)")
    ap.add_argument("--runs", type=int, default=1, help="measure every page this many times")
    ap.add_argument("--verify", action="store_true", help="walk the audit chains after seeding")
    ap.add_argument("--keep", action="store_true", help="keep the instance and database")
    ap.add_argument("--reuse", nargs=2, metavar=("DATABASE_URL", "INSTANCE_DIR"),
                    help="the database and instance a --keep run printed: migrated, not seeded again")
    ap.add_argument("--skip", default="", help="comma-separated words: leave out pages whose label has one")
    args = ap.parse_args()

    from portal import audit, demo
    from portal.accounts.models import User
    from portal.cases.intake import today_ist
    from portal.database import commit
    from portal.extensions import db
    from portal.receivables.tasks import refresh_rollups

    with instance("load", keep=args.keep, reuse=args.reuse) as (app, env):
        with app.app_context():
            started = time.perf_counter()
            if not args.reuse:
                demo.seed()
                commit()
                creditor = db.session.scalar(
                    sa.select(User).where(User.email == "owner@kaveri-textiles.example"))
                seed_cases(creditor, args.cases, today_ist())
                refresh_rollups()  # the collections rollup, as its beat (or `flask collections rollup`) does
            db.session.execute(sa.text("ANALYZE"))  # statistics as autovacuum keeps them in production
            commit()
            total = db.session.scalar(sa.text("SELECT count(*) FROM cases"))
            invoices = db.session.scalar(sa.text("SELECT count(*) FROM invoices"))
            print(f"seeded {total:,} cases, {invoices:,} invoices on {db.engine.dialect.name} in "
                  f"{time.perf_counter() - started:.1f} s")
            if args.verify:
                report = audit.verify()
                print(f"audit chains: {'intact' if report.ok else 'BROKEN: ' + str(report)}")
            skip = [w.strip() for w in args.skip.split(",") if w.strip()]
            plan = [p for p in pages(app, db) if not any(w in p[0] for w in skip)]
        counts, plan = statement_counts(app, db, plan)
        nodes = 2 if args.scaled else 1
        servers = [_serve(env, max(1, args.workers // nodes)) for _ in range(nodes)]
        ports = [port for _, port in servers]
        ratios: dict[str, list[float]] = {}
        try:
            for run in range(1, args.runs + 1):
                print(f"run {run} of {args.runs}: gunicorn x{nodes} ({max(1, args.workers // nodes)} workers "
                      f"each) on 127.0.0.1:{','.join(map(str, ports))}; {args.clients} clients, "
                      f"{args.seconds:g} s per page; load average before: "
                      + " ".join(f"{x:.2f}" for x in os.getloadavg()))
                head = f"{'page':38} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'non-200':>8} " \
                       f"{'SQL':>5} {'p99/anchor':>10}"
                print(head)
                rows = [measure(ports, "anchor: /health", "/health", None, args.clients, args.seconds)]
                anchor = rows[0]["p99"]
                for label, path, cookie in plan:
                    rows.append(measure(ports, label, path, cookie, args.clients, args.seconds))
                    _print(rows[-1], anchor, counts.get(label))
                    ratios.setdefault(label, []).append(rows[-1]["p99"] / anchor)
                rows.append(measure(ports, "anchor again: /health", "/health", None, args.clients,
                                    args.seconds))
                _print(rows[0], anchor, None)
                _print(rows[-1], anchor, None)
                worst = max(r["p99"] for r in rows[1:-1]) / anchor
                print(f"worst page p99 / anchor p99 (the first anchor run): {worst:.1f}x "
                      f"(target <= 2x); load average after: "
                      + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
            if args.runs > 1:
                print(f"p99 / anchor p99 over {args.runs} runs (min / median / max; target <= 2x):")
                for label, values in ratios.items():
                    values.sort()
                    print(f"  {label:38} {values[0]:5.1f} {statistics.median(values):5.1f} {values[-1]:5.1f}"
                          f"{'' if values[-1] <= 2 else '  over'}")
        finally:
            for proc, _ in servers:
                proc.terminate()
            for proc, _ in servers:
                proc.wait(30)


def _print(r, anchor, count) -> None:
    sql = f"{count[1]:>5}" if count else f"{'':>5}"
    if count and count[0] != 200:
        sql += f" (HTTP {count[0]})"
    print(f"{r['label']:38} {r['p50']:8.0f} {r['p95']:8.0f} {r['p99']:8.0f} {r['rps']:8.0f} {r['bad']:8d} "
          f"{sql} {r['p99'] / anchor:10.1f}", flush=True)


if __name__ == "__main__":
    main()

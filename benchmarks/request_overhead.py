"""The fixed CPU a signed-in page pays before its own work (session, user and organisation, CSRF,
locale, the layout), against /health and against a few heavy pages, in this process (the Flask test
client through the whole WSGI app, process CPU via time.process_time). Page p99 under load is about
proportional to CPU per request, so this part caps every page.

    .venv/bin/python benchmarks/request_overhead.py [--postgresql] [--cases 300] [--requests 300]
                                                    [--runs 3] [--profile]

A fresh instance and database (SQLite in a temporary folder, or with --postgresql a new database
beside SULAH_TEST_PG_URL's), seeded as page_cpu.py seeds (the demo, `--cases` filed cases of its
creditor, the rollup), both removed after. Each page is measured `--runs` times, the pages
interleaved, and the median (and min) CPU ms per request printed with the statements one request
runs. The rows:
  /health                     no session, no template: the floor
  /health signed in           the session cookie read and the before-request hooks; no template
  stylesheet signed in        a static file with the session cookie, as the browser asks for it
  two-factor page             the lightest signed-in page (the demo advocate's, whose two-factor
                              authentication is on: a heading and a sentence): the above plus the
                              layout (header, nav, CSRF token for the log-out form, locale)
  dashboard, case list, case  heavy pages, for scale
`--profile [PAGE]`: cProfile (CPU time) one page, by its label (the lightest signed-in page by default),
and print the costliest functions by
cumulative and own time (PROFILE_LINES, default 45); PROFILE_OUT=FILE keeps the stats.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.page_cpu import seed  # noqa: E402
from benchmarks.portal_load import USER_AGENT, _cookie, as_browser  # noqa: E402

LIGHT = "advocate: two-factor page"


def plan(app, db) -> list[tuple[str, str, str | None]]:
    from portal.accounts.models import User
    from portal.cases.models import Case

    creditor = db.session.scalar(sa.select(User).where(User.email == "owner@kaveri-textiles.example"))
    case = db.session.scalar(sa.select(Case).where(Case.creditor_org_id == creditor.org_id)
                             .order_by(Case.id.desc()))
    advocate = db.session.scalar(sa.select(User).where(User.email == "advocate@sulah.example"))
    c, a = _cookie(app, creditor), _cookie(app, advocate)
    return [("anchor: /health", "/health", None),
            ("creditor: /health signed in", "/health", c),
            ("creditor: stylesheet signed in", "/static/sulah.css", c),
            (LIGHT, "/account/2fa", a),
            ("creditor: dashboard", "/dashboard", c),
            ("creditor: case list", "/cases/", c),
            ("creditor: a case", f"/cases/{case.reference}", c)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--postgresql", action="store_true", help="PostgreSQL beside SULAH_TEST_PG_URL's")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--warm", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", metavar="TEXT", help="measure only the pages whose label contains TEXT")
    ap.add_argument("--profile", nargs="?", const=LIGHT, metavar="PAGE",
                    help=f"cProfile one page, by its label (default {LIGHT!r})")
    args = ap.parse_args()

    from portal.extensions import db

    with instance("overhead", sqlite=not args.postgresql) as (app, _env):
        with app.app_context():
            seed(args.cases)
            pages = [p for p in plan(app, db) if args.only is None or args.only in p[0]
                     or p[0] == args.profile]
            engine = db.engine
        counted = [0]

        def count(*_a):
            counted[0] += 1

        sa.event.listen(engine, "before_cursor_execute", count)
        client = app.test_client(use_cookies=False)

        def get(path, cookie):
            headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
            return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})

        statements, status = {}, {}
        for n, (label, path, cookie) in enumerate(pages):
            for _ in range(args.warm):
                resp = get(path, cookie)
                cookie = as_browser(resp, cookie)
                resp.close()
            pages[n] = (label, path, cookie)
            counted[0] = 0
            resp = get(path, cookie)
            statements[label], status[label] = counted[0], resp.status_code
            resp.close()

        cpu: dict[str, list[float]] = {label: [] for label, _, _ in pages}
        for _ in range(args.runs):
            for label, path, cookie in pages:
                started = time.process_time()
                for _ in range(args.requests):
                    get(path, cookie).close()
                cpu[label].append((time.process_time() - started) * 1000 / args.requests)

        engine_name = "PostgreSQL" if args.postgresql else "SQLite"
        print(f"{engine_name}, {args.cases} cases, {args.requests} requests x {args.runs} runs")
        print(f"{'page':32} {'CPU ms med':>10} {'min':>7} {'SQL':>4}")
        for label, _, _ in pages:
            note = "" if status[label] == 200 else f" (HTTP {status[label]})"
            print(f"{label:32} {statistics.median(cpu[label]):10.3f} {min(cpu[label]):7.3f} "
                  f"{statements[label]:4d}{note}", flush=True)

        if args.profile:
            _, path, cookie = next(p for p in pages if p[0] == args.profile)
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                get(path, cookie).close()
            profiler.disable()
            lines = int(os.environ.get("PROFILE_LINES", 45))
            if os.environ.get("PROFILE_OUT"):  # for pstats' callers and callees
                profiler.dump_stats(os.environ["PROFILE_OUT"])
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(lines)
            stats.sort_stats("tottime").print_stats(lines)


if __name__ == "__main__":
    main()

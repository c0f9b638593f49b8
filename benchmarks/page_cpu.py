"""CPU per request of each page portal_load.py measures, in this process (the Flask test client
through the whole WSGI app, without gunicorn or the network): the figure that decides a page's p99
under load (with C closed-loop clients on K cores, p99 ~ C x CPU per request / K), and one that
other work on the machine barely moves. For each page it prints the process CPU ms and wall ms per
request over `--requests` requests after a warm-up, and the SQL statements one request runs.

    .venv/bin/python benchmarks/page_cpu.py (--reuse DATABASE_URL INSTANCE_DIR | --seed CASES)
                                            [--requests 200] [--only dashboard,case list]
                                            [--profile LABEL-WORD]

`--reuse` takes the database and instance a `portal_load.py --keep` run printed (100,000 cases
seeded once); `--seed N` seeds N cases the same way and keeps them (it prints where).
`--profile WORD`: cProfile (CPU time) the requests of the pages whose label has WORD and print the
costliest functions by cumulative and by own time (cProfile's overhead inflates many small calls).

Measured on the 2-core development machine (PostgreSQL 15, 100,006 cases, load average 9-10 from
other work, so CPU figures swing by a third between runs: compare runs made back to back), 7 Dec
2026, before -> after the page-cost changes of that day on the same database, CPU ms per request:
/health 1.19 -> 0.98; creditor dashboard 12.1 -> 6.1; case list 32.2 -> 22.2 (by outstanding 32.4 ->
20.1); a case 26.7 -> 17.6; portfolio 8.9 -> 6.1; advocate dashboard 9.9 -> 6.9; advocate case list
16.9 -> 9.6; collections, collections today and the debtor's pages within the noise. Statements:
dashboard 4 -> 3, case list 15 -> 11, a case 27 -> 22.

Later on 7 Dec (page-cpu: templates' gettext, WTForms' attributes, the case page's priority from its
loaded rows, rolled-up rows as plain rows, no macro per table row), same database, lowest of three
interleaved runs of each tree, CPU ms: dashboard 6.5 -> 5.5, a case 22.2 -> 18.5 (22 -> 20
statements), collections today 12.2 -> 9.5, advocate dashboard 6.7 -> 5.9, debtor's case 11.9 ->
11.3, the case lists within the noise. Function calls per request (cProfile, independent of the
load): a case 42,283 -> 36,112, debtor's case 26,806 -> 22,283, collections today 26,965 -> 24,151,
dashboard 17,636 -> 16,699, case list 48,427 -> 47,128. Two of those changes were taken back
afterwards as not worth their code (WTForms' attribute builder replaced process-wide; the status
badge and the debtor link written out per table row instead of their macros), so these figures
are slightly better than what the code now does.

Later again on 7 Dec (branch pages: the priorities' three grouped reads as one statement and their
lines joined to the cases, the case page's notices block bounded to each notice's newest 5 events in a
fixed number of statements, collections' snapshot read once, the debtor's page's notices' terms and
verification records without per-notice reads), a fresh 100,006-case database, load 4-5 on 2 CPUs,
three interleaved runs of each tree, median CPU ms (min): case list 17.9 (17.8) -> 16.5 (16.3), by
outstanding 17.3 (16.9) -> 18.1 (16.1), a case 22.1 (18.3) -> 20.6 (19.2), collections today 13.5
(11.5) -> 11.4 (11.3), portfolio 6.4 (5.6) -> 5.8 (5.8), debtor's case 13.9 (13.9) -> 14.6 (11.8);
the dashboard, which did not change, 7.5 (6.2) -> 6.2 (5.9): about the noise. Statements: case list
12 -> 9, a case 20 -> 17, collections today 10 -> 9, portfolio 4 -> 3, debtor's case 16 -> 15.
Function calls per request (cProfile): case list 48,831 -> 48,317, a case 38,549 -> 39,399 (the
notices block's window-ranked events and receipts statements cost more Python to build and load
than the per-notice reads did for the page's single notice), collections today 25,514 -> 24,963,
portfolio 15,630 -> 15,217, debtor's case 22,836 -> 22,297, dashboard 17,092 both.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.bulk_cases import seed_cases  # noqa: E402
from benchmarks.portal_load import USER_AGENT, as_browser, pages  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reuse", nargs=2, metavar=("DATABASE_URL", "INSTANCE_DIR"))
    ap.add_argument("--seed", type=int, default=0,
                    help="no --reuse: seed this many cases as portal_load.py does, and keep them")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--warm", type=int, default=20)
    ap.add_argument("--only", default="", help="comma-separated words: only pages whose label has one")
    ap.add_argument("--profile", default="", help="cProfile the pages whose label has this word")
    args = ap.parse_args()

    from portal.extensions import db

    reuse = tuple(args.reuse) if args.reuse else None
    if reuse is None and not args.seed:
        raise SystemExit("--reuse DATABASE_URL INSTANCE_DIR, or --seed CASES")
    with instance("cpu", keep=True, reuse=reuse) as (app, _env):
        with app.app_context():
            if reuse is None:
                seed(args.seed)
            plan = [("anchor: /health", "/health", None), *pages(app, db)]
            engine = db.engine
        only = [w.strip() for w in args.only.split(",") if w.strip()]
        if only:
            plan = [p for p in plan if p[0].startswith("anchor") or any(w in p[0] for w in only)]
        counted = [0]
        sa.event.listen(engine, "before_cursor_execute", lambda *_a: counted.__setitem__(0, counted[0] + 1))
        client = app.test_client(use_cookies=False)
        print(f"{'page':38} {'CPU ms':>8} {'wall ms':>8} {'SQL':>5} {'bytes':>7} {'CPU/anchor':>10}")
        anchor = None
        for label, path, cookie in plan:
            for _ in range(args.warm):
                headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
                resp = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
                cookie = as_browser(resp, cookie)
            headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
            counted[0] = 0
            resp = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
            sql, size, status = counted[0], len(resp.data), resp.status_code
            profiler = cProfile.Profile(time.process_time) if args.profile and args.profile in label else None
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for _ in range(args.requests):
                client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).close()
            if profiler:
                profiler.disable()
            cpu = (time.process_time() - cpu) * 1000 / args.requests
            wall = (time.perf_counter() - wall) * 1000 / args.requests
            anchor = anchor or cpu
            note = "" if status == 200 else f" (HTTP {status})"
            print(f"{label:38} {cpu:8.2f} {wall:8.2f} {sql:5d} {size:7d} {cpu / anchor:10.1f}{note}",
                  flush=True)
            if profiler:
                stats = pstats.Stats(profiler).strip_dirs()
                stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", 60)))
                stats.sort_stats("tottime").print_stats(40)


def seed(cases: int) -> None:
    """The demo and `cases` filed cases of its creditor, the rollup and ANALYZE: portal_load.py's seeding."""
    from portal import demo
    from portal.accounts.models import User
    from portal.cases.intake import today_ist
    from portal.database import commit
    from portal.extensions import db
    from portal.receivables.tasks import refresh_rollups

    demo.seed()
    commit()
    creditor = db.session.scalar(sa.select(User).where(User.email == "owner@kaveri-textiles.example"))
    seed_cases(creditor, cases, today_ist())
    refresh_rollups()
    db.session.execute(sa.text("ANALYZE"))
    commit()


if __name__ == "__main__":
    main()

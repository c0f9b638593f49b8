#!/usr/bin/env bash
# `make test`: the suite on SQLite, then again on PostgreSQL (browser tests need only the first pass).
# The browser tests run on SQLite in a process of their own beside an xdist run (they spend much of
# their time waiting on Chromium, which the CPU-bound tests fill): the journeys and the creditor's and
# advocate's page crawl beside the SQLite pass, the admin's, debtor's and neutral's beside the
# PostgreSQL pass.
# All runs always happen; the script fails if any does. Extra arguments go to every pytest run.
# PostgreSQL and Redis tests skip with a reason on a laptop without them and fail when CI=true.
# Each pass runs in parallel under pytest-xdist (PYTEST_WORKERS, default one per core); every worker
# has its own database, ports and queues (tests/conftest.py).
# Tests that use no database at all (no `database_url` among their fixtures: pure rules, parsers,
# adapters against fakes, PDF and signature checks) run in the SQLite pass only: the engine cannot
# change their result. The PostgreSQL pass lists them as deselected (tests/conftest.py,
# uses_the_database); SULAH_TEST_EVERY_PASS=1 runs them there too.
# The browser run collects tests/e2e only, where every browser test lives (tests/conftest.py fails
# the collection of a browser test anywhere else), instead of importing the whole suite to find them.
set -uo pipefail
cd "$(dirname "$0")/.."

pytest=${PYTEST:-.venv/bin/pytest}
workers=${PYTEST_WORKERS:-auto}
failed=()

run_pass() {
    local name=$1
    shift
    echo "=== pytest pass: $name"
    local started=$SECONDS
    "$@"
    local status=$?
    # 5 = no tests selected: fine when the caller narrowed the run (e.g. to browser tests, which
    # the PostgreSQL pass leaves out); with no arguments it means the suite itself went missing.
    if ((status == 5 && narrowed)); then
        echo "=== $name: no tests selected by '${args[*]}' in this pass"
        status=0
    fi
    echo "=== $name: exit $status in $((SECONDS - started)) s"
    ((status == 0)) || failed+=("$name")
}

args=("$@")
narrowed=$(( ${#args[@]} > 0 ))

# The slowest tests of each pass are listed at its end (where the time goes, run by run).
xdist=(-n "$workers" --dist loadgroup --durations=15)
total=$SECONDS

# The browser tests (one process of their own, mostly waiting on Chromium) run beside the CPU-bound
# xdist runs, which fill the time they wait, split so that neither pass runs long: the journeys and
# the creditor's and advocate's page crawl (every page at two widths) beside the SQLite pass, the
# admin's, debtor's, neutral's and the creditor owner's in Hindi (the first 14 pages) beside the
# PostgreSQL pass. Measured in fresh clones on 7 Dec:
# SQLite alone ~280 s, PostgreSQL alone 350-375 s; each second of browser run beside a pass adds
# 0.55-0.7 s to it; the journeys ~200 s, the crawl ~200 s (creditor ~75 s, advocate and admin ~30 s
# each, the rest ~35 s). The whole crawl beside one pass took it past 8 minutes (PostgreSQL 516 s,
# SQLite 507 s); the creditor's alone beside SQLite left PostgreSQL at 463 s against SQLite's 398 s,
# the creditor's, advocate's and admin's SQLite at 467 s against PostgreSQL's 366 s.
# The browser runs use SQLite; each run's time is printed.
browser_run() {  # name, log file, paths...
    local name=$1 log=$2
    shift 2
    (
        failed=()
        run_pass "$name" env SULAH_TEST_DB=sqlite "$pytest" -m browser --durations=10 "$@" "${args[@]}"
        ((${#failed[@]} == 0))
    ) > "$log" 2>&1
}
journeys_log=$(mktemp)
crawl_log=$(mktemp)
trap 'rm -f "$journeys_log" "$crawl_log"' EXIT
# Narrowed runs keep their own paths (a path outside tests/e2e then selects no browser test), in
# one browser run beside the SQLite pass.
if ((narrowed)); then
    browser_run "sqlite (browser)" "$journeys_log" &
else
    browser_run "sqlite (browser journeys, creditor's and advocate's page crawl)" "$journeys_log" tests/e2e \
        -k "not test_page_crawl or creditor or advocate" &
fi
journeys_pid=$!
run_pass sqlite env SULAH_TEST_DB=sqlite "$pytest" "${xdist[@]}" -m "not browser" "${args[@]}"
wait "$journeys_pid" || failed+=("sqlite (browser journeys)")
cat "$journeys_log"
echo "=== the SQLite pass, the browser run beside it included, took $((SECONDS - total)) s"

started_pg=$SECONDS
crawl_pid=
if ((!narrowed)); then
    browser_run "sqlite (browser page crawl, admin, debtor and neutral)" "$crawl_log" tests/e2e/test_page_crawl.py \
        -k "not (creditor or advocate)" &
    crawl_pid=$!
fi
run_pass postgresql env SULAH_TEST_DB=postgresql "$pytest" "${xdist[@]}" -m "not browser" "${args[@]}"
if [[ -n $crawl_pid ]]; then
    wait "$crawl_pid" || failed+=("sqlite (browser page crawl)")
    cat "$crawl_log"
fi
echo "=== the PostgreSQL pass, the browser run beside it included, took $((SECONDS - started_pg)) s"
echo "=== both passes took $((SECONDS - total)) s"

if ((${#failed[@]})); then
    echo "=== FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "=== both passes passed"

#!/usr/bin/env bash
# `make test-latest`: the drift check. Builds a throwaway virtualenv from pyproject.toml's ranges with
# the newest versions they allow (ignoring uv.lock), shows where it differs from the lock, and runs the
# SQLite pass in it. Use it before `make lock` to find an upgrade's breakage on purpose.
# Usage: scripts/test-latest.sh UV [pytest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
uv=$1
shift

venv=$(mktemp -d "${TMPDIR:-/tmp}/sulah-latest.XXXXXX")
trap 'rm -rf "$venv"' EXIT
"$uv" venv --quiet --python "${PYTHON:-python3}" "$venv"
"$uv" pip install --quiet --python "$venv/bin/python" --resolution highest --upgrade '.[test]'

echo "=== versions that differ from uv.lock (< lock, > newest allowed)"
diff <("$uv" export --frozen --no-hashes --no-header --no-annotate --no-emit-project --extra test \
        | sed -e 's/ *;.*//' | tr 'A-Z_' 'a-z-' | sort -u) \
     <("$uv" pip freeze --python "$venv/bin/python" --exclude sulah | tr 'A-Z_' 'a-z-' | sort -u) \
    || true

# The Hindi catalogue compiled with the newest Babel (the .mo is built, never committed).
"$venv/bin/pybabel" compile --directory translations

echo "=== pytest pass: sqlite (newest versions)"
started=$SECONDS
status=0
SULAH_TEST_DB=sqlite "$venv/bin/python" -m pytest "$@" || status=$?
echo "=== sqlite (newest versions): exit $status in $((SECONDS - started)) s"
exit $status

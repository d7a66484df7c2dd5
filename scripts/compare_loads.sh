#!/usr/bin/env bash
# Do two checkouts load the same files into the same answers?
#   scripts/compare_loads.sh OLD_CHECKOUT NEW_CHECKOUT <arguments of `survgraph load`>
# e.g. scripts/compare_loads.sh /tmp/main-before . usaspending ../shared/data/usaspending/bulk/*.csv
# Each checkout loads into a fresh embedded store of its own (in a temporary folder, removed
# after) with this checkout's virtualenv; the sha256 of its `survgraph export` and of its
# statements (every fragment's id, record, source, origin, rank, body and days, by id) are
# printed side by side. Identical lines: the change kept every answer and every statement.
# `python -P`: `-m` would put the current directory first on sys.path, ahead of PYTHONPATH, and
# a run from inside a checkout would load that checkout's code on both sides.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,8p "$0"; exit 2; }
OLD=$(cd "$1" && pwd); NEW=$(cd "$2" && pwd); shift 2
PYTHON=${PYTHON:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv/bin/python}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for side in old new; do
  code=$OLD; [ $side = new ] && code=$NEW
  mkdir "$WORK/$side"
  store="$WORK/$side/store.db"
  SURVGRAPH_STORE=$store PYTHONPATH=$code "$PYTHON" -P -m graph_service.cli load "$@" \
    > "$WORK/$side/load.log" 2>&1 || { echo "$side: load failed"; cat "$WORK/$side/load.log"; exit 1; }
  SURVGRAPH_STORE=$store PYTHONPATH=$code "$PYTHON" -P -m graph_service.cli export \
    -o "$WORK/$side/export.jsonl" > /dev/null 2>&1
  statements=$("$PYTHON" - "$store" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
digest = hashlib.sha256()
for row in db.execute("SELECT id, record, source, origin, rank, body, first_seen, last_seen "
                      "FROM fragments ORDER BY id"):
    digest.update(repr(row).encode())
print(digest.hexdigest()[:16], db.execute("SELECT count(*) FROM fragments").fetchone()[0])
PY
)
  echo "$side: export $(sha256sum < "$WORK/$side/export.jsonl" | cut -c1-16)" \
       "statements ${statements% *} (${statements#* } statements)"
done

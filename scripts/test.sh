#!/usr/bin/env bash
# The test command: install with dev tools, lint and type-check, start a real Neo4j
# (unless SURVGRAPH_TEST_NEO4J_URI points at one), make sure headless Chromium is there,
# then run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PYTHON="$PWD/.venv/bin/python"

scripts/bootstrap.sh --dev

echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy

# -- a real Neo4j for the contract tests ---------------------------------------------------------
if [ -n "${SURVGRAPH_TEST_NEO4J_URI:-}" ]; then
  echo "== using Neo4j at $SURVGRAPH_TEST_NEO4J_URI"
elif [ "${SURVGRAPH_SKIP_NEO4J:-}" = "1" ]; then
  echo "== SURVGRAPH_SKIP_NEO4J=1: Neo4j tests will be skipped"
else
  # A home and port of its own, so a development server on 7687 is left alone.
  export SURVGRAPH_NEO4J_HOME="$PWD/.neo4j-test"
  export SURVGRAPH_NEO4J_BOLT_PORT="${SURVGRAPH_TEST_NEO4J_PORT:-7699}"
  export SURVGRAPH_NEO4J_PASSWORD="${SURVGRAPH_TEST_NEO4J_PASSWORD:-survgraph-test}"
  echo "== starting Neo4j (home $SURVGRAPH_NEO4J_HOME, bolt port $SURVGRAPH_NEO4J_BOLT_PORT)"
  scripts/neo4j-server.sh stop >/dev/null 2>&1 || true
  scripts/neo4j-server.sh reset >/dev/null 2>&1 || true
  trap 'scripts/neo4j-server.sh stop || true' EXIT
  if ! { scripts/neo4j-server.sh start && scripts/neo4j-server.sh wait; }; then
    echo "FAILED: Neo4j could not be started; the Neo4j tests cannot run." >&2
    echo "Install Java 17+ and Maven, or set SURVGRAPH_TEST_NEO4J_URI to a running server." >&2
    exit 1
  fi
  export SURVGRAPH_TEST_NEO4J_URI="bolt://127.0.0.1:$SURVGRAPH_NEO4J_BOLT_PORT"
  export SURVGRAPH_TEST_NEO4J_PASSWORD="$SURVGRAPH_NEO4J_PASSWORD"
fi

# -- headless Chromium for the browser tests ----------------------------------------------------
if [ "${SURVGRAPH_SKIP_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "FAILED: the browser tests need Debian's chromium (apt-get install chromium)," >&2
    echo "or set SURVGRAPH_SKIP_BROWSER=1 to skip them." >&2
    exit 1
  fi
fi

# -- node and npm for the GraphQL-over-HTTP audit (graphql-http, installed by the test) -------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "FAILED: the GraphQL-over-HTTP audit needs node (18+) and npm (apt-get install nodejs npm)." >&2
  exit 1
fi

echo "== pytest"
.venv/bin/pytest "$@"

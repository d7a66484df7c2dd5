#!/usr/bin/env bash
# The main job on a fresh machine: install, load the seed graph and the bundled demo
# disclosures into the embedded store, then serve the GraphQL API and the maps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
.venv/bin/survgraph load demo
exec .venv/bin/survgraph serve --host "${SURVGRAPH_HOST:-127.0.0.1}" --port "${SURVGRAPH_PORT:-8000}"

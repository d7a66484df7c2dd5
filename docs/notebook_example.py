"""Maps as pyvis Networks, for a notebook or a script: .venv/bin/python docs/notebook_example.py

Loads the seed graph into a throw-away embedded store, builds Microsoft's neighbourhood as a
`pyvis.network.Network`, prints what it holds and writes one offline HTML file. In Jupyter,
leave `net` as the last expression of a cell to draw it inline.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch
from visualizations.notebook import ego_network, reach_network


def main(out_dir: Path) -> None:
    with EmbeddedStore(out_dir / "seed.db") as store:
        store.upsert(seed_batch())
        net = ego_network(store, "company:microsoft", hops=2)
        print(f"ego: {len(net.nodes)} nodes, {len(net.edges)} ties")
        microsoft = next(n for n in net.nodes if n["id"] == "company:microsoft")
        print(microsoft["title"].splitlines()[-1])  # a source, from the hover title
        net.write_html(str(out_dir / "microsoft.html"))
        reach = reach_network(store, "domain:immigration-enforcement", ["Company"])
        print(f"reach: {len(reach.nodes)} nodes -> {out_dir / 'microsoft.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))

"""Graphs for map benchmarks and tests, written through the store like any load.

- `alpr_batch`: the nc-alpr data-sharing ties (McClatchy Southeast / The News & Observer, MIT):
  one Agency per agency id, one SHARES_DATA_WITH tie per row, every one citing the file.
  (The general CSV loader with mappings lives in loaders/; this reads just the two id columns
  the maps need.)
- `synthetic_batch`: a deterministic procurement-shaped graph of about N nodes (companies,
  products, contracts, agencies, domains) for `survgraph bench map --nodes N`.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from graph_service.records import Batch, Edge, Node

ALPR_FILE = Path("/work/shared/data/nc-alpr/agency_access20240426.csv")
ALPR_SOURCE = Node(
    id="source:nc-alpr-agency-access-20240426",
    kind="Source",
    name="Flock ALPR data-sharing between agencies (agency_access20240426.csv)",
    properties={
        "url": "https://github.com/mcclatchy-southeast/private_eyes",
        "title": "Private eyes: Flock license-plate reader data sharing, North Carolina",
        "publisher": "McClatchy Southeast Data Desk / The News & Observer (MIT license)",
        "source_kind": "dataset",
        "format": "csv",
    },
)
ALPR_COLUMNS = ("src_agency", "external_agency", "src_agency_id", "external_agency_id")


class SampleDataError(ValueError):
    """A row of a sample file is unusable; the message names file, row and field."""


def alpr_batch(path: Path = ALPR_FILE, limit: int | None = None) -> Batch:
    """Agencies and their SHARES_DATA_WITH ties from the first `limit` rows (all by default)."""
    nodes: dict[str, Node] = {ALPR_SOURCE.id: ALPR_SOURCE}
    edges: list[Edge] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ALPR_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SampleDataError(f"{path}: header lacks {', '.join(missing)}")
        for row_number, row in enumerate(reader, start=2):
            if limit is not None and row_number - 2 >= limit:
                break
            ends = []
            for name_key, id_key in (("src_agency", "src_agency_id"),
                                     ("external_agency", "external_agency_id")):
                raw_id, name = (row.get(id_key) or "").strip(), (row.get(name_key) or "").strip()
                if not raw_id.isdigit():
                    raise SampleDataError(f"{path}: row {row_number}: {id_key} {raw_id!r} "
                                          "is not a number")
                if not name:
                    raise SampleDataError(f"{path}: row {row_number}: {name_key} is empty")
                node_id = f"agency:flock-{raw_id}"
                nodes.setdefault(node_id, Node(node_id, "Agency", name,
                                               sources=[ALPR_SOURCE.id]))
                ends.append(node_id)
            if ends[0] != ends[1]:
                edges.append(Edge("SHARES_DATA_WITH", ends[0], ends[1], "reported",
                                  sources=[ALPR_SOURCE.id]))
    return Batch(list(nodes.values()), edges)


SYNTHETIC_SOURCE = Node(
    id="source:synthetic-benchmark", kind="Source", name="Synthetic benchmark graph",
    properties={"source_kind": "dataset", "title": "Synthetic graph for survgraph bench map"},
)


def synthetic_batch(nodes: int, seed: int = 7) -> Batch:
    """About `nodes` nodes: 10% companies, 10% products, 60% contracts, 19% agencies, and the
    domains; each contract awarded to a company by an agency and covering a product."""
    rng = random.Random(seed)
    cite = [SYNTHETIC_SOURCE.id]
    count = max(nodes, 20)
    companies = [f"company:vendor-{i}" for i in range(count // 10)]
    products = [f"product:offering-{i}" for i in range(count // 10)]
    agencies = [f"agency:office-{i}" for i in range(count * 19 // 100)]
    domains = [f"domain:mission-{i}" for i in range(max(1, count // 100))]
    contracts = [f"contract:award-{i}" for i in
                 range(count - len(companies) - len(products) - len(agencies) - len(domains))]
    out: list[Node] = [SYNTHETIC_SOURCE]
    out += [Node(c, "Company", f"Vendor {i}", sources=cite) for i, c in enumerate(companies)]
    out += [Node(p, "Product", f"Offering {i}", sources=cite) for i, p in enumerate(products)]
    out += [Node(a, "Agency", f"Office {i}", sources=cite) for i, a in enumerate(agencies)]
    out += [Node(d, "Domain", f"Mission {i}", sources=cite) for i, d in enumerate(domains)]
    out += [Node(c, "Contract", f"Award {i}", sources=cite,
                 properties={"obligated": round(rng.lognormvariate(11, 2), 2)})
            for i, c in enumerate(contracts)]
    ties: list[Edge] = []
    for i, product in enumerate(products):
        ties.append(Edge("OFFERS", companies[i % len(companies)], product, sources=cite))
    for agency in agencies:
        ties.append(Edge("OPERATES_IN", agency, rng.choice(domains), sources=cite))
    for contract in contracts:
        # Skewed choice: a few big vendors and agencies hold most contracts, as in real data.
        vendor = companies[int(len(companies) * rng.random() ** 3)]
        buyer = agencies[int(len(agencies) * rng.random() ** 2)]
        ties.append(Edge("AWARDED_TO", contract, vendor, sources=cite))
        ties.append(Edge("AWARDED_BY", contract, buyer, sources=cite))
        ties.append(Edge("COVERS", contract, rng.choice(products),
                         status="inferred" if rng.random() < 0.3 else "reported", sources=cite))
    return Batch(out, ties)

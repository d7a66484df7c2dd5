"""Level of detail for big overview maps: fold each contract into vendor -> agency ties.

A contract awarded to a company by an agency becomes part of one FOLDED_CONTRACTS tie from the
company to the agency, weighted by the money obligated (each contract counted once per pair) and
citing the union of the contract's and its ties' sources. Contracts without both a vendor and an
agency stay as they are. One pass over nodes and ties: linear time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph_service.records import Edge, Node

FOLDED = "FOLDED_CONTRACTS"
VENDOR_TYPES = ("AWARDED_TO",)
AGENCY_TYPES = ("AWARDED_BY", "FUNDED_BY")
KEEP_CONTRACT_IDS = 50  # ids listed on one folded tie; the count is always exact


@dataclass
class _Fold:
    amount: float = 0.0
    contracts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    reported: bool = True


def fold_contracts(nodes: list[Node], edges: list[Edge]) -> tuple[list[Node], list[Edge], int]:
    """The nodes and ties with contracts folded, and how many contracts were folded."""
    contracts = {n.id: n for n in nodes if n.kind == "Contract"}
    vendors: dict[str, list[Edge]] = defaultdict(list)
    agencies: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.source in contracts:
            if edge.type in VENDOR_TYPES:
                vendors[edge.source].append(edge)
            elif edge.type in AGENCY_TYPES:
                agencies[edge.source].append(edge)
    folds: dict[tuple[str, str], _Fold] = {}
    folded: set[str] = set()
    for contract_id in sorted(contracts):
        if not vendors[contract_id] or not agencies[contract_id]:
            continue
        folded.add(contract_id)
        contract = contracts[contract_id]
        obligated = contract.properties.get("obligated")
        amount = float(obligated) if isinstance(obligated, int | float) else 0.0
        buyers = sorted({e.target for e in agencies[contract_id]})
        for vendor_edge in vendors[contract_id]:
            for agency in buyers:
                fold = folds.setdefault((vendor_edge.target, agency), _Fold())
                fold.amount += amount
                fold.contracts.append(contract_id)
                ties = [vendor_edge, *[e for e in agencies[contract_id] if e.target == agency]]
                fold.sources = list(dict.fromkeys([*fold.sources, *contract.sources]))
                for tie in ties:
                    fold.sources = list(dict.fromkeys([*fold.sources, *tie.sources]))
                    fold.reported = fold.reported and tie.status == "reported"
    kept_nodes = [n for n in nodes if n.id not in folded]
    kept_edges = [e for e in edges if e.source not in folded and e.target not in folded]
    for (vendor, agency), fold in sorted(folds.items()):
        kept_edges.append(
            Edge(
                type=FOLDED,
                source=vendor,
                target=agency,
                status="reported" if fold.reported else "inferred",
                properties={
                    "amount": round(fold.amount, 2),
                    "contracts": str(len(fold.contracts)),
                    "contract_ids": fold.contracts[:KEEP_CONTRACT_IDS],
                },
                sources=fold.sources,
            )
        )
    return kept_nodes, kept_edges, len(folded)

"""Read what each map shows from the store, through the public GraphStore interface only:
`subgraph` (ego), `reach` (reach), `shortest_paths` (path), `iter_nodes`/`iter_edges`
(overview), then `get_nodes` for the Source nodes cited and `edges` for contract money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from graph_service.records import Edge, Node
from graph_service.stores.base import GraphStore
from visualizations.hubs import HUB_LIMIT, fold_hubs
from visualizations.lod import AGENCY_TYPES, VENDOR_TYPES, fold_contracts
from visualizations.payload import MapView

FOLD_ABOVE = 200  # overview maps with more contracts than this fold them into vendor-agency ties
EGO_LIMIT = 2000


class MapError(LookupError):
    """A map cannot be drawn for this input; the message says why. `status`: HTTP status."""

    status = 404


class BadMapRequest(MapError):
    status = 400


def _require(store: GraphStore, ids: Sequence[str]) -> dict[str, Node]:
    found = store.get_nodes(list(ids))
    missing = [i for i in ids if i not in found]
    if missing:
        raise MapError(f"no node with id {', '.join(repr(m) for m in missing)}")
    return found


def _money(contracts: dict[str, Node], ties: Iterable[Edge]) -> dict[str, float]:
    """Obligated USD by contract, and summed over each company's and agency's contracts
    (a contract counts once per company or agency, whatever ties join them)."""
    money: dict[str, float] = {}
    for contract_id, contract in contracts.items():
        amount = contract.properties.get("obligated")
        if isinstance(amount, int | float) and amount > 0:
            money[contract_id] = float(amount)
    held: dict[str, set[str]] = defaultdict(set)
    for tie in ties:
        if tie.source in money and tie.type in (*VENDOR_TYPES, *AGENCY_TYPES):
            held[tie.target].add(tie.source)
    for holder, contract_ids in held.items():
        money[holder] = sum(money[c] for c in contract_ids)
    return money


def _money_from_store(store: GraphStore, nodes: list[Node]) -> dict[str, float]:
    holders = [n.id for n in nodes if n.kind in ("Company", "Agency")]
    ties = store.edges(holders, [*VENDOR_TYPES, *AGENCY_TYPES], "in") if holders else []
    contract_ids = {n.id for n in nodes if n.kind == "Contract"} | {t.source for t in ties}
    contracts = store.get_nodes(sorted(contract_ids)) if contract_ids else {}
    money = _money({i: n for i, n in contracts.items() if n.kind == "Contract"}, ties)
    shown = {n.id for n in nodes}
    return {k: v for k, v in money.items() if k in shown}


def _with_sources(store: GraphStore, view: MapView) -> MapView:
    cited: set[str] = set()
    for node in view.nodes:
        cited.update(node.sources)
    for edge in view.edges:
        cited.update(edge.sources)
    view.sources = store.get_nodes(sorted(cited)) if cited else {}
    return view


def _dedupe(edges: Iterable[Edge]) -> list[Edge]:
    unique: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        unique.setdefault(edge.key, edge)
    return [unique[k] for k in sorted(unique)]


def ego_view(store: GraphStore, node_id: str, hops: int = 2, limit: int = EGO_LIMIT,
             fold: bool = True) -> MapView:
    """The neighbourhood of a node; a hub's neighbours folded by kind and counterpart (hubs.py)
    unless `fold` is False."""
    centre = _require(store, [node_id])[node_id]
    nodes, edges = store.subgraph([node_id], hops, limit)
    notes = [f"limited to the {limit} nearest nodes"] if len(nodes) >= limit else []
    view = MapView(
        mode="ego", title=centre.name, subtitle=f"{centre.kind} · ties within {hops} hops",
        nodes=nodes, edges=edges, layout="force", focus=[node_id], notes=notes,
    )
    if fold:
        _add_vendors(store, view)
    view.money = _money_from_store(store, view.nodes)
    if fold:
        view = fold_hubs(view)
    return _with_sources(store, view)


def _add_vendors(store: GraphStore, view: MapView) -> None:
    """A hub's contracts fold by vendor, so each vendor must be on the map even when it lies
    one tie beyond --hops (ICE at one hop: its contracts, not yet their vendors)."""
    shown = {n.id for n in view.nodes}
    centres = set(view.focus)
    near = {e.target if e.source in centres else e.source for e in view.edges
            if (e.source in centres) != (e.target in centres)}
    if len(near) <= HUB_LIMIT:
        return
    contracts = sorted(i for i in near if i.startswith("contract:"))
    ties = store.edges(contracts, list(VENDOR_TYPES), "out") if contracts else []
    missing = sorted({t.target for t in ties} - shown)
    found = store.get_nodes(missing) if missing else {}
    view.nodes = view.nodes + [found[i] for i in missing if i in found]
    shown.update(found)
    known = {e.key for e in view.edges}
    view.edges = view.edges + [t for t in ties if t.target in shown and t.key not in known]


def reach_view(store: GraphStore, target: str, from_kinds: Sequence[str] | None = None,
               as_of: str | None = None) -> MapView:
    """Exactly what `store.reach` answers: the subjects, their evidence paths and the target."""
    goal = _require(store, [target])[target]
    model = store.model
    if from_kinds:
        unknown = [k for k in from_kinds if k not in model.kinds]
        if unknown:
            known = ", ".join(model.kinds)
            raise BadMapRequest(f"unknown kind {', '.join(unknown)}; kinds: {known}")
        kinds = list(from_kinds)
    else:
        kinds = sorted({r.from_kind for r in model.reach if r.to_kind == goal.kind})
    answers = store.reach(kinds, target, as_of=as_of)
    ids: dict[str, None] = {target: None}
    edges: list[Edge] = []
    facts = {}
    for answer in answers:
        ids[answer.subject] = None
        for path in answer.paths:
            ids.update(dict.fromkeys(path.nodes))
            edges.extend(path.edges)
        facts[answer.subject] = {
            "reaches": target,
            "evidence paths": str(len(answer.paths)),
            "rules": answer.rules,
            "contracts": answer.contracts,
            "total obligated (USD)": answer.total_obligated,
        }
    found = store.get_nodes(list(ids))
    nodes = [found[i] for i in sorted(found)]
    subtitle = f"{len(answers)} subjects ({', '.join(kinds)}) reach {goal.kind} {goal.name}"
    if as_of:
        subtitle += f" as of {as_of}"
    view = MapView(
        mode="reach", title=f"Reach: {goal.name}", subtitle=subtitle, nodes=nodes,
        edges=_dedupe(edges), layout="flow", focus=[target],
        facts={k: {f: v for f, v in fact.items() if v not in (None, [])}
               for k, fact in facts.items()},
    )
    view.money = _money_from_store(store, nodes)
    return _with_sources(store, view)


def path_view(store: GraphStore, source: str, target: str, max_hops: int = 6,
              limit: int = 10) -> MapView:
    ends = _require(store, [source, target])
    paths = store.shortest_paths(source, target, max_hops=max_hops, limit=limit)
    ids = dict.fromkeys([source, target])
    edges: list[Edge] = []
    for path in paths:
        ids.update(dict.fromkeys(path.nodes))
        edges.extend(path.edges)
    found = store.get_nodes(list(ids))
    hops = len(paths[0].edges) if paths else 0
    subtitle = (f"{len(paths)} shortest path(s) of {hops} ties" if paths
                else f"no path within {max_hops} ties")
    view = MapView(
        mode="path", title=f"{ends[source].name} → {ends[target].name}", subtitle=subtitle,
        nodes=[found[i] for i in sorted(found)], edges=_dedupe(edges), layout="flow",
        focus=[source, target],
    )
    view.money = _money_from_store(store, view.nodes)
    return _with_sources(store, view)


def overview_view(store: GraphStore, fold: bool | None = None) -> MapView:
    """The whole graph but its Source nodes (they show in the details panel); contracts folded
    into vendor-agency ties when there are many (or when `fold` says so)."""
    nodes = [n for n in store.iter_nodes() if n.kind != "Source"]
    shown = {n.id for n in nodes}
    edges = [e for e in store.iter_edges() if e.source in shown and e.target in shown]
    contracts = {n.id: n for n in nodes if n.kind == "Contract"}
    money = _money(contracts, edges)
    notes = []
    if fold if fold is not None else len(contracts) > FOLD_ABOVE:
        nodes, edges, folded = fold_contracts(nodes, edges)
        if folded:
            notes.append(f"{folded} contracts folded into vendor → agency ties weighted by money")
    view = MapView(
        mode="overview", title="Overview", subtitle="the whole graph",
        nodes=nodes, edges=edges, layout="force", notes=notes,
    )
    kept = {n.id for n in nodes}
    view.money = {k: v for k, v in money.items() if k in kept}
    return _with_sources(store, view)

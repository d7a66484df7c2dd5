"""Statements: what one source record says about one entity or tie, kept as the truth.

A store never merges what loaders send. Each claim (a Node or Edge of a batch) becomes one
*fragment statement*: the id its source uses, its kind or type, the values it states, its source
and the record in it, the policy rank of its origin and the load days that saw it. The granularity
is a fragment per entity per source rather than a row per value: a bulk row then costs a handful
of statement rows, not forty, and identical claims from many rows of one file (every award row
names ICE) are one statement whose record is the first row that made it. Every value can still
say which statement gave it, and the graph view is derived from the set of statements by the
policy of schema/model.yaml (`resolution:`), so load order never changes an answer.

The resolver (`cluster`) maps the ids sources use to canonical entities from identifier
statements: the same UEI, DUNS, agency code or PIID is one entity, unless a conflicting value
(two UEIs, two parent IDVs) says otherwise.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import orjson

from graph_service.domain_model import DomainModel
from graph_service.judgements import (
    APART_PREFIX,
    BASE_PROP,
    JUDGEMENT_PROP,
    NAMED_PROP,
    QUALIFIER,
    base_id,
)
from graph_service.records import Edge, Node, Value
from graph_service.text import fold

EDGE_KEY_SEPARATOR = "\x1f"  # never in an id (ids have no whitespace or control characters)


def edge_entity(source: str, rel_type: str, target: str) -> str:
    """The statement entity of a tie: its ends as the source named them, and its type."""
    return f"{source}{EDGE_KEY_SEPARATOR}{rel_type}{EDGE_KEY_SEPARATOR}{target}"


@dataclass(slots=True, unsafe_hash=True)
class Fragment:
    """One statement row, as both stores keep it. Never changed once made (`replace` makes a
    changed copy); not frozen only because a load makes one per claim, and a frozen
    dataclass's constructor costs eight times as much."""

    id: str
    entity: str
    is_edge: bool
    kind: str  # node kind, or relationship type
    src: str | None  # ties: the source-given ends
    dst: str | None
    source: str
    record: str
    origin: str
    rank: int
    body: str  # canonical JSON of the stated values
    first_seen: str | None
    last_seen: str | None
    # Node statements: the folded names they can be found by (search is accent- and case-blind),
    # and the folded name; kept beside the row, not in it.
    terms: tuple[str, ...] = ()
    fold_name: str = ""

    def as_row(self) -> tuple[object, ...]:
        return (self.id, self.entity, int(self.is_edge), self.kind, self.src, self.dst,
                self.source, self.record, self.origin, self.rank, self.body, self.first_seen,
                self.last_seen)


def fold_repeats(fragments: Iterable[Fragment]) -> list[Fragment]:
    """A batch's repeated statements (every award row names ICE) as one, ordered by id, by the
    rule a store applies to a statement seen again: the first record (shortest, then smallest
    label) and the earliest and latest days."""
    kept: dict[str, Fragment] = {}
    for frag in fragments:
        old = kept.get(frag.id)
        if old is None:
            kept[frag.id] = frag
            continue
        record = min(old.record, frag.record, key=lambda r: (len(r), r))
        first = min((d for d in (old.first_seen, frag.first_seen) if d), default=None)
        last = max((d for d in (old.last_seen, frag.last_seen) if d), default=None)
        if (record, first, last) != (old.record, old.first_seen, old.last_seen):
            kept[frag.id] = replace(old, record=record, first_seen=first, last_seen=last)
    return [kept[key] for key in sorted(kept)]


_BLAKE = hashlib.blake2b(digest_size=12)  # copied per statement: cheaper than a new one


_dumps = orjson.dumps
_SORTED = orjson.OPT_SORT_KEYS


def _body(data: dict[str, object]) -> str:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")


# Names repeat across a load's claims (every award names ICE): each is folded once.
_fold = functools.lru_cache(maxsize=1 << 16)(fold)


def _distinct(items: Sequence[str]) -> list[str]:
    """sorted(set(items)), without building a set for the usual one or two."""
    if len(items) < 2:
        return list(items)
    if len(items) == 2:  # a claim's file and its row's document, most often
        first, second = items
        return [first] if first == second else [first, second] if first < second \
            else [second, first]
    return sorted(set(items))




def _cited(sources: Sequence[str]) -> list[str]:
    """_distinct(sources), without sorting for the usual one (the file) or two (and the row's
    document)."""
    count = len(sources)
    if count == 1:
        return [sources[0]]
    if count == 2:
        first, other = sources
        return [first] if first == other else [first, other] if first < other else [other, first]
    return _distinct(sources)


def node_statement(model: DomainModel, node_id: str, kind: str, name: str,
                   aliases: Sequence[str], properties: dict[str, Value],
                   sources: Sequence[str], first_seen: str | None, last_seen: str | None,
                   record: str | None, origin: str | None) -> Fragment:
    """The statement row of one node claim, from its fields (loaders build no Node for it);
    `properties` holds only what it states (`stated`)."""
    source = sources[0] if sources else ""
    cited = _cited(sources)
    body = _dumps({"name": name, "aliases": _distinct(aliases) if aliases else [],
                   "properties": properties, "sources": cited}, option=_SORTED)
    stated = origin or ""
    folded = _fold(name)
    terms = tuple(sorted({_fold(t) for t in (name, *aliases) if t})) if aliases else \
        (folded,) if name else ()
    # The id: the blake2b of "n", id, kind, source, origin and body joined by \x1e, hashed
    # from the body's bytes as orjson gives them.
    hasher = _BLAKE.copy()
    hasher.update(f"n\x1e{node_id}\x1e{kind}\x1e{source}\x1e{stated}\x1e".encode() + body)
    return Fragment(  # positional, in field order: made for every claim
        hasher.hexdigest(), node_id, False, kind, None, None, source, record or "", stated,
        model.ranks.get(origin, 0), body.decode(), first_seen, last_seen, terms, folded)


def edge_statement(model: DomainModel, rel_type: str, src: str, dst: str, status: str,
                   properties: dict[str, Value], sources: Sequence[str],
                   first_seen: str | None, last_seen: str | None, record: str | None,
                   origin: str | None) -> Fragment:
    """The statement row of one tie claim, from its fields (`properties` as `stated`)."""
    source = sources[0] if sources else ""
    cited = _cited(sources)
    body = _dumps({"status": status, "properties": properties, "sources": cited},
                  option=_SORTED)
    # Inferred ties rank below reported ones of the same origin: a rule's guess never outranks
    # what its own source states.
    stated = origin or ("inference" if status == "inferred" else "")
    entity = f"{src}{EDGE_KEY_SEPARATOR}{rel_type}{EDGE_KEY_SEPARATOR}{dst}"  # edge_entity
    hasher = _BLAKE.copy()
    hasher.update(f"e\x1e{entity}\x1e{source}\x1e{stated}\x1e".encode() + body)
    return Fragment(  # positional, in field order
        hasher.hexdigest(), entity, True, rel_type, src, dst, source, record or "", stated,
        model.ranks.get(stated, 0), body.decode(), first_seen, last_seen)


def stated(properties: dict[str, Value]) -> dict[str, Value]:
    """The values a claim states: blanks say nothing."""
    return {k: v for k, v in properties.items() if v is not None and v != ""}


def node_fragment(model: DomainModel, node: Node) -> Fragment:
    return node_statement(model, node.id, node.kind, node.name, node.aliases,
                          stated(node.properties), node.sources, node.first_seen,
                          node.last_seen, node.record, node.origin)


def edge_fragment(model: DomainModel, edge: Edge) -> Fragment:
    return edge_statement(model, edge.type, edge.source, edge.target, edge.status,
                          stated(edge.properties), edge.sources, edge.first_seen,
                          edge.last_seen, edge.record, edge.origin)


@dataclass(slots=True)
class StatementBatch:
    """What a load appends to a store in one transaction: statement rows (folded, sorted by
    id), the identifier values they state and the node entities they name. Loaders produce
    the rows directly (loaders/claims.py); claims as Node/Edge objects become one by
    `statements_of`."""

    nodes: list[Fragment]
    edges: list[Fragment]
    identity: list[tuple[str, str, str, str, int]]  # (entity, kind, prop, value, is_key)
    entities: dict[str, str]  # node entity -> kind

    def __len__(self) -> int:
        return len(self.nodes) + len(self.edges)

    def unknown_ends(self) -> list[str]:
        """Tie ends no node statement of this batch names (the store checks it knows them)."""
        ends = {end for f in self.edges for end in (f.src, f.dst) if end is not None}
        return sorted(ends - self.entities.keys())


IdentityRow = tuple[str, str, str, str, int]


def statement_batch(nodes: Sequence[Fragment], edges: Iterable[Fragment],
                    identity: Iterable[IdentityRow]) -> StatementBatch:
    """A batch of statement rows as a store appends them: repeats folded, sorted by id."""
    return StatementBatch(nodes=fold_repeats(nodes), edges=fold_repeats(edges),
                          identity=sorted(set(identity)),
                          entities={f.entity: f.kind for f in nodes})


def statements_of(model: DomainModel, nodes: Iterable[Node], edges: Iterable[Edge]
                  ) -> StatementBatch:
    """The statements of claims given as objects (the API, catalogs, seed, judgements)."""
    node_list = list(nodes)
    return statement_batch(
        [node_fragment(model, n) for n in node_list],
        (edge_fragment(model, e) for e in edges),
        (r for n in node_list for r in identity_rows(model, n.id, n.kind, n.properties)))


def identity_rows(model: DomainModel, node_id: str, kind: str,
                  properties: dict[str, Value]) -> list[IdentityRow]:
    """(entity, kind, prop, value, is_key) for the identifier and conflict values a claim states,
    and, for kinds with qualified ids, the base of its id (a weaker key: see `cluster`)."""
    rows = []
    for prop, is_key in model.identity_props[kind]:
        value = properties.get(prop)
        if value not in (None, ""):
            rows.append((node_id, kind, prop, str(value).upper(), is_key))
    if model.kinds[kind].qualified_ids:
        rows.append((node_id, kind, BASE_PROP, base_id(node_id), 1))
    return rows


def _tier(prop: str) -> int:
    """Keys are applied in this order: identifiers, then names (the base of qualified ids), then
    analysts' judgements, which join the entities the first two made (as the analyst saw
    them), overriding an identifier conflict between them."""
    return 2 if prop == JUDGEMENT_PROP else 1 if prop == BASE_PROP else 0


def cluster(model: DomainModel, rows: Iterable[tuple[str, str, str, str, int]],
            entities: Iterable[str]) -> dict[str, str]:
    """Canonical id of every entity among `entities` and `rows` (one connected component or
    several): entities sharing an identifier value are one, unless a `conflicts` property holds
    different values on each side (a `same` judgement overrides those; a `different` judgement
    is a conflict nothing overrides). Keys are taken in a fixed order (identifiers, the base of
    qualified ids, judgements; values sorted), so the answer is a function of the rows alone."""
    values: dict[str, dict[str, set[str]]] = {e: {} for e in entities}
    keys: dict[tuple[int, str, str, str], list[str]] = {}
    kinds: dict[str, str] = {}
    for entity, kind, prop, value, is_key in rows:
        values.setdefault(entity, {}).setdefault(prop, set()).add(value)
        kinds[entity] = kind
        if is_key:
            keys.setdefault((_tier(prop), kind, prop, value), []).append(entity)
    parent = {e: e for e in values}
    members = {e: [e] for e in values}
    held = {e: {p: set(v) for p, v in props.items()} for e, props in values.items()}

    def root(e: str) -> str:
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    def apart(a: str, b: str, props: Iterable[str]) -> bool:
        return any(held[a].get(p) and held[b].get(p) and not held[a][p] & held[b][p]
                   for p in props)

    for (tier, kind, _prop, _value), group in sorted(keys.items()):
        conflicts = model.kinds[kind].conflicts
        ordered = sorted(group)
        for other in ordered[1:]:
            a, b = root(ordered[0]), root(other)
            if a == b:
                continue
            judged = [p for p in (*held[a], *held[b]) if p.startswith(APART_PREFIX)]
            if apart(a, b, judged) or (tier < 2 and apart(a, b, conflicts)):
                continue  # two UEIs, two parent IDVs, "not the same": two entities
            parent[b] = a
            members[a] += members.pop(b)
            for prop, vals in held.pop(b).items():
                held[a].setdefault(prop, set()).update(vals)
    return _name(model, values, kinds, list(members.values()))


def _name(model: DomainModel, values: dict[str, dict[str, set[str]]], kinds: dict[str, str],
          groups: list[list[str]]) -> dict[str, str]:
    """The canonical id of each group: the member stating the most identifying values, then the
    smallest id; for kinds with qualified ids, the base id ('company:<name>') goes to one group
    of that base (the one holding the bare id, else the one with the most identifying values),
    so ids stay readable and stable while records of one name but two UEIs stay two."""
    def weight(e: str) -> int:
        return sum(len(v) for p, v in values[e].items()
                   if p != JUDGEMENT_PROP and not p.startswith(("~", APART_PREFIX)))

    canonical: dict[str, str] = {}
    claims: dict[str, list[tuple[tuple[int, int, str], list[str]]]] = {}
    def unnamed(e: str) -> bool:
        return NAMED_PROP not in values[e]

    for group in groups:
        best = min(group, key=lambda e: (-weight(e), unnamed(e), e))
        spec = model.kinds.get(kinds.get(best, ""))
        if spec is not None and spec.qualified_ids:
            bare = sorted((e for e in group if QUALIFIER not in e),
                          key=lambda e: (unnamed(e), e))
            # A judgement's named id first, then the best member's own base id when it is a
            # member (of three bare ids the one stating the most), then the smallest bare id.
            own = base_id(best)
            if bare and unnamed(bare[0]) and own in bare:
                bare.insert(0, own)
            base = bare[0] if bare else own
            rank = (0 if bare else 1, -sum(weight(e) for e in group), best)
            claims.setdefault(base, []).append((rank, group))
        for entity in group:
            canonical[entity] = best
    for base, claimants in claims.items():
        claimants.sort(key=lambda claim: claim[0])
        for entity in claimants[0][1]:
            canonical[entity] = base
    return canonical


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement behind a view record, as `GraphStore.statements` returns it: `entity` is
    the id (or tie entity) its source used, `canonical` the view id (or tie key) it supports."""

    entity: str
    canonical: str
    kind: str
    source: str
    record: str
    origin: str
    rank: int
    name: str | None
    aliases: list[str]
    properties: dict[str, object]
    sources: list[str]
    status: str | None
    first_seen: str | None
    last_seen: str | None


def statement_order(statement: Statement) -> tuple[object, ...]:
    """The order `GraphStore.statements` returns them in: by view record, entity, best rank,
    then by every other field, so that the order is a function of the statements alone (two
    statements of one record may differ only in their name, or days): never the order a store
    happened to write them in (a bulk import writes them from several files at once)."""
    return (statement.canonical, statement.entity, -statement.rank, statement.source,
            statement.record, _body(statement.properties), statement.kind, statement.origin,
            statement.name or "", statement.aliases, statement.sources, statement.status or "",
            statement.first_seen or "", statement.last_seen or "")

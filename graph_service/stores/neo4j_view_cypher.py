"""The generated Cypher that derives the Neo4j view from statements (one statement per kind and
per relationship type; graph_service/stores/neo4j_view.py runs them). Labels and property keys
come from the schema only (`identifier`), every value is a parameter."""

from __future__ import annotations

from graph_service.domain_model import DomainModel
from graph_service.neo4j_schema import (
    CANON,
    ENTITY,
    FRAGMENT,
    IDENT,
    RANKS,
    SEARCH,
    SEARCH_SEPARATOR,
    SORT_NAME,
    TERMS,
    identifier,
)
from graph_service.stores.action_sums import DERIVED

VALUE_PREFIX = "v_"  # a stated value's key on a Fragment node
_SEARCH_SEPARATOR = f"'\\u{ord(SEARCH_SEPARATOR):04X}'"  # as a Cypher literal


# An entity's canonical id is its :Canon's, and an entity without one is its own: most are
# (new contracts, sources), and a :Canon each cost a node and two index entries (issue 13). A
# store of an earlier release holds a :Canon for every entity, its own id too: read alike.
def members(scope: str, cid: str, var: str = "m") -> str:
    """A subquery (importing `scope`) yielding `var`, each entity whose canonical id is `cid`:
    those a :Canon sends there, and `cid` itself unless its :Canon sends it elsewhere."""
    return f"""CALL ({scope}) {{
  MATCH (c:{CANON} {{canonical: {cid}}}) USING INDEX SEEK c:{CANON}(canonical)
  RETURN c.entity AS {var}
  UNION
  WITH {scope} WHERE NOT EXISTS {{
    MATCH (o:{CANON} {{entity: {cid}}}) USING INDEX SEEK o:{CANON}(entity) }}
  RETURN {cid} AS {var}
}}"""


def ident_rows(var: str, entity: str, where: str = "") -> str:
    """MATCH the identity rows `var` of `entity` through the ident_claim constraint's index on
    (entity, prop, value): its leading property seeks when the others are asked to exist (as
    every row's do), so no second index on entity costs an entry per row."""
    extra = f" AND {where}" if where else ""
    return (f"MATCH ({var}:{IDENT} {{entity: {entity}}}) "
            f"USING INDEX SEEK {var}:{IDENT}(entity, prop, value) "
            f"WHERE {var}.prop IS NOT NULL AND {var}.value IS NOT NULL{extra}")


def stated_or_named(entity: str) -> str:
    """Whether a statement or an identity row names `entity` (then, with no :Canon, it is its
    own canonical id: an earlier release gave each such entity a :Canon)."""
    return (f"(EXISTS {{ MATCH (sf:{FRAGMENT} {{entity: {entity}}}) "
            f"USING INDEX SEEK sf:{FRAGMENT}(entity) }} "
            f"OR EXISTS {{ {ident_rows('si', entity)} }})")


def canonical_of(entity: str) -> str:
    """The canonical id of the known entity `entity` (an expression)."""
    return (f"coalesce(COLLECT {{ MATCH (x:{CANON} {{entity: {entity}}}) "
            f"USING INDEX SEEK x:{CANON}(entity) RETURN x.canonical }}[0], {entity})")


# A node statement's folded names where it holds none (neo4j_view.folded: then they are its
# names lowered), and its folded name.
DERIVED_TERMS = "[x IN [f.name] + coalesce(f.aliases, []) WHERE x <> '' | toLower(x)]"
FOLD_NAME = "coalesce(top.fold_name, toLower(top.name))"


def _sorted_union(source: str, field: str, name: str, where: str = "", absent: str = "[]"
                  ) -> str:
    """A subquery collecting the distinct values of list property `field` of `source`, sorted
    (`absent`: the list of a statement without the property)."""
    return f"""
CALL ({source}) {{
  UNWIND {source} AS f UNWIND coalesce(f.{field}, {absent}) AS x
  WITH x {where}
  WITH DISTINCT x ORDER BY x
  RETURN collect(x) AS {name}
}}"""


def _winner(rule: str, key: str) -> str:
    """The view's value of property `key` among the statements `fs`, by the policy's rule."""
    prop = identifier(VALUE_PREFIX + key)
    value, best = f"f.{prop}", f"b.{prop}"
    # Of values Cypher holds equal (1 and 1.0): the better rank, then the integer, as
    # embedded_policy._winner; never the order the statements were collected in.
    equal_but_better = (f"({value} = {best} AND (f.rank > b.rank OR (f.rank = b.rank AND "
                        f"{best} IS :: FLOAT AND NOT {value} IS :: FLOAT)))")
    if rule in ("min", "max"):
        beyond = f"{value} < {best}" if rule == "min" else f"{value} > {best}"
        return (f"reduce(b = null, f IN fs | CASE WHEN {value} IS NULL THEN b "
                f"WHEN b IS NULL OR {beyond} OR {equal_but_better} THEN f ELSE b END).{prop}")
    return (f"reduce(b = null, f IN fs | CASE WHEN {value} IS NULL THEN b "
            f"WHEN b IS NULL OR f.rank > b.rank OR (f.rank = b.rank AND ({value} < {best} "
            f"OR ({value} = {best} AND {best} IS :: FLOAT AND NOT {value} IS :: FLOAT))) "
            f"THEN f ELSE b END).{prop}")


def _values(model: DomainModel, owner: str, keys: list[str], is_list: dict[str, bool],
            single: bool = False, unions: bool = True) -> tuple[str, str]:
    """Subqueries computing `union` lists, and the `key: value` entries of the view's map.
    A `union` list is every distinct element any statement states, sorted (none: no property,
    as embedded_view._WINNERS yields no row). `single`: of one statement `top`, whose every
    value wins (min, max and best of one); `unions` False: it states no union list."""
    subqueries, entries = [], []
    for key in keys:
        rule = model.resolve_rule(owner, key)
        if rule == "union" and is_list[key]:
            if not unions:
                continue
            name = f"u_{identifier(key)}"
            subqueries.append(_sorted_union("fs", identifier(VALUE_PREFIX + key), name,
                                            "WHERE x IS :: STRING"))
            entries.append(f"{identifier(key)}: CASE WHEN size({name}) > 0 THEN {name} END")
        elif single:
            entries.append(f"{identifier(key)}: top.{identifier(VALUE_PREFIX + key)}")
        else:
            entries.append(f"{identifier(key)}: {_winner(rule, key)}")
    return "".join(subqueries), ", ".join(entries)


def value_keys(model: DomainModel, owner: str, is_edge: bool) -> list[str]:
    """The keys of `owner`'s stated values, in the order of its view records' ranks."""
    if is_edge:
        return sorted(key for key in model.relationship_properties
                      if key not in ("sources", "status", "first_seen", "last_seen"))
    return sorted(model.kinds[owner].properties)


def ranked(model: DomainModel, owner: str, is_edge: bool) -> bool:
    """Whether `owner`'s view records keep their ranks (neo4j_view_combine): ties, and nodes
    not of a kind whose values the derived money overwrites (those are always derived from
    all their statements)."""
    return is_edge or not set(DERIVED) & set(model.kinds[owner].properties)


def _ranks(model: DomainModel, owner: str, is_edge: bool, single: bool) -> str:
    """The `_ranks` entry of a view record's map (none where `ranked` is False): the rank of
    the name's statement (ties: -1), then of each value's winner (-1: none, or a union).
    A tie made with its one statement keeps none (most ties are met once: their bytes would
    cost on every one); the first statement meeting it derives it from both, which does."""
    if not ranked(model, owner, is_edge) or (is_edge and single):
        return ""
    out = ["-1" if is_edge else "top.rank"]
    for key in value_keys(model, owner, is_edge):
        prop = f"top.{identifier(VALUE_PREFIX + key)}"
        if model.resolve_rule(owner, key) == "union":
            out.append("-1")
        elif single:
            out.append(f"CASE WHEN {prop} IS NULL THEN -1 ELSE top.rank END")
        else:
            winner = _winner(model.resolve_rule(owner, key), key).rsplit(".", 1)[0]
            out.append(f"coalesce({winner}.rank, -1)")
    return f", {RANKS}: [{', '.join(out)}]"


def union_lists(model: DomainModel, owner: str, is_edge: bool) -> list[str]:
    """The value keys of `owner` (a kind or relationship type) whose rule is a union list."""
    props = (model.relationship_properties if is_edge else model.kinds[owner].properties)
    return [VALUE_PREFIX + key for key, spec in props.items()
            if spec.type == "list" and model.resolve_rule(owner, key) == "union"
            and key not in ("sources", "status", "first_seen", "last_seen")]


_SEEN = ("first_seen: reduce(m = null, f IN fs | CASE WHEN f.first_seen IS NOT NULL AND "
         "(m IS NULL OR f.first_seen < m) THEN f.first_seen ELSE m END), "
         "last_seen: reduce(m = null, f IN fs | CASE WHEN f.last_seen IS NOT NULL AND "
         "(m IS NULL OR f.last_seen > m) THEN f.last_seen ELSE m END)")

_SEEN_ONE = "first_seen: top.first_seen, last_seen: top.last_seen"

# Whether the map `props` is what `before` (a record's properties) holds already: the same keys
# bar those `props` holds null (SET drops them), each value equal and of the same type (1 and
# 1.0 are equal, and shown differently).
SAME_AS_STORED = (
    "(before IS NOT NULL AND all(k IN keys(before) WHERE props[k] IS NOT NULL) AND "
    "all(k IN keys(props) WHERE (props[k] IS NULL AND before[k] IS NULL) OR "
    "(props[k] = before[k] AND valueType(props[k]) = valueType(before[k]))))")

_COUNT = """
RETURN sum(CASE WHEN before IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN before IS NOT NULL AND before <> after THEN 1 ELSE 0 END) AS updated"""


def _node_map(model: DomainModel, kind: str, single: bool = False) -> tuple[str, str]:
    """The subqueries, and the map, of the view node `cid` of `kind` from its statements `fs`
    (best-ranked `top`, and the sorted unions `aliases`, `sources`, `terms`)."""
    keys = value_keys(model, kind, is_edge=False)
    is_list = {k: model.kinds[kind].properties[k].type == "list" for k in keys}
    unions, values = _values(model, kind, keys, is_list, single)
    return unions, f"""{{
  id: cid, name: top.name, aliases: aliases, sources: sources, {_SEEN_ONE if single else _SEEN},
  {TERMS}: terms, {SEARCH}: reduce(s = '', t IN terms | s + CASE WHEN s = '' THEN '' ELSE
    {_SEARCH_SEPARATOR} END + t), {SORT_NAME}: {FOLD_NAME}{", " + values if values else ""}
  {_ranks(model, kind, False, single)}
}}"""


def refresh_nodes_statement(model: DomainModel, kind: str) -> str:
    """`$ids`: canonical ids of `kind`; each view node becomes what its statements say. Returns
    the ids created and the ids updated."""
    return f"""
UNWIND $ids AS cid
CALL (cid) {{
  {members("cid", "cid")}
  MATCH (f:{FRAGMENT} {{entity: m}}) USING INDEX SEEK f:{FRAGMENT}(entity)
  WHERE f.src IS NULL
  RETURN collect(f) AS fs
}}{derive_node(model, kind)}"""


def derive_node(model: DomainModel, kind: str, done: bool = False) -> str:
    """The view node `cid` of `kind` from its statements `fs` (all of them, or the old node's
    own as neo4j_view_combine makes them and the new ones), written; the ids created and
    updated (ranks apart). Derived money (action_sums.py) is carried over from the old node:
    the sums step recomputes it next, and a re-load then counts no update. `done`: every id
    written is returned too."""
    unions, props = _node_map(model, kind)
    keys = set(model.kinds[kind].properties)
    carried = ""
    if set(DERIVED) <= keys:
        carried = "SET " + ", ".join(f"n.{identifier(k)} = before.{identifier(k)}"
                                     for k in DERIVED)
        if "obligated" in keys:
            carried += ", n.obligated = coalesce(n.obligated, before.obligated)"
    return f"""
WITH cid, fs, reduce(b = null, f IN fs | CASE WHEN b IS NULL OR f.rank > b.rank
                     OR (f.rank = b.rank AND f.name < b.name) THEN f ELSE b END) AS top
CALL (fs, top) {{
  UNWIND fs AS f UNWIND [f.name] + coalesce(f.aliases, []) AS x
  WITH x WHERE x <> top.name
  WITH DISTINCT x ORDER BY x
  RETURN collect(x) AS aliases
}}
{_sorted_union("fs", "sources", "sources")}
{_sorted_union("fs", "terms", "terms", absent=DERIVED_TERMS)}{unions}
WITH cid, aliases, sources, terms, top, {props} AS props
OPTIONAL MATCH (old:{ENTITY} {{id: cid}})
WITH cid, props, properties(old) AS before
// A node that would be written as it is stays as it is (most re-derived ids, at depth).
OPTIONAL CALL (cid, props, before) {{
  WITH cid, props, before WHERE NOT {SAME_AS_STORED}
  MERGE (n:{ENTITY} {{id: cid}})
  SET n = props, n:{identifier(kind)}
  {carried}
  RETURN n {{.*, {RANKS}: null}} AS after
}}
WITH cid, before {{.*, {RANKS}: null}} AS before, after
RETURN collect(CASE WHEN before IS NULL THEN cid END) AS created,
       collect(CASE WHEN before IS NOT NULL AND after IS NOT NULL AND before <> after
                    THEN cid END) AS updated
       {", collect(cid) AS done" if done else ""}"""


def create_nodes_statement(model: DomainModel, kind: str) -> str:
    """`$rows` of {props, canonical, terms}: the one statement of a new entity of `kind` that is a
    component of its own (neo4j_append). The statement, its canonical id (a :Canon only when
    it is not the entity's own, `members`) and its view node are
    created from the row, by the expressions refresh_nodes_statement applies to many: of one
    statement, `top` is it and the unions are its own lists (sorted and distinct already,
    statements.node_fragment; neo4j_append keeps lists that Cypher would sort otherwise
    out of this path). Returns the count."""
    unions, props = _node_map(model, kind, single=True)
    # Writes last: nothing is read after them, so the rows stream (no Eager).
    return f"""
UNWIND $rows AS row
WITH row, row.canonical AS cid, row.props AS top, [row.props] AS fs
WITH row, cid, top, fs, [x IN coalesce(top.aliases, []) WHERE x <> top.name] AS aliases,
     coalesce(top.sources, []) AS sources, row.terms AS terms{unions}
WITH row.props AS statement, top.entity AS entity, cid, {props} AS view
CREATE (n:{ENTITY}:{identifier(kind)})
SET n = view
FOREACH (_ IN CASE WHEN cid <> entity THEN [1] ELSE [] END |
  CREATE (:{CANON} {{entity: entity, canonical: cid, kind: $kind}}))
CREATE (g:{FRAGMENT}) SET g = statement
RETURN count(n)"""


# The statements `f` of the tie `k` ({s, d}, type `$type`), found through the members of its
# start (the planner, left alone, starts from the end: a hub's every statement, for each key).
TIE_STATEMENTS = f"""{members("k", "k.s")}
  MATCH (f:{FRAGMENT} {{src: m, kind: $type}})
  USING INDEX SEEK f:{FRAGMENT}(src, kind)
  WHERE {canonical_of("f.dst")} = k.d"""


def _edge_map(model: DomainModel, rel_type: str, single: bool = False, unions: bool = True
              ) -> tuple[str, str]:
    """The subqueries, and the map, of a tie of `rel_type` from its statements `fs`."""
    keys = value_keys(model, rel_type, is_edge=True)
    is_list = {k: model.relationship_properties[k].type == "list" for k in keys}
    subqueries, values = _values(model, rel_type, keys, is_list, single, unions)
    status = ("CASE WHEN top.status = 'reported' THEN 'reported' ELSE 'inferred' END" if single
              else "CASE WHEN any(f IN fs WHERE f.status = 'reported') THEN 'reported' "
                   "ELSE 'inferred' END")
    return subqueries, f"""{{
  status: {status},
  sources: sources, {_SEEN_ONE if single else _SEEN}{", " + values if values else ""}
  {_ranks(model, rel_type, True, single)}
}}"""


def refresh_edges_statement(model: DomainModel, rel_type: str) -> str:
    """`$keys` of {s, d}: canonical ends; each tie becomes what its statements say."""
    return f"""
UNWIND $keys AS k
CALL (k) {{
  {TIE_STATEMENTS}
  RETURN collect(f) AS fs
}}{derive_edge(model, rel_type)}"""


def derive_edge(model: DomainModel, rel_type: str, done: bool = False) -> str:
    """The tie `k` ({s, d}) of `rel_type` from its statements `fs` (all, or the old tie's own
    as neo4j_view_combine makes them and the new ones), written: the counts created and
    updated (ranks apart); `done`: the keys written too."""
    unions, props = _edge_map(model, rel_type)
    rel = identifier(rel_type)
    return f"""
{_sorted_union("fs", "sources", "sources")}{unions}
WITH k, {props} AS props
MATCH (a:{ENTITY} {{id: k.s}})
MATCH (b:{ENTITY} {{id: k.d}})
OPTIONAL MATCH (a)-[old:{rel}]->(b)
WITH k, a, b, props, properties(old) AS before
MERGE (a)-[r:{rel}]->(b)
SET r = props
WITH k, before {{.*, {RANKS}: null}} AS before, r {{.*, {RANKS}: null}} AS after
{_COUNT}{", collect([k.s, k.d]) AS done" if done else ""}"""


def create_edges_statement(model: DomainModel, rel_type: str, unions: bool = True) -> str:
    """`$rows` of {props, s, d}: the one statement of a tie with a new end (neo4j_append), and
    the tie, created from the row as create_nodes_statement does nodes. `unions` False: no
    row states a union list (union_lists), whose subqueries then go. Returns the count."""
    subqueries, props = _edge_map(model, rel_type, single=True, unions=unions)
    rel = identifier(rel_type)
    return f"""
UNWIND $rows AS row
WITH row, row.props AS top, [row.props] AS fs, coalesce(row.props.sources, []) AS sources
{subqueries}
WITH row.props AS statement, row.s AS s, row.d AS d, {props} AS tie
MATCH (a:{ENTITY} {{id: s}}) USING INDEX SEEK a:{ENTITY}(id)
MATCH (b:{ENTITY} {{id: d}}) USING INDEX SEEK b:{ENTITY}(id)
CREATE (a)-[r:{rel}]->(b)
SET r = tie
CREATE (g:{FRAGMENT}) SET g = statement
RETURN count(r)"""

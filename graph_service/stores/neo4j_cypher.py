"""Cypher text for reach rules and shortest paths (the write path: neo4j_view.py).

Labels and relationship types come from the schema (checked by `identifier`), hop bounds are
integers computed here, and every value (the target id, dates, limits) is a parameter.
"""

from __future__ import annotations

from graph_service.domain_model import ReachRule
from graph_service.neo4j_schema import ENTITY, identifier

# A relationship as the store reads it back: [from id, type, to id, properties].
EDGE_ROW = "[startNode(r).id, type(r), endNode(r).id, properties(r)]"
# Its key only (the properties travel once, with the chain).
EDGE_KEY = "[startNode(r).id, type(r), endNode(r).id]"
# Path.key: node ids, then relationship types.
PATH_KEY = "[x IN nodes(q) | x.id] + [y IN relationships(q) | type(y)]"


# in_force.edge_in_force / node_in_force: a tie in force on `$as_of` by its validity, a tie of
# `$dated` types (in_force.DATED_TIES) without dates only with `$include_undated`; a contract
# by its period widened by its actions' dates, an undated one only with `$include_undated`.
_IN_FORCE = """
  AND ($as_of IS NULL OR (
    all(r IN rels WHERE (r.valid_from IS NULL OR r.valid_from <= $as_of)
                    AND (r.valid_to IS NULL OR r.valid_to >= $as_of)
                    AND ($include_undated OR NOT type(r) IN $dated
                         OR r.valid_from IS NOT NULL OR r.valid_to IS NOT NULL))
    AND all(n IN walk[..-1] WHERE NOT n:Contract OR (
      CASE WHEN n.start_date IS NULL AND n.first_action_date IS NULL
                AND n.end_date IS NULL AND n.last_action_date IS NULL THEN $include_undated
           ELSE (coalesce(n.start_date, n.first_action_date) IS NULL
                 OR any(d IN [n.start_date, n.first_action_date]
                        WHERE d IS NOT NULL AND d <= $as_of))
            AND (coalesce(n.end_date, n.last_action_date) IS NULL
                 OR any(d IN [n.end_date, n.last_action_date]
                        WHERE d IS NOT NULL AND d >= $as_of)) END))))"""


def rule_walk(
    rule: ReachRule, hops: int, from_subjects: bool = False
) -> tuple[list[str], str, str] | None:
    """The rule unrolled into one MATCH per step, from `s` (a subject) through x1, x2 ... to
    `t` (the target): MATCH clauses, the walk's node list and its relationship list.

    One clause per step gives walk semantics, like the embedded traversal's state graph: a
    tie may recur along a chain (a PART_OF cycle), which a single Cypher path pattern would
    forbid. A `min..max` step becomes `min` mandatory clauses and `max - min` optional ones
    (`*0..1`), capped so the walk fits in `hops`; an optional clause may only be used when
    the one before it in the same step was, so each walk is matched once. None when the rule
    cannot fit in `hops`. `from_subjects` makes the planner start from a scan of the subjects'
    label (a hint) instead of the target, which it prefers even when that end fans out."""
    slack = hops - rule.min_length
    if slack < 0:
        return None
    atoms: list[tuple[str, str, bool, bool]] = []  # types, direction, optional, follows one
    for step in rule.steps:
        types = "|".join(identifier(t) for t in step.types)
        optional = int(min(step.max, step.min + slack)) - int(step.min)
        atoms += [(types, step.direction, False, False)] * int(step.min)
        atoms += [(types, step.direction, True, index > 0) for index in range(optional)]
    count = len(atoms)
    names = ["s", *(f"x{i}" for i in range(1, count)), "t"]
    forward = from_subjects and count > 0
    # Forward: no seek on the target (an unlabelled `t` filtered by id). The planner then joins
    # the subjects' side with the ties into the target's kind; forcing a pure forward walk
    # (WITH horizons) was slower: every skip combination of the optional steps is a row.
    clauses = [] if forward else [f"MATCH (t:{ENTITY} {{id: $to}})"]
    rels, walk, guards = [], ["[s]"], []
    for index, (types, direction, optional, follows) in enumerate(atoms):
        here, there, rel = names[index], names[index + 1], f"r{index + 1}"
        if index == 0:
            here = f"s:{identifier(rule.from_kind)}"
        span = "*0..1" if optional else ""
        arrow = f"-[{rel}:{types}{span}]->" if direction == "out" else f"<-[{rel}:{types}{span}]-"
        clauses.append(f"MATCH ({here}){arrow}({there})")
        if index == 0 and forward:
            clauses[-1] += f" USING SCAN s:{identifier(rule.from_kind)}"
        if optional:
            rels.append(rel)
            walk.append(f"CASE WHEN size({rel}) = 0 THEN [] ELSE [{there}] END")
            if follows:
                guards.append(f"size({rel}) <= size(r{index})")
        else:
            rels.append(f"[{rel}]")
            walk.append(f"[{there}]")
    if forward:
        guards.append("t.id = $to")
    if guards:
        clauses.append("WHERE " + " AND ".join(guards))
    if count == 0:
        rels, walk = ["[]"], ["[s]"]
        clauses.append(f"MATCH (s:{identifier(rule.from_kind)}) WHERE s = t")
    return clauses, " + ".join(walk), " + ".join(rels)


def reach_statement(rule: ReachRule, hops: int, from_subjects: bool = False) -> str | None:
    """Per subject: its shortest walks under this rule (best `$per_subject` by Path.key, ties
    as keys), every tie on any walk within `$hops` (with properties: the shortest walks' ties
    are among them), and the contracts on those walks.

    Contracts count on `$as_of` when their period covers it, ties when their validity does;
    like the embedded traversal, every node but the target is held to that."""
    compiled = rule_walk(rule, hops, from_subjects)
    if compiled is None:
        return None
    clauses, walk, rels = compiled
    matches = "\n".join(clauses)
    return f"""
{matches}
WITH s, {walk} AS walk, {rels} AS rels
WHERE s.id <> $to AND size(rels) <= $hops{_IN_FORCE}
WITH s.id AS subject, collect([walk, rels]) AS found, min(size(rels)) AS shortest
CALL (found, shortest) {{
  UNWIND found AS f
  WITH f WHERE size(f[1]) = shortest
  WITH DISTINCT [x IN f[0] | x.id] AS ids, [r IN f[1] | {EDGE_KEY}] AS keys
  ORDER BY ids + [key IN keys | key[1]]
  LIMIT $per_subject
  RETURN collect([ids, keys]) AS best
}}
CALL (found) {{
  UNWIND found AS f
  UNWIND f[1] AS r
  WITH DISTINCT r
  RETURN collect({EDGE_ROW}) AS chain
}}
CALL (found) {{
  UNWIND found AS f
  UNWIND f[0] AS n
  WITH DISTINCT n
  WHERE n:Contract
  RETURN collect([n.id, labels(n), properties(n)]) AS contracts
}}
RETURN subject, best, chain, contracts
ORDER BY subject"""


def relationship_counts_statement(rel_types: list[str]) -> str:
    """Ties of each type, as one list in that order, from the count store (no scan)."""
    counts = ", ".join(f"COUNT {{ ()-[:{identifier(t)}]->() }}" for t in rel_types)
    return f"RETURN [{counts}] AS counts"


def shortest_paths_statement(max_hops: int) -> str:
    """All shortest paths over ties of any type, either direction, best `$limit` by key."""
    return f"""
MATCH (a:{ENTITY} {{id: $source}}), (b:{ENTITY} {{id: $target}})
MATCH q = allShortestPaths((a)-[*..{int(max_hops)}]-(b))
WITH q ORDER BY {PATH_KEY}
LIMIT $limit
RETURN [x IN nodes(q) | x.id] AS nodes,
       [r IN relationships(q) | {EDGE_ROW}] AS edges"""


def from_subjects(rule: ReachRule, counts: dict[str, int]) -> bool:
    """Start the rule's walk from its subjects when the ties they reach first are fewer than
    those of a later step (the planner, anchored on the target's unique id, would otherwise
    fan out backwards through that step: every contract of the domain's agencies)."""
    ahead, widest, started = 0, 0, False
    for step in rule.steps:
        size = sum(counts.get(t, 0) for t in step.types)
        if started:
            widest = max(widest, size)
        else:  # optional steps up to and including the first mandatory one
            ahead += size
            started = step.min > 0
    return ahead < widest

"""Cypher text for reach rules and shortest paths: one statement per question.

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

_IN_FORCE = """
  AND ($as_of IS NULL OR (
    all(r IN relationships(p) WHERE (r.valid_from IS NULL OR r.valid_from <= $as_of)
                                AND (r.valid_to IS NULL OR r.valid_to >= $as_of))
    AND all(n IN nodes(p)[..-1] WHERE NOT n:Contract
            OR ((n.start_date IS NULL OR n.start_date <= $as_of)
                AND (n.end_date IS NULL OR n.end_date >= $as_of)))))"""


def rule_pattern(rule: ReachRule, hops: int) -> str | None:
    """The rule as one path pattern from `s` (a subject) to `t` (the target), with each
    repeated step capped so the whole path fits in `hops`; None when it cannot fit."""
    slack = hops - rule.min_length
    if slack < 0:
        return None
    parts = [f"(s:{identifier(rule.from_kind)})"]
    for index, step in enumerate(rule.steps):
        types = "|".join(identifier(t) for t in step.types)
        low, high = int(step.min), int(min(step.max, step.min + slack))
        span = "" if (low, high) == (1, 1) else f"*{low}..{high}"
        relationship = f"[:{types}{span}]"
        parts.append(f"-{relationship}->" if step.direction == "out" else f"<-{relationship}-")
        last = index == len(rule.steps) - 1
        parts.append(f"(t:{ENTITY} {{id: $to}})" if last else "()")
    return "".join(parts)


def reach_statement(rule: ReachRule, hops: int) -> str | None:
    """Per subject: its shortest paths under this rule (best `$per_subject` by Path.key, ties
    as keys), every tie on any matching path within `$hops` (with properties: the shortest
    paths' ties are among them), and the contracts on those paths.

    Contracts count on `$as_of` when their period covers it, ties when their validity does;
    like the embedded traversal, every node but the target is held to that."""
    pattern = rule_pattern(rule, hops)
    if pattern is None:
        return None
    return f"""
MATCH p = {pattern}
WHERE s.id <> $to AND length(p) <= $hops{_IN_FORCE}
WITH s.id AS subject, collect(p) AS paths, min(length(p)) AS shortest
CALL (paths, shortest) {{
  UNWIND paths AS q
  WITH q WHERE length(q) = shortest
  WITH q ORDER BY {PATH_KEY}
  LIMIT $per_subject
  RETURN collect([[x IN nodes(q) | x.id],
                  [r IN relationships(q) | {EDGE_KEY}]]) AS best
}}
CALL (paths) {{
  UNWIND paths AS q
  UNWIND relationships(q) AS r
  WITH DISTINCT r
  RETURN collect({EDGE_ROW}) AS chain
}}
CALL (paths) {{
  UNWIND paths AS q
  UNWIND nodes(q) AS n
  WITH DISTINCT n
  WHERE n:Contract
  RETURN collect([n.id, labels(n), properties(n)]) AS contracts
}}
RETURN subject, best, chain, contracts
ORDER BY subject"""


def shortest_paths_statement(max_hops: int) -> str:
    """All shortest paths over ties of any type, either direction, best `$limit` by key."""
    return f"""
MATCH (a:{ENTITY} {{id: $source}}), (b:{ENTITY} {{id: $target}})
MATCH q = allShortestPaths((a)-[*..{int(max_hops)}]-(b))
WITH q ORDER BY {PATH_KEY}
LIMIT $limit
RETURN [x IN nodes(q) | x.id] AS nodes,
       [r IN relationships(q) | {EDGE_ROW}] AS edges"""

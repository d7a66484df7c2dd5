"""Neo4j constraints and indexes, generated from schema/model.yaml.

Every node carries the common label `Entity` plus its kind's label. Ids are unique under both
(the kind constraint serves kind-scoped lookups and ordered scans); properties marked
`indexed: true` get a range index; a text index on the folded search string serves
case- and accent-insensitive substring search. `survgraph schema generate` writes the
statements to schema/generated/neo4j.cypher, and a test fails when that file is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph_service.domain_model import DomainModel, load_model, schema_dir

ENTITY = "Entity"
# Internal node properties (never schema names: those may not start with "_").
TERMS = "_terms"  # folded name and aliases, a list
SEARCH = "_search"  # the same terms joined by SEARCH_SEPARATOR, text-indexed for CONTAINS
# U+001F: fold() turns every white space (U+001C-U+001F too) into a space, so no term or
# needle holds it and CONTAINS cannot match across two terms; unlike a newline it keeps the
# bulk import's files single-line (the multi-line reader took the node import from 9.5 s to
# 16.7 s on 100k bench rows). Stores holding newline-joined values answer the same.
SEARCH_SEPARATOR = "\x1f"
SORT_NAME = "_fold"  # folded name, the search tie-breaker
# The policy ranks that won (the name's, then each property's in key order; -1: none), so a
# view record can be combined with new statements rather than re-derived from all of them
# (graph_service/stores/neo4j_view_combine.py).
RANKS = "_ranks"
INTERNAL_PROPERTIES = (TERMS, SEARCH, SORT_NAME, RANKS)
# The statements behind the view (graph_service/stores/neo4j_view.py): labels of their own,
# never an Entity, never a schema kind.
FRAGMENT = "Fragment"
# The (source, origin) a statement came from, once per pair: a statement holds its `origin_key`
# (neo4j_view.origin_key), not the two strings every statement of a file repeats.
ORIGIN = "Origin"
IDENT = "Ident"
CANON = "Canon"
JUDGEMENT = "Judgement"  # an analyst's identity judgement (graph_service/judgements.py)
# The store's generation: a node of its own label (never an Entity) whose token every write
# transaction replaces first (holding its lock: writers serialize), so a reach answer cached
# under the old token is never served again.
META = "SurvgraphMeta"
BUMP_GENERATION = f"MERGE (g:{META} {{key: 'generation'}}) SET g.token = randomUUID()"
# Every token (MERGE without a constraint may, racing, make two nodes: both change each time).
READ_GENERATION = f"MATCH (g:{META} {{key: 'generation'}}) RETURN g.token ORDER BY g.token"

# Index names an earlier release created, dropped on connect (ident_value became ident_key;
# an entity's identity rows are found through the ident_claim constraint's index, IDENT_OF).
RETIRED_INDEXES = ("fragment_src", "ident_value", "ident_entity")

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

HEADER = (
    "// Generated from schema/model.yaml by `survgraph schema generate`: do not edit.\n"
    "// Neo4jStore runs these statements on connect (each is IF [NOT] EXISTS).\n"
)


def identifier(name: str) -> str:
    """A label, type or property key for Cypher text: plain identifiers only, never data."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain identifier and cannot name anything in Cypher")
    return name


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def schema_statements(model: DomainModel | None = None) -> list[str]:
    """The constraint and index statements, in a stable order."""
    model = model or load_model()
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
    ]
    for kind in sorted(model.kinds):
        label = identifier(kind)
        statements.append(
            f"CREATE CONSTRAINT {_snake(label)}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
    for kind in sorted(model.kinds):
        label = identifier(kind)
        for key in sorted(model.kinds[kind].properties):
            if model.kinds[kind].properties[key].indexed:
                prop = identifier(key)
                statements.append(
                    f"CREATE INDEX {_snake(label)}_{prop} IF NOT EXISTS "
                    f"FOR (n:{label}) ON (n.{prop})"
                )
    statements.append(
        f"CREATE TEXT INDEX entity_search IF NOT EXISTS FOR (n:{ENTITY}) ON (n.{SEARCH})"
    )
    statements += [
        f"CREATE CONSTRAINT fragment_id IF NOT EXISTS FOR (f:{FRAGMENT}) REQUIRE f.id IS UNIQUE",
        # A tie statement's start is found through (src, kind) alone (kind is never null): a
        # second index on src would cost an entry per tie statement and serve no read.
        *(f"CREATE INDEX fragment_{key} IF NOT EXISTS FOR (f:{FRAGMENT}) ON (f.{key})"
          for key in ("entity", "dst")),
        f"CREATE INDEX fragment_src_kind IF NOT EXISTS FOR (f:{FRAGMENT}) ON (f.src, f.kind)",
        f"CREATE CONSTRAINT origin_key IF NOT EXISTS FOR (o:{ORIGIN}) REQUIRE o.key IS UNIQUE",
        f"CREATE CONSTRAINT canon_entity IF NOT EXISTS FOR (c:{CANON}) REQUIRE c.entity IS UNIQUE",
        f"CREATE INDEX canon_canonical IF NOT EXISTS FOR (c:{CANON}) ON (c.canonical)",
        f"CREATE CONSTRAINT ident_claim IF NOT EXISTS FOR (i:{IDENT}) "
        "REQUIRE (i.entity, i.prop, i.value) IS UNIQUE",
        # Value first: a plan replanned on the statistics of a near-empty store may seek on
        # the leading property alone, and a kind's every row then matched each key (a probe
        # of 2,000 rows took 25 to 90 s instead of 0.3 s); a value's rows are few.
        f"CREATE INDEX ident_key IF NOT EXISTS FOR (i:{IDENT}) ON (i.value, i.prop, i.kind)",
        f"CREATE CONSTRAINT judgement_id IF NOT EXISTS FOR (j:{JUDGEMENT}) "
        "REQUIRE j.id IS UNIQUE",
        # One generation node, whose lock every write transaction takes first.
        f"CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (g:{META}) REQUIRE g.key IS UNIQUE",
        # Indexes of an earlier release that no read uses any more (each costs every write).
        *(f"DROP INDEX {name} IF EXISTS" for name in RETIRED_INDEXES),
    ]
    return statements


def render(model: DomainModel | None = None) -> str:
    """The artifact's text: a header, then one statement a line, each ending with ';'."""
    return HEADER + "".join(f"{statement};\n" for statement in schema_statements(model))


def artifact_path() -> Path:
    return schema_dir() / "generated" / "neo4j.cypher"


def write_artifact(path: Path | None = None) -> Path:
    target = path or artifact_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    return target

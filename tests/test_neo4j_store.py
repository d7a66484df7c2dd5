"""What is particular to the Neo4j store: how records map onto the graph, the CLI against a
server, and a clear error when the server is not there."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import neo4j_credentials, neo4j_uri
from typer.testing import CliRunner

from graph_service.cli.main import app
from graph_service.records import Batch, Edge, Node
from graph_service.statements import EDGE_KEY_SEPARATOR
from graph_service.stores import open_store
from graph_service.stores.base import GraphStore, StoreUnavailable
from tests.served_app import free_port


def test_an_unreachable_server_is_a_clear_error() -> None:
    from graph_service.stores.neo4j_store import Neo4jStore

    url = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable, match=f"Neo4j at {url}"):
        Neo4jStore(url, password="whatever")


def test_the_cli_reports_an_unreachable_server() -> None:
    url = f"bolt://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(app, ["--store", url, "stats"])
    assert result.exit_code == 2
    assert f"Neo4j at {url}" in result.output


@pytest.mark.neo4j
def test_wrong_credentials_are_a_clear_error() -> None:
    from graph_service.stores.neo4j_store import Neo4jStore

    with pytest.raises(StoreUnavailable, match="refused the credentials"):
        Neo4jStore(neo4j_uri(), password="not-the-password")


@pytest.mark.neo4j
def test_records_map_onto_labels_and_flat_properties(neo4j_store: GraphStore) -> None:
    from graph_service.stores.neo4j_store import Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    node = Node("contract:k1", "Contract", "Kontrakt Überwachung", ["K-1"],
                {"obligated": 5.0, "fiscal_year": 2024, "psc": None}, ["source:s"], "2024-01-02")
    other = Node("agency:a", "Agency", "A")
    tie = Edge("AWARDED_BY", node.id, other.id, "inferred", {"amount": 2.5, "note": None},
               ["source:s"])
    neo4j_store.upsert(Batch([node, other], [tie]))
    ((labels, props),) = neo4j_store._read(
        "MATCH (n:Entity {id: $id}) RETURN labels(n), properties(n)", id=node.id
    )
    assert sorted(labels) == ["Contract", "Entity"]
    assert props["aliases"] == ["K-1"] and props["sources"] == ["source:s"]
    assert props["obligated"] == 5.0 and props["fiscal_year"] == 2024
    assert "psc" not in props and "last_seen" not in props  # None is absent
    assert props["_terms"] == ["k-1", "kontrakt uberwachung"]
    ((rel_type, rel_props),) = neo4j_store._read(
        "MATCH (:Contract {id: $id})-[r]->() RETURN type(r), properties(r)", id=node.id
    )
    assert rel_type == "AWARDED_BY"
    assert rel_props == {"status": "inferred", "amount": 2.5, "sources": ["source:s"]}
    stored = neo4j_store.get_node(node.id)
    assert stored is not None and stored.properties == {"obligated": 5.0, "fiscal_year": 2024}
    assert [n.id for n in neo4j_store.search("uberwachung")] == [node.id]


@pytest.mark.neo4j
def test_the_cli_loads_the_seed_into_neo4j_like_the_embedded_store(
    neo4j_store: GraphStore, tmp_path: Path
) -> None:
    user, password = neo4j_credentials()
    env = {"SURVGRAPH_NEO4J_USER": user, "SURVGRAPH_NEO4J_PASSWORD": password}
    runner = CliRunner()
    exports = []
    for location in (neo4j_uri(), str(tmp_path / "seed.db")):
        for _ in range(2):
            loaded = runner.invoke(app, ["--store", location, "load", "seed"], env=env)
            assert loaded.exit_code == 0, loaded.output
        out = tmp_path / f"export-{len(exports)}.jsonl"
        exported = runner.invoke(app, ["--store", location, "export", "-f", "jsonl", "-o",
                                       str(out)], env=env)
        assert exported.exit_code == 0, exported.output
        exports.append(out.read_text(encoding="utf-8"))
    assert exports[0] == exports[1]
    assert '"id": "company:microsoft"' in exports[0]


@pytest.mark.neo4j
def test_open_store_picks_neo4j_for_a_bolt_url(
    neo4j_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_service.stores.neo4j_store import Neo4jStore

    user, password = neo4j_credentials()
    monkeypatch.setenv("SURVGRAPH_NEO4J_USER", user)
    monkeypatch.setenv("SURVGRAPH_NEO4J_PASSWORD", password)
    with open_store(neo4j_uri()) as store:
        assert isinstance(store, Neo4jStore)
        store.ping()


@pytest.mark.neo4j
def test_statements_sit_beside_the_view(neo4j_store: GraphStore) -> None:
    node = Node("contract:k1", "Contract", "K", [], {"piid": "P-9", "obligated": 5.0},
                ["source:s"], "2024-01-02", record="file.csv:3", origin="dataset")
    neo4j_store.upsert(Batch([node]))
    ((props,),) = neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (f:Fragment {entity: $id}) RETURN properties(f)", id=node.id)
    assert props["v_obligated"] == 5.0 and props["v_piid"] == "P-9"
    assert (props["record"], props["rank"]) == ("file.csv:3", 4)
    # The source and origin every statement of a file repeats are its :Origin's, once.
    assert "origin" not in props and "source" not in props
    assert neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (o:Origin {key: $key}) RETURN o.source, o.origin", key=props["origin_key"]
    ) == [["source:s", "dataset"]]
    # Names Cypher can lower itself are not stored twice (neo4j_view.folded).
    assert "terms" not in props and "fold_name" not in props and "aliases" not in props
    # An entity that is its own canonical id has no :Canon (neo4j_view_cypher.members).
    assert neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (c:Canon) RETURN c.entity, c.canonical, c.kind") == []
    assert neo4j_store.canonical_ids([node.id, "contract:none"]) == {node.id: node.id}
    assert neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (i:Ident) RETURN i.prop, i.value, i.is_key") == [["piid", "P-9", 1]]
    # Statements are never view records: no read path sees them.
    assert neo4j_store.stats().nodes == {"Contract": 1}


# What the release before :Origin wrote on every statement: its source and origin, empty
# aliases, and the folded names (sorted, distinct) even where Cypher could lower them.
_OLD_LAYOUT = """
MATCH (f:Fragment) OPTIONAL MATCH (o:Origin {key: f.origin_key})
SET f.source = o.source, f.origin = o.origin REMOVE f.origin_key
WITH f WHERE f.src IS NULL
CALL (f) {
  UNWIND coalesce(f.terms, [x IN [f.name] + coalesce(f.aliases, []) WHERE x <> '' | toLower(x)])
    AS t
  WITH DISTINCT t ORDER BY t
  RETURN collect(t) AS terms
}
SET f.aliases = coalesce(f.aliases, []), f.terms = terms,
    f.fold_name = coalesce(f.fold_name, toLower(f.name))"""


# The view's search fields (not exported): derived from the statements' folded names.
SEARCH_FIELDS = "MATCH (n:Entity) RETURN n.id, n._terms, n._search, n._fold ORDER BY n.id"


@pytest.mark.neo4j
def test_statements_of_the_release_before_read_and_meet_new_ones_as_they_are(
        neo4j_store: GraphStore) -> None:
    """A store whose statements hold the layout before :Origin is read without converting:
    the same statements back, and the same view where new statements meet the old ones."""
    from store_graphs import _edge, _node, synthetic_batch

    from graph_service.export import jsonl_lines

    first = synthetic_batch()
    second = Batch([
        _node("company:acme-vision", "Company", "ACME Vision LLC", ["source:doc-c"],
              aliases=["Acme  Vision"], city="Cambridge"),
        _node("company:securite-plus", "Company", "Securite Plus", ["source:doc-c"]),
        _node("technology:face-rec", "Technology", "Face Recognition", ["source:doc-b"])],
        [_edge("AWARDED_TO", "contract:c1", "company:acme-vision", ["source:doc-c"],
               amount=5.0)])
    ids = [n.id for n in first.nodes] + [
        EDGE_KEY_SEPARATOR.join((e.source, e.type, e.target)) for e in first.edges]
    neo4j_store.upsert(first)
    neo4j_store.upsert(second)
    exported, stated = list(jsonl_lines(neo4j_store)), neo4j_store.statements(ids)
    searched = neo4j_store._read(SEARCH_FIELDS)  # type: ignore[attr-defined]
    neo4j_store.clear()
    neo4j_store.upsert(first)
    with neo4j_store._session() as session:  # type: ignore[attr-defined]
        session.run(_OLD_LAYOUT).consume()
        session.run("MATCH (o:Origin) DELETE o").consume()
    assert neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (f:Fragment) WHERE f.source IS NULL OR f.origin_key IS NOT NULL "
        "RETURN count(f)") == [[0]]
    neo4j_store.upsert(second)
    assert list(jsonl_lines(neo4j_store)) == exported
    assert neo4j_store.statements(ids) == stated
    assert neo4j_store._read(SEARCH_FIELDS) == searched  # type: ignore[attr-defined]


# What the release before lean :Canon nodes wrote: a :Canon for every entity a statement or
# an identity row names, its own id too.
_SELF_CANON = """
MATCH (f:Fragment) WHERE f.src IS NULL AND NOT EXISTS { MATCH (:Canon {entity: f.entity}) }
WITH DISTINCT f.entity AS e, f.kind AS kind
CREATE (:Canon {entity: e, canonical: e, kind: kind})"""


@pytest.mark.neo4j
def test_a_store_with_a_canon_for_every_entity_reads_and_meets_new_statements_alike(
        neo4j_store: GraphStore) -> None:
    """A store written when every entity had a :Canon (its own id too) answers as one without:
    the same export, statements and canonical ids, also after new statements meet the old
    ones and move identity (a UEI joins two companies, a new name variant)."""
    from store_graphs import _edge, _node, synthetic_batch

    from graph_service.export import jsonl_lines

    first = synthetic_batch()
    second = Batch([
        _node("company:acme-vision", "Company", "ACME Vision LLC", ["source:doc-c"],
              aliases=["Acme  Vision"], city="Cambridge"),
        _node("company:securite-plus", "Company", "Securite Plus", ["source:doc-c"]),
        _node("technology:face-rec", "Technology", "Face Recognition", ["source:doc-b"]),
        # Joins acme-vision (its UEI); and takes acme-holdings' place as canonical (more ids).
        _node("company:acme-vis-inc", "Company", "Acme Vis Inc", ["source:doc-c"],
              uei="UEI-VIS"),
        _node("company:acme-hold-co", "Company", "Acme Hold Co", ["source:doc-c"],
              uei="UEI-HOLD", duns="987654321")],
        [_edge("AWARDED_TO", "contract:c1", "company:acme-vision", ["source:doc-c"],
               amount=5.0),
         _edge("AWARDED_TO", "contract:c2", "company:acme-hold-co", ["source:doc-c"])])
    ids = [n.id for n in (*first.nodes, *second.nodes)] + [
        EDGE_KEY_SEPARATOR.join((e.source, e.type, e.target))
        for e in (*first.edges, *second.edges)]
    neo4j_store.upsert(first)
    neo4j_store.upsert(second)
    exported, stated = list(jsonl_lines(neo4j_store)), neo4j_store.statements(ids)
    canonical = neo4j_store.canonical_ids(ids)
    lean = neo4j_store._read("MATCH (c:Canon) RETURN count(c)")  # type: ignore[attr-defined]
    neo4j_store.clear()
    neo4j_store.upsert(first)
    with neo4j_store._session() as session:  # type: ignore[attr-defined]
        session.run(_SELF_CANON).consume()
    assert neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (c:Canon) WHERE c.canonical = c.entity RETURN count(c) > 0") == [[True]]
    neo4j_store.upsert(second)
    assert list(jsonl_lines(neo4j_store)) == exported
    assert neo4j_store.statements(ids) == stated
    assert neo4j_store.canonical_ids(ids) == canonical
    assert canonical["company:acme-holdings"] == "company:acme-hold-co"
    assert canonical["company:acme-vis-inc"] == "company:acme-vision"
    assert lean[0][0] < neo4j_store._read(  # type: ignore[attr-defined]
        "MATCH (c:Canon) RETURN count(c)")[0][0]


@pytest.mark.neo4j
def test_a_store_of_the_previous_release_is_converted_on_open(neo4j_store: GraphStore) -> None:
    from conftest import connect_test_neo4j
    from store_graphs import synthetic_batch

    from graph_service.export import jsonl_lines

    neo4j_store.upsert(synthetic_batch())
    exported = list(jsonl_lines(neo4j_store))
    # What a release before statements left: the view alone.
    with neo4j_store._session() as session:  # type: ignore[attr-defined]
        session.run("MATCH (n) WHERE n:Fragment OR n:Canon OR n:Ident DETACH DELETE n").consume()
    with connect_test_neo4j() as reopened:
        assert list(jsonl_lines(reopened)) == exported
        records = reopened._read(  # type: ignore[attr-defined]
            "MATCH (f:Fragment) RETURN DISTINCT f.record")
        assert records == [["converted"]]
        # Converted once: opening again changes nothing.
        generation = reopened.reach_generation()
    with connect_test_neo4j() as again:
        assert again.reach_generation() == generation
        # An interrupted conversion (its flag still set) runs again, to the same end.
        with again._session() as session:  # type: ignore[attr-defined]
            session.run("MATCH (g:SurvgraphMeta) SET g.converting = true").consume()
    with connect_test_neo4j() as resumed:
        assert list(jsonl_lines(resumed)) == exported
        assert resumed.reach_generation() != generation
        assert resumed._read(  # type: ignore[attr-defined]
            "MATCH (g:SurvgraphMeta) WHERE g.converting RETURN g") == []

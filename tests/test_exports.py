"""Exports of the whole graph and of one answer (--around, --reach, --path): GEXF checked against
the official GEXF 1.3 grammar, GraphML, JSON lines that re-load, the citation bundle CSV, and
writing through a temporary file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree
from typer.testing import CliRunner

from graph_service.cli.main import app as cli
from graph_service.export import render, write_output
from graph_service.export_scope import (
    Scope,
    ScopeError,
    around_scope,
    path_scope,
    reach_scope,
    whole_scope,
)
from graph_service.records import Batch, Edge, Node
from graph_service.stores.embedded import EmbeddedStore
from loaders.seed import seed_batch

GRAMMAR = Path(__file__).parent / "fixtures" / "gexf-1.3" / "gexf.rng"
NS = {"g": "http://gexf.net/1.3"}


@pytest.fixture(scope="module")
def gexf_grammar() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(GRAMMAR)))


@pytest.fixture()
def seeded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "seed.db")
    store.upsert(seed_batch())
    yield store
    store.close()


def _valid(grammar: etree.RelaxNG, text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    assert grammar.validate(root), grammar.error_log
    return root


def _scopes(store: EmbeddedStore) -> dict[str, Scope]:
    return {
        "whole": whole_scope(store),
        "around": around_scope(store, "company:microsoft", 2),
        "reach": reach_scope(store, "domain:immigration-enforcement", ["Company"]),
        "path": path_scope(store, "company:microsoft", "community:immigrants"),
    }


def test_gexf_is_standard_gexf_13(seeded: EmbeddedStore, gexf_grammar: etree.RelaxNG) -> None:
    for name, scope in _scopes(seeded).items():
        root = _valid(gexf_grammar, render(seeded, scope, "gexf"))
        declared = {a.get("id") for a in root.iterfind(".//g:attributes[@class='edge']/g:attribute",
                                                       NS)}
        assert {"relationship", "status", "sources"} <= declared, name
        ties = set()
        for edge in root.iterfind(".//g:edge", NS):
            assert edge.get("type") is None, "GEXF's type is directedness, never a name"
            values = {v.get("for"): v.get("value") for v in edge.iterfind(".//g:attvalue", NS)}
            ties.add((edge.get("source"), values["relationship"], edge.get("target")))
        assert ties == {e.key for e in scope.edges}, name
        ids = {n.get("id") for n in root.iterfind(".//g:node", NS)}
        assert ids == {n.id for n in scope.nodes}, name
        assert not any(i.startswith("source:") for i in ids), "Source nodes are attributes here"


def test_gexf_sources_are_readable(seeded: EmbeddedStore, gexf_grammar: etree.RelaxNG) -> None:
    scope = path_scope(seeded, "company:microsoft", "agency:ice")
    root = _valid(gexf_grammar, render(seeded, scope, "gexf"))
    supplies = next(e for e in root.iterfind(".//g:edge", NS) if e.get("kind") == "SUPPLIES")
    values = {v.get("for"): v.get("value") for v in supplies.iterfind(".//g:attvalue", NS)}
    assert values["sources"].startswith("Microsoft commande un examen")
    assert "source:" not in values["sources"] and "[" not in values["sources"]


def test_the_grammar_rejects_the_old_export(seeded: EmbeddedStore,
                                            gexf_grammar: etree.RelaxNG) -> None:
    """What `export --format gexf` wrote before: relationship names in `type`, 1.2draft."""
    graph = nx.MultiDiGraph()
    graph.add_edge("company:microsoft", "agency:ice", key="SUPPLIES", type="SUPPLIES")
    old = "\n".join(nx.generate_gexf(graph, version="1.2draft"))
    old = old.replace("http://www.gexf.net/1.2draft", "http://gexf.net/1.3").replace(
        'version="1.2"', 'version="1.3"')
    assert not gexf_grammar.validate(etree.fromstring(old.encode()))


def test_scopes_are_the_store_answers(seeded: EmbeddedStore) -> None:
    scopes = _scopes(seeded)
    nodes, edges = seeded.subgraph(["company:microsoft"], 2)
    assert {n.id for n in scopes["around"].nodes} == {n.id for n in nodes}
    assert {e.key for e in scopes["around"].edges} == {e.key for e in edges}
    answers = seeded.reach(["Company"], "domain:immigration-enforcement")
    assert answers
    assert {e.key for e in scopes["reach"].edges} == {
        e.key for a in answers for p in a.paths for e in p.edges}
    cited = {s for item in (*scopes["reach"].nodes, *scopes["reach"].edges) for s in item.sources}
    assert set(scopes["reach"].sources) == cited
    whole = scopes["whole"]
    assert len(whole.nodes) + len(whole.sources) == sum(seeded.stats().nodes.values())
    with pytest.raises(ScopeError, match="company:nobody"):
        around_scope(seeded, "company:nobody")
    with pytest.raises(ScopeError, match="Spaceship"):
        reach_scope(seeded, "domain:immigration-enforcement", ["Spaceship"])


def test_graphml_carries_relationship_and_sources(seeded: EmbeddedStore) -> None:
    scope = around_scope(seeded, "company:microsoft", 1)
    graph = nx.read_graphml(io.StringIO(render(seeded, scope, "graphml")))
    assert set(graph.nodes) == {n.id for n in scope.nodes}
    names = {d["relationship"] for _, _, d in graph.edges(data=True)}
    assert names == {e.type for e in scope.edges}
    assert graph.nodes["company:microsoft"]["sources"].startswith("Microsoft commande")


def test_scoped_jsonl_reloads_with_its_sources(seeded: EmbeddedStore, tmp_path: Path) -> None:
    scope = reach_scope(seeded, "domain:immigration-enforcement")
    out = tmp_path / "reach.jsonl"
    write_output(out, render(seeded, scope, "jsonl"))
    copy = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["--store", str(copy), "load", "graph", str(out)])
    assert result.exit_code == 0, result.output
    with EmbeddedStore(copy) as loaded:
        ids = {n.id for n in loaded.iter_nodes()}
        assert ids == {n.id for n in scope.nodes} | set(scope.sources)
        assert {e.key for e in loaded.iter_edges()} == {e.key for e in scope.edges}


def test_citation_bundle_is_a_safe_spreadsheet(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "c.db")
    store.upsert(Batch(
        nodes=[
            Node("company:acme", "Company", "=HYPERLINK(\"http://x\")"),
            Node("agency:ice", "Agency", "ICE"),
            Node("agency:dhs", "Agency", "DHS"),
            Node("source:a", "Source", "A", properties={
                "title": "+cmd|' /C calc'!A0", "url": "https://example.org/a",
                "published": "2019-04-01", "excerpt": "Acme supplies ICE."}),
        ],
        edges=[Edge("SUPPLIES", "company:acme", "agency:ice", sources=["source:a"]),
               Edge("PART_OF", "agency:ice", "agency:dhs")],
    ))
    text = render(store, around_scope(store, "company:acme", 2), "citations")
    store.close()
    rows = list(csv.DictReader(io.StringIO(text)))
    supplies = next(r for r in rows if r["relationship"] == "SUPPLIES")
    assert supplies["from_name"].startswith("'=") and supplies["source_title"].startswith("'+")
    assert supplies["url"] == "https://example.org/a" and supplies["published"] == "2019-04-01"
    assert supplies["excerpt"] == "Acme supplies ICE."
    unsourced = next(r for r in rows if r["relationship"] == "PART_OF")
    assert unsourced["source_id"] == "" and unsourced["url"] == ""


def test_a_failed_export_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "graph.gexf"
    out.write_text("earlier export", encoding="utf-8")

    def broken() -> Iterator[str]:
        yield "<gexf"
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        write_output(out, broken())
    assert out.read_text(encoding="utf-8") == "earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.gexf"], "temporary file left behind"


def test_cli_exports_an_answer(seeded: EmbeddedStore, tmp_path: Path,
                               gexf_grammar: etree.RelaxNG) -> None:
    store = str(tmp_path / "seed.db")
    out = tmp_path / "p.gexf"
    runner = CliRunner()
    args = ["--store", store, "export", "-f", "gexf", "-o", str(out)]
    result = runner.invoke(cli, [*args, "--path", "company:microsoft", "community:immigrants"])
    assert result.exit_code == 0, result.output
    root = _valid(gexf_grammar, out.read_text(encoding="utf-8"))
    assert {n.get("id") for n in root.iterfind(".//g:node", NS)} >= {
        "company:microsoft", "community:immigrants"}
    # The output exists now: --force, so that these fail for the reason they test.
    both = runner.invoke(cli, [*args, "--force", "--around", "agency:ice", "--reach",
                               "agency:ice"])
    assert both.exit_code == 2
    unknown = runner.invoke(cli, [*args, "--force", "--around", "company:nobody"])
    assert unknown.exit_code == 2 and "company:nobody" in unknown.output


def test_path_export_takes_k_paths_by_length(seeded: EmbeddedStore, tmp_path: Path) -> None:
    shortest = path_scope(seeded, "company:microsoft", "agency:ice")
    more = path_scope(seeded, "company:microsoft", "agency:ice", k=5)
    assert "5 path(s) by length" in more.title
    assert {e.key for e in shortest.edges} < {e.key for e in more.edges}
    runner = CliRunner()
    args = ["--store", str(tmp_path / "seed.db"), "export", "-f", "jsonl",
            "-o", str(tmp_path / "p.jsonl"), "--force", "--path", "company:microsoft",
            "agency:ice"]
    assert runner.invoke(cli, [*args, "--k", "5"]).exit_code == 0
    refused = runner.invoke(cli, [*args, "--k", "5", "--max-hops", "7"])
    assert refused.exit_code == 2 and "maxHops must be between 1 and 6" in refused.output

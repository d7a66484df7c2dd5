"""The seed graph: the required ids exist and every node and tie cites the article."""

from __future__ import annotations

from pathlib import Path

from graph_service.domain_model import load_model
from graph_service.records import validate_edge, validate_node
from loaders.seed import seed_batch

REQUIRED_IDS = {
    "company:microsoft", "agency:ice", "agency:cbp", "agency:dhs",
    "domain:immigration-enforcement", "domain:policing", "domain:border-enforcement",
    "technology:face-recognition", "organization:foley-hoag", "organization:open-mic",
}
ARTICLE = next((Path(__file__).resolve().parents[2] / "shared" / "seed").glob("*.txt"), None)


def test_required_ids_and_kinds_are_there() -> None:
    batch = seed_batch()
    ids = {n.id for n in batch.nodes}
    assert REQUIRED_IDS <= ids
    kinds = {n.kind for n in batch.nodes}
    assert {"Company", "Agency", "Domain", "Community", "Technology", "Organization", "Person",
            "Source"} <= kinds
    people = {n.name for n in batch.nodes if n.kind == "Person"}
    assert people == {"Frank Shaw", "Joanne Safian", "Michael Conner"}


def test_every_node_and_tie_cites_an_excerpt_of_the_article() -> None:
    batch = seed_batch()
    model = load_model()
    sources = {n.id: n for n in batch.nodes if n.kind == "Source"}
    for node in batch.nodes:
        validate_node(model, node)
        if node.kind != "Source":
            assert node.sources and set(node.sources) <= set(sources), node.id
    for edge in batch.edges:
        validate_edge(model, edge)
        assert edge.sources and set(edge.sources) <= set(sources), edge.key
        assert edge.status in ("reported", "inferred")
        if edge.status == "inferred":
            assert edge.properties.get("rule") and edge.properties.get("matched"), edge.key
    assert {"PART_OF", "SUPPLIES", "REVIEWS", "PRESSURES", "SPEAKS_FOR", "AFFECTS"} <= {
        e.type for e in batch.edges
    }


def test_excerpts_are_quoted_verbatim_from_the_article() -> None:
    """An excerpt that is not in the article would be a fabricated citation."""
    assert ARTICLE is not None, "shared/seed/ article not found beside the checkout"
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    for node in seed_batch().nodes:
        if node.kind == "Source":
            excerpt = str(node.properties["excerpt"])
            assert excerpt in text, excerpt[:60]


def test_the_seed_answers_who_reaches_immigration_enforcement(tmp_path: Path) -> None:
    from graph_service.stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "seed.db")
    store.upsert(seed_batch())
    answers = {a.subject: a for a in store.reach(["Company"], "domain:immigration-enforcement")}
    microsoft = answers["company:microsoft"]
    assert {p.nodes[1] for p in microsoft.paths} <= {"agency:ice", "agency:cbp"}
    assert all(edge.sources for path in microsoft.paths for edge in path.edges)
    store.close()

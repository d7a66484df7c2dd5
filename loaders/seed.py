"""The seed graph (loaders/seed/seed_graph.yaml): the article the product started from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from graph_service.records import Batch, Edge, Node

SEED_FILE = Path(__file__).with_name("seed") / "seed_graph.yaml"


def today() -> str:
    """The stamp a load puts on first_seen/last_seen: the UTC day, so same-day reloads are
    byte-identical and a later reload moves last_seen forward."""
    return datetime.now(UTC).date().isoformat()


def seed_batch(path: Path = SEED_FILE, seen: str | None = None) -> Batch:
    """Build the seed graph: one Source per cited excerpt, then the nodes and ties citing them."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    seen = seen or today()
    document = data["document"]
    excerpt_ids = {key: f"{document['id']}-{key.replace('_', '-')}" for key in data["excerpts"]}
    nodes = [
        Node(
            id=excerpt_ids[key],
            kind="Source",
            name=f"{document['title']} ({key.replace('_', ' ')})",
            properties={
                "title": document["title"],
                "publisher": document["publisher"],
                "source_kind": document["source_kind"],
                "excerpt": " ".join(text.split()),
                "format": "text",
            },
            first_seen=seen,
            last_seen=seen,
        )
        for key, text in data["excerpts"].items()
    ]
    for item in data["nodes"]:
        nodes.append(
            Node(
                id=item["id"],
                kind=item["kind"],
                name=item["name"],
                aliases=list(item.get("aliases", [])),
                properties=dict(item.get("properties", {})),
                sources=[excerpt_ids[key] for key in item["cites"]],
                first_seen=seen,
                last_seen=seen,
            )
        )
    edges = [
        Edge(
            type=item["type"],
            source=item["from"],
            target=item["to"],
            status=item["status"],
            properties=dict(item.get("properties", {})),
            sources=[excerpt_ids[key] for key in item["cites"]],
            first_seen=seen,
            last_seen=seen,
        )
        for item in data["edges"]
    ]
    return Batch(nodes, edges)

"""schema/catalogs/judgements.yaml: the analysts' identity judgements the shipped data needs,
each with its reason, applied by `survgraph load judgements` (and `load seed`/`load demo`).
A judgement may name ids not loaded yet: it joins them when they arrive."""

from __future__ import annotations

from pathlib import Path

import yaml

from graph_service.domain_model import DomainModel, schema_dir
from graph_service.judgements import Judgement, make_judgement
from graph_service.stores.base import GraphStore

CATALOG = "catalogs/judgements.yaml"


def read_judgements(model: DomainModel, path: Path | None = None) -> list[Judgement]:
    with (path or schema_dir() / CATALOG).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    found = []
    for item in data.get("judgements", []):
        verdict = str(item.get("verdict", "same"))
        # A fixed `when` (the catalog's date) keeps exports of the shipped data reproducible.
        found.append(make_judgement(model, verdict, str(item["a"]), str(item["b"]),
                                    str(item["why"]), str(item.get("who", "survgraph catalog")),
                                    str(item.get("when", data.get("when", "2026-01-01")))))
    return found


def apply_judgements(store: GraphStore, path: Path | None = None) -> int:
    items = read_judgements(store.model, path)
    for judgement in items:
        store.judge(judgement)
    return len(items)

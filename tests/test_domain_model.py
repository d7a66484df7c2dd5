"""The schema file is consistent and everything else can rely on it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from graph_service.domain_model import _parse, load_model, schema_dir


def _raw() -> dict[str, Any]:
    return yaml.safe_load((schema_dir() / "model.yaml").read_text(encoding="utf-8"))


def test_every_kind_has_a_unique_prefix_and_style() -> None:
    model = load_model()
    prefixes = [spec.prefix for spec in model.kinds.values()]
    assert len(prefixes) == len(set(prefixes))
    assert {"Company", "Product", "Technology", "Agency", "Domain", "Contract", "Community",
            "Organization", "Person", "Source"} <= set(model.kinds)
    assert model.kind_for_id("agency:ice") == "Agency"
    assert model.kind_for_id("nonsense") is None
    assert model.kind_for_id("unknown:x") is None


def test_reach_rules_end_where_they_say() -> None:
    """Each rule's first step can start at its subject kind and its last can land on the target."""
    model = load_model()
    for rule in model.reach:
        first, last = rule.steps[0], rule.steps[-1]
        assert last.min >= 1, f"{rule.name}: the last step must be taken"
        rel = model.relationships[last.types[0]]
        landing = rel.to_kinds if last.direction == "out" else rel.from_kinds
        assert rule.to_kind in landing, rule.name
        for rel_type in first.types:
            rel = model.relationships[rel_type]
            start = rel.from_kinds if first.direction == "out" else rel.to_kinds
            assert rule.from_kind in start or first.min == 0, rule.name


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda raw: raw["relationships"]["OFFERS"].update({"to": ["Gadget"]}), "unknown kind"),
        (lambda raw: raw["reach"][0]["steps"][0].update({"types": ["NOPE"]}), "unknown type"),
        (lambda raw: raw["kinds"].update({"Bad Kind": raw["kinds"]["Person"]}), "identifier"),
        (lambda raw: raw["reach"][0]["steps"][0].update({"min": 3, "max": 1}), "min <= max"),
    ],
)
def test_inconsistent_schemas_are_refused(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    mutate(raw)
    with pytest.raises(ValueError, match=message):
        _parse(raw)

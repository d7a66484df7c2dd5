"""The resolver reads a whole batch's companies from the store at once: the same graph as
asking about each vendor on its own, from far fewer store reads. On the real bulk files, into a
store that already holds companies (so matches by UEI, DUNS and name all happen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_service.stores.base import GraphStore
from graph_service.stores.embedded import EmbeddedStore
from loaders.resolution import CompanyResolver
from loaders.usaspending import PrimeAwardsCsv, SubawardsCsv
from tests.loader_helpers import export_lines, load, shared_data


class CountingStore(EmbeddedStore):
    """A real embedded store that counts the resolver's reads."""

    reads = 0

    def lookup(self, kind: str, prop: str, values: Any) -> dict[str, list[str]]:
        self.reads += 1
        return super().lookup(kind, prop, values)

    def get_nodes(self, ids: Any) -> Any:
        self.reads += 1
        return super().get_nodes(ids)

    def get_node(self, node_id: str) -> Any:
        self.reads += 1
        return super().get_node(node_id)


def _files() -> tuple[list[Any], list[Any]]:
    bulk = shared_data() / "usaspending" / "bulk"
    first = [PrimeAwardsCsv(p) for p in sorted(bulk.glob("*PrimeAwardSummaries*"))[:1]]
    rest = [PrimeAwardsCsv(p) for p in sorted(bulk.glob("*PrimeAwardSummaries*"))[1:]]
    rest += [SubawardsCsv(p) for p in sorted(bulk.glob("*Subawards*"))]
    return first, rest


def _loaded(path: Path, tmp_path: Path, prefetch: bool, monkeypatch: pytest.MonkeyPatch
            ) -> tuple[list[str], int]:
    first, rest = _files()
    store = CountingStore(path)
    load(store, first, tmp_path, batch_size=50)  # companies already stored for the next files
    with monkeypatch.context() as patch:
        if not prefetch:
            patch.setattr(CompanyResolver, "prefetch", lambda self, mentions: None)
        store.reads = 0
        summary, rejects = load(store, rest, tmp_path, batch_size=50)
    assert summary.rejected == 0 and rejects == []
    lines, reads = export_lines(store), store.reads
    store.close()
    return lines, reads


def test_batch_reads_give_the_same_graph_with_fewer_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one_by_one, reads_one_by_one = _loaded(tmp_path / "a.db", tmp_path, False, monkeypatch)
    batched, reads_batched = _loaded(tmp_path / "b.db", tmp_path, True, monkeypatch)
    assert batched == one_by_one
    assert reads_batched * 3 < reads_one_by_one, (reads_batched, reads_one_by_one)


def test_prefetch_fills_only_what_the_store_holds(store: GraphStore) -> None:
    from graph_service.records import Batch, Node

    store.upsert(Batch([Node("company:acme", "Company", "ACME INC",
                             properties={"uei": "UEI111", "duns": "123"})]))
    resolver = CompanyResolver(store)
    resolver.prefetch([("Acme Inc.", None, None), (None, "uei111", None),
                       ("Nowhere LLC", "UEI999", "999")])
    assert resolver.resolve("Acme", None, None).id == "company:acme"
    assert resolver.resolve("Other name", "UEI111", None).basis == "uei:UEI111"
    fresh = resolver.resolve("Nowhere LLC", "UEI999", "999")
    assert fresh.id == "company:nowhere" and not fresh.known
    # What the load creates is found again by its UEI, although the store said "absent".
    assert resolver.resolve("Nowhere Holdings", "UEI999", None).id == "company:nowhere"

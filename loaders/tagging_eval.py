"""Tagging quality on a hand-labelled set of real contracts (tests/fixtures/tagging_labels.csv).

Each row holds a contract's texts and codes, its vendor and parent, and the technologies a
reader says it should get (`technologies`, ';'-separated, empty for none). The tagger runs on
the same fields the loaders pass it; precision and recall are counted per technology and over
all (contract, technology) pairs.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.catalogs import Catalogs, load_catalogs
from loaders.tagging import Tagger

DEFAULT_LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tagging_labels.csv"
PRECISION_GOAL = 0.95
RECALL_GOAL = 0.90


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    rows: int = 0
    overall: Counts = field(default_factory=Counts)
    by_technology: dict[str, Counts] = field(default_factory=dict)
    # (award id, technology, "false positive"/"missed", the tagger's matched text or the why).
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def meets_goals(self) -> bool:
        return (self.overall.precision >= PRECISION_GOAL
                and self.overall.recall >= RECALL_GOAL)


def read_labels(path: Path = DEFAULT_LABELS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate(rows: Iterable[dict[str, str]], catalogs: Catalogs | None = None) -> Evaluation:
    tagger = Tagger(catalogs or load_catalogs())
    result = Evaluation()
    for row in rows:
        result.rows += 1
        wanted = {t for t in row["technologies"].split(";") if t}
        tags = tagger.tag(row["description"] or None, row["psc"] or None,
                          row["psc_description"] or None, row["naics"] or None,
                          row["naics_description"] or None,
                          vendors=(row["vendor"] or None, row["parent"] or None))
        got = {t.target: t.matched for t in tags if t.target.startswith("technology:")}
        for tech in wanted | set(got):
            counts = result.by_technology.setdefault(tech, Counts())
            if tech in wanted and tech in got:
                counts.tp += 1
                result.overall.tp += 1
            elif tech in got:
                counts.fp += 1
                result.overall.fp += 1
                result.errors.append((row["award_id"], tech, "false positive", got[tech]))
            else:
                counts.fn += 1
                result.overall.fn += 1
                result.errors.append((row["award_id"], tech, "missed", row["why"]))
    return result

"""Analyst judgements about identity: "A and B are one entity" or "A and B are not the same".

A judgement is a statement about identity, kept beside the sources' statements and never
folded into them: a `same` judgement adds one identifier row to each side (prop `judgement`,
value the judgement id, a key), so the resolver joins them as it joins two records of one UEI;
a `different` judgement adds one conflict row to each side (prop `judged-apart:<id>`, values
`a` and `b`), so no key can ever join them. Retracting a judgement deletes exactly its rows and
re-resolves the ids it named: the view returns to what it was before. Both stores hold the same
rows; this module says which (`judgement_rows`), the store only keeps them.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Literal

from graph_service.domain_model import DomainModel

Verdict = Literal["same", "different", "unsure"]
VERDICTS: tuple[str, ...] = ("same", "different", "unsure")
JUDGEMENT_PROP = "judgement"  # identifier prop of `same` judgements
APART_PREFIX = "judged-apart:"  # conflict props of `different` judgements, one per judgement

QUALIFIER = "~"  # 'company:<base>~<identifier>': a name, then the identifier a record stated
BASE_PROP = "~base"  # identity prop joining the ids of one base (kinds with qualified_ids)
NAMED_PROP = "~named"  # the first id of a `same` judgement names the merged entity

IdentityRow = tuple[str, str, str, str, int]  # (entity, kind, prop, value, is_key)


@dataclass(frozen=True, slots=True)
class Judgement:
    """Who judged which two ids to be one entity (or not), why and when."""

    id: str
    verdict: str
    a: str
    b: str
    kind: str
    why: str
    who: str
    when: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Judgement:
        return cls(**{k: str(data[k]) for k in (
            "id", "verdict", "a", "b", "kind", "why", "who", "when")})


def judgement_id(verdict: str, a: str, b: str) -> str:
    """The same verdict on the same pair is one judgement, whichever way round it was given."""
    first, second = sorted((a, b))
    digest = hashlib.blake2b(f"{verdict}\x1e{first}\x1e{second}".encode(), digest_size=8)
    return f"judgement:{digest.hexdigest()}"


def make_judgement(model: DomainModel, verdict: str, a: str, b: str, why: str,
                   who: str = "analyst", when: str | None = None) -> Judgement:
    """A checked judgement: two different ids of one kind that has identifiers, and a reason."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if a == b:
        raise ValueError(f"a judgement needs two different ids (got {a} twice)")
    kinds = {model.kind_for_id(a), model.kind_for_id(b)}
    if len(kinds) != 1 or None in kinds:
        raise ValueError(f"{a} and {b} are not ids of one kind")
    kind = str(kinds.pop())
    if not why.strip():
        raise ValueError("a judgement needs a reason (--why)")
    stamp = when or datetime.now(UTC).replace(microsecond=0).isoformat()
    return Judgement(judgement_id(verdict, a, b), verdict, a, b, kind, why.strip(), who, stamp)


def base_id(entity: str) -> str:
    """'company:deloitte-consulting~uei-abc' -> 'company:deloitte-consulting'."""
    return entity.split(QUALIFIER, 1)[0]


def judgement_rows(j: Judgement) -> list[IdentityRow]:
    """The identity rows a judgement adds (an `unsure` one adds none: it only records)."""
    if j.verdict == "same":
        return [(j.a, j.kind, JUDGEMENT_PROP, j.id, 1), (j.b, j.kind, JUDGEMENT_PROP, j.id, 1),
                (j.a, j.kind, NAMED_PROP, j.id, 0)]
    if j.verdict == "different":
        prop = APART_PREFIX + j.id
        return [(j.a, j.kind, prop, "a", 0), (j.b, j.kind, prop, "b", 0)]
    return []


def name_rows(model: DomainModel, j: Judgement) -> list[IdentityRow]:
    """For kinds with qualified ids, the base row of each id a judgement names, as a record of
    that id would state it: 'company:booz-allen-hamilton' then means the company of that name,
    whatever UEIs its records carry. A store keeps these while any row of the id remains."""
    if not model.kinds[j.kind].qualified_ids or j.verdict == "unsure":
        return []
    return [(e, j.kind, BASE_PROP, base_id(e), 1) for e in (j.a, j.b)]


def is_conflict_prop(prop: str, conflicts: list[str]) -> bool:
    return prop in conflicts or prop.startswith(APART_PREFIX)


def merged_because(judgements: list[Judgement], members: set[str]) -> list[str]:
    """Provenance lines of the `same` judgements naming one of an entity's ids."""
    return [f"merged because {j.why} ({j.who}, {j.when}, {j.id}: {j.a} = {j.b})"
            for j in judgements if j.verdict == "same" and {j.a, j.b} & members]

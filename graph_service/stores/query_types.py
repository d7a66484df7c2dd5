"""Questions and answers of the list and spending queries, shared by every store.

Both stores implement the same meaning (documented here once) so that they give the same
answers; the GraphQL API maps its inputs onto these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph_service.records import Node

# Kinds that can be listed with filters, and the filters that mean something for each.
LISTABLE_KINDS = ("Contract", "Company", "Agency", "Product")
FILTERS_BY_KIND: dict[str, frozenset[str]] = {
    "Contract": frozenset({"agency", "company", "technology", "active_on", "min_amount", "text"}),
    "Company": frozenset({"agency", "technology", "text"}),
    "Agency": frozenset({"company", "technology", "text", "state"}),
    "Product": frozenset({"agency", "company", "technology", "text"}),
}
# Sort keys: node columns for every kind, contract properties for contracts.
OrderField = Literal["id", "name", "obligated", "start_date", "fiscal_year"]
ORDER_FIELDS_BY_KIND: dict[str, frozenset[str]] = {
    "Contract": frozenset({"id", "name", "obligated", "start_date", "fiscal_year"}),
    "Company": frozenset({"id", "name"}),
    "Agency": frozenset({"id", "name"}),
    "Product": frozenset({"id", "name"}),
}
# How a technology filter ties a node to the technology (ListFilter.via).
Via = Literal["contract", "reported_use", "any"]
VIA_BY_KIND: dict[str, frozenset[str]] = {
    "Contract": frozenset({"contract", "any"}),
    "Company": frozenset({"contract", "reported_use", "any"}),
    "Agency": frozenset({"contract", "reported_use", "any"}),
    "Product": frozenset({"any"}),
}
GroupKey = Literal["agency", "company", "parent_company", "technology", "fiscal_year"]
GROUP_KEYS: tuple[GroupKey, ...] = ("agency", "company", "parent_company", "technology",
                                    "fiscal_year")

# How far the hierarchies are followed (the same bounds as the reach rules in model.yaml).
AGENCY_DEPTH = 4  # PART_OF: an agency filter takes in its sub-agencies, field offices ...
COMPANY_DEPTH = 2  # SUBSIDIARY_OF: a company filter takes in its subsidiaries
PARENT_DEPTH = 4  # SUBSIDIARY_OF: PARENT_COMPANY rolls a recipient up this far at most
# A text filter keeps the nodes `search` finds, up to this many (enough for any real list).
TEXT_MATCH_CAP = 50_000


class QueryError(ValueError):
    """A list or spending question the store cannot answer as asked; safe to show to users."""


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Conditions, all of which must hold.

    - agency: Contract awarded or funded by the agency or one of its sub-agencies (PART_OF, up
      to AGENCY_DEPTH); Company/Product: a recipient of / covered by such a contract (Product
      also: reported USED_BY the agency or a sub-agency).
    - company: Contract awarded to the company or one of its subsidiaries (up to COMPANY_DEPTH);
      Agency: awarded or funded such a contract; Product: offered by the company (or subsidiary).
    - technology: Contract of the technology directly (OF_TECHNOLOGY) or through a product it
      covers; Product: of the technology. Agency and Company, by `via`:
      - "contract": Agency awarded or funded such a contract; Company holds one.
      - "reported_use": Agency: the technology, or a product of it, is reported USED_BY it
        (the Atlas of Surveillance, surveys); Company: reported to SUPPLY an agency in the
        same record (equal `note`) as the technology's USED_BY tie to it, or offers a product
        of the technology that is reported in use.
      - "any" (None means "any"): either, and for a Company also offering a product of it.
    - via: see technology; only with it.
    - state: Agency whose `state` property equals it (ignoring case).
    - active_on: Contract whose period of performance covers the date (missing ends are open).
    - min_amount: Contract obligated at least this much (unknown amounts are left out).
    - text: name or alias contains the text, ignoring case and accents (as `search`).
    """

    agency: str | None = None
    company: str | None = None
    technology: str | None = None
    active_on: str | None = None
    min_amount: float | None = None
    text: str | None = None
    via: Via | None = None
    state: str | None = None

    def used(self) -> set[str]:
        return {name for name in self.__slots__ if getattr(self, name) is not None}

    def check(self, kind: str) -> None:
        if kind not in FILTERS_BY_KIND:
            raise QueryError(f"{kind} cannot be listed; use one of {', '.join(LISTABLE_KINDS)}")
        unknown = sorted(self.used() - FILTERS_BY_KIND[kind] - {"via"})
        if unknown:
            raise QueryError(f"filter {', '.join(unknown)} does not apply to {kind} lists")
        if self.via is not None:
            if self.technology is None:
                raise QueryError("via says how a technology filter applies: give technology")
            if self.via not in VIA_BY_KIND[kind]:
                raise QueryError(f"via {self.via} does not apply to {kind} lists (use "
                                 f"{', '.join(sorted(VIA_BY_KIND[kind]))})")

    @property
    def ways(self) -> frozenset[str]:
        """The ways a technology may tie: {"contract"}, {"reported_use"} or both."""
        if self.via in (None, "any"):
            return frozenset({"contract", "reported_use", "offers"})
        return frozenset({self.via})


@dataclass(frozen=True, slots=True)
class ListOrder:
    field: OrderField = "id"
    descending: bool = False

    def check(self, kind: str) -> None:
        if self.field not in ORDER_FIELDS_BY_KIND.get(kind, frozenset()):
            raise QueryError(f"{kind} lists cannot be ordered by {self.field}")


@dataclass(slots=True)
class ListPage:
    """One page of a list: the nodes from `offset`, and how many match in all.

    Ordering is total: by the field (missing values last), then by id."""

    nodes: list[Node]
    total_count: int
    offset: int


@dataclass(slots=True)
class SpendingRow:
    """Contracts and money of one group. `keys` holds a value for each grouping asked for
    (an id, or the fiscal year); None when a contract has no such tie or value.

    A contract tied to several groups (two technologies, say) counts once in each of them.

    Grouped by fiscal year, a contract with known actions (ContractAction, ACTION_OF) counts in
    the US fiscal year of each action's date with the sum of those actions (its potential in
    the year of its first action), `basis` "actions"; a contract without actions counts in its
    own fiscal year, else its start date's, with its obligated total, `basis` "award start".
    Rows of the two bases are kept apart."""

    keys: dict[str, str | int | None]
    count: int
    obligated: float
    potential: float
    basis: str | None = None


def fiscal_year(explicit: object, start_date: object) -> int | None:
    """The US federal fiscal year: the contract's own, else the one its start date falls in
    (FY N runs from October N-1 to September N)."""
    if isinstance(explicit, int) and not isinstance(explicit, bool):
        return explicit
    if isinstance(start_date, str) and len(start_date) >= 7:
        year, month = int(start_date[:4]), int(start_date[5:7])
        return year + 1 if month >= 10 else year
    return None


def sort_rows(rows: list[SpendingRow]) -> list[SpendingRow]:
    """Largest spending first, then by keys (None last) so every store orders alike."""

    def key(row: SpendingRow) -> tuple[float, tuple[tuple[int, str], ...]]:
        parts = tuple((1, "") if v is None else (0, f"{v:>12}" if isinstance(v, int) else v)
                      for v in row.keys.values())
        return (-round(row.obligated, 2), parts)

    return sorted(rows, key=key)

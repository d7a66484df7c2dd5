"""USAspending.gov contract data: the bulk prime-award-summary and subaward CSVs, and the API's
JSON (award search results, subaward search results, award detail, transactions).

Each shape is recognized by its columns or keys. A prime award becomes a Contract (PIID, unique
award key, permalink) AWARDED_TO its recipient Company (SUBSIDIARY_OF the parent), AWARDED_BY the
awarding sub-agency (PART_OF its agency), FUNDED_BY the funding sub-agency, CHILD_OF its IDV,
tagged with Technologies and Products. A subaward becomes a Contract SUBCONTRACT_OF its prime,
AWARDED_TO the subawardee. Every award cites its USAspending permalink as a Source.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from graph_service.records import Value
from loaders.claims import RowOutput, record_source
from loaders.input_files import CsvFile, InputFile, WrongShape, read_text
from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping
from loaders.reading import invalid_where
from loaders.resolution import contract_id, entity_slug, parse_award_key
from loaders.values import RowError, parse_amount, parse_date, text

PUBLISHER = "USAspending.gov"
PERMALINK = "https://www.usaspending.gov/award/{}/"


def _triple(get: Callable[[str], str | None], columns: tuple[str, str, str]
            ) -> tuple[str | None, str | None, str | None]:
    """A company's (name, UEI, DUNS) from its columns."""
    return get(columns[0]), get(columns[1]), get(columns[2])


def _permalink_source(out: RowOutput, key: str | None, url: str | None, piid: str) -> list[str]:
    """The award's USAspending page as a Source (id from the unique award key)."""
    if not key and not url:
        return [out._ctx.file_source]
    link = url or PERMALINK.format(key)
    source = record_source(out, link, f"USAspending.gov award {piid}", PUBLISHER,
                           "procurement-record", key=f"usaspending-{entity_slug(key or link)}")
    return [out._ctx.file_source, source]


def _agency_pair(out: RowOutput, top_name: str | None, top_code: str | None,
                 sub_name: str | None, sub_code: str | None, field: str) -> str | None:
    """Emit a sub-agency PART_OF its toptier agency; return the most specific agency id."""
    top = out.agency(top_name, top_code, field_name=field)
    sub = out.agency(sub_name, sub_code, field_name=field) if (sub_name or sub_code) else None
    if sub and top and sub[0] != top[0]:
        out.edge("PART_OF", sub[0], top[0], {"basis": sub[1]}, field_name=field)
    chosen = sub or top
    return chosen[0] if chosen else None


def _award(
    out: RowOutput,
    *,
    piid: str,
    key: str | None,
    parent_piid: str | None,
    props: dict[str, Value],
    url: str | None,
    recipient: tuple[str | None, str | None, str | None],
    recipient_props: dict[str, Value],
    parent: tuple[str | None, str | None, str | None],
    awarding: tuple[str | None, str | None, str | None, str | None],
    funding: tuple[str | None, str | None, str | None, str | None],
) -> str:
    """The shared mapping of one prime award (bulk row, search result or award detail)."""
    node_id = contract_id(piid, parent_piid)
    sources = _permalink_source(out, key, url, piid)
    out.node(node_id, "Contract", piid, {
        "piid": piid, "award_key": key, "parent_piid": parent_piid, "permalink": url,
        **props,
    }, sources=sources)
    span = {"valid_from": props.get("start_date"), "valid_to": props.get("end_date")}
    company = out.company(*recipient, properties=recipient_props, field_name="recipient")
    parent_company = out.company(*parent, field_name="recipient_parent")
    if company:
        out.edge("AWARDED_TO", node_id, company[0],
                 {"basis": company[1], "amount": props.get("obligated"), **span}, sources=sources)
        if parent_company:
            # Dated by the award that states it: ownership over time (the policy keeps the
            # earliest valid_from and the latest valid_to over every award stating it).
            out.edge("SUBSIDIARY_OF", company[0], parent_company[0],
                     {"basis": parent_company[1], **span}, sources=sources)
    awarded_by = _agency_pair(out, *awarding, field="awarding_agency")
    if awarded_by:
        out.edge("AWARDED_BY", node_id, awarded_by, span, sources=sources)
    funded_by = _agency_pair(out, *funding, field="funding_agency")
    if funded_by:
        out.edge("FUNDED_BY", node_id, funded_by, span, sources=sources)
    if parent_piid:
        idv = contract_id(parent_piid)
        out.node(idv, "Contract", parent_piid, {"piid": parent_piid})
        out.edge("CHILD_OF", node_id, idv, sources=sources)
    out.tags(node_id, text(props.get("description")), text(props.get("psc")),
             text(props.get("psc_description")), text(props.get("naics")),
             text(props.get("naics_description")),
             vendors=(recipient[0], parent[0]), sources=sources)
    return node_id


# -- bulk CSV -------------------------------------------------------------------------------------


class PrimeAwardsCsv(MappedCsv):
    """A bulk prime-award-summaries file, read through its shipped mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-prime-awards.yaml"),
                         format_name="usaspending-prime-awards-csv")


class SubawardsCsv(MappedCsv):
    """A bulk subawards file, read through its shipped mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-subawards.yaml"),
                         format_name="usaspending-subawards-csv")


def _subaward(
    out: RowOutput, *, prime: str, prime_piid: str, prime_key: str | None, url: str | None,
    number: str, amount: float | None, action_date: str | None, fiscal_year: int | None,
    description: str | None, award_type: str | None, naics: tuple[str | None, str | None],
    recipient: tuple[str | None, str | None, str | None], recipient_props: dict[str, Value],
    parent: tuple[str | None, str | None, str | None],
) -> None:
    """One subaward action: the same subaward number re-reported for the same action date is
    the same record (FSRS reports repeat), a new action date is a new one."""
    suffix = f"-{action_date}" if action_date else ""
    node_id = f"contract:sub-{prime.partition(':')[2]}-{entity_slug(number)}{suffix}"
    sources = _permalink_source(out, prime_key, url, prime_piid)
    out.node(node_id, "Contract", f"Subaward {number} under {prime_piid}", {
        "piid": number, "parent_piid": prime_piid, "obligated": amount,
        "start_date": action_date, "fiscal_year": fiscal_year, "description": description,
        "award_type": award_type, "naics": naics[0], "naics_description": naics[1],
        "permalink": url,
    }, sources=sources)
    out.edge("SUBCONTRACT_OF", node_id, prime, {"amount": amount, "valid_from": action_date},
             sources=sources)
    company = out.company(*recipient, properties=recipient_props, field_name="subawardee")
    if company is None:
        raise RowError("subawardee_name", "is blank and there is no UEI or DUNS")
    out.edge("AWARDED_TO", node_id, company[0],
             {"basis": company[1], "amount": amount, "valid_from": action_date}, sources=sources)
    parent_company = out.company(*parent, field_name="subawardee_parent")
    if parent_company:
        out.edge("SUBSIDIARY_OF", company[0], parent_company[0],
                 {"basis": parent_company[1], "valid_from": action_date, "valid_to": action_date})
    out.tags(node_id, description, None, None, naics[0], naics[1],
             vendors=(recipient[0], parent[0]), sources=sources)


# -- API JSON -------------------------------------------------------------------------------------


def _code_desc(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return text(value.get("code")), text(value.get("description"))
    return text(value), None


class _JsonFile(InputFile):
    required: tuple[str, ...] = ()
    source_kind = "procurement-record"
    publisher = PUBLISHER

    def __init__(self, path: Path, data: Any, results: list[Any]) -> None:
        super().__init__(path)
        self.data = data
        self.results = results
        self._done = 0

    def records(self) -> Iterator[tuple[int, Any]]:
        for number, record in enumerate(self.results, start=1):
            self._done = number
            if not isinstance(record, dict):
                yield number, RowError("(record)", "is not a JSON object")
                continue
            if self.reading.invalid_bytes and (where := invalid_where(record)) is not None:
                yield number, RowError(where, "invalid UTF-8; the rest of the file is UTF-8")
                continue
            yield number, record

    def position(self) -> int:
        return self.size * self._done // max(len(self.results), 1)


class AwardSearchJson(_JsonFile):
    """`POST /api/v2/search/spending_by_award/` results for contracts (display-name keys)."""

    format_name = "usaspending-award-search-json"
    required = ("Award ID", "Recipient Name")

    def build(self, record: Any, out: RowOutput) -> None:
        r: dict[str, Any] = record
        piid = text(r.get("Award ID"))
        if piid is None:
            raise RowError("Award ID", "is blank")
        key = text(r.get("generated_internal_id"))
        parsed = parse_award_key(key) if key else None
        naics, naics_desc = _code_desc(r.get("NAICS"))
        psc, psc_desc = _code_desc(r.get("PSC"))
        raw_location = r.get("Recipient Location")
        location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
        _award(
            out, piid=piid, key=key, parent_piid=parsed[1] if parsed else None,
            props={
                "obligated": parse_amount(r.get("Award Amount"), "Award Amount"),
                "start_date": parse_date(r.get("Start Date"), "Start Date"),
                "end_date": parse_date(r.get("End Date"), "End Date"),
                "description": text(r.get("Description")),
                "psc": psc, "psc_description": psc_desc,
                "naics": naics, "naics_description": naics_desc,
                "award_type": text(r.get("Contract Award Type")) or text(r.get("Award Type")),
            },
            url=PERMALINK.format(key) if key else None,
            recipient=(text(r.get("Recipient Name")), text(r.get("Recipient UEI")),
                       text(r.get("Recipient DUNS Number"))),
            recipient_props={"city": text(location.get("city_name")),
                             "state": text(location.get("state_code")),
                             "country": text(location.get("location_country_code"))},
            parent=(None, None, None),
            awarding=(text(r.get("Awarding Agency")), text(r.get("Awarding Agency Code")),
                      text(r.get("Awarding Sub Agency")), text(r.get("Awarding Sub Agency Code"))),
            funding=(text(r.get("Funding Agency")), text(r.get("Funding Agency Code")),
                     text(r.get("Funding Sub Agency")), text(r.get("Funding Sub Agency Code"))),
        )


class SubawardSearchJson(_JsonFile):
    """The subaward form of the award search (`"Sub-Award ID"`, `"Sub-Awardee Name"`, ...)."""

    format_name = "usaspending-subaward-search-json"
    required = ("Sub-Award ID", "Sub-Awardee Name", "Prime Award ID")

    def build(self, record: Any, out: RowOutput) -> None:
        r: dict[str, Any] = record
        prime_piid = text(r.get("Prime Award ID"))
        number = text(r.get("Sub-Award ID"))
        if prime_piid is None:
            raise RowError("Prime Award ID", "is blank")
        if number is None:
            raise RowError("Sub-Award ID", "is blank")
        key = text(r.get("prime_award_generated_internal_id"))
        parsed = parse_award_key(key) if key else None
        naics, naics_desc = _code_desc(r.get("NAICS"))
        psc, psc_desc = _code_desc(r.get("PSC"))
        url = PERMALINK.format(key) if key else None
        prime = _award(
            out, piid=prime_piid, key=key, parent_piid=parsed[1] if parsed else None,
            props={"psc": psc, "psc_description": psc_desc, "naics": naics,
                   "naics_description": naics_desc},
            url=url,
            recipient=(text(r.get("Prime Recipient Name")),
                       text(r.get("Prime Award Recipient UEI")), None),
            recipient_props={}, parent=(None, None, None),
            awarding=(text(r.get("Awarding Agency")), text(r.get("Awarding Agency Code")),
                      text(r.get("Awarding Sub Agency")), text(r.get("Awarding Sub Agency Code"))),
            funding=(None, None, None, None),
        )
        location = r.get("Sub-Recipient Location")
        location = location if isinstance(location, dict) else {}
        _subaward(
            out, prime=prime, prime_piid=prime_piid, prime_key=key, url=url, number=number,
            amount=parse_amount(r.get("Sub-Award Amount"), "Sub-Award Amount"),
            action_date=parse_date(r.get("Sub-Award Date"), "Sub-Award Date"),
            fiscal_year=None, description=text(r.get("Sub-Award Description")),
            award_type=text(r.get("Sub-Award Type")), naics=(naics, naics_desc),
            recipient=(text(r.get("Sub-Awardee Name")), text(r.get("Sub-Recipient UEI")), None),
            recipient_props={"city": text(location.get("city_name")),
                             "state": text(location.get("state_code")),
                             "country": text(location.get("location_country_code"))},
            parent=(None, None, None),
        )


class AwardDetailJson(_JsonFile):
    """`GET /api/v2/awards/<generated_unique_award_id>/`: one nested award (contract or IDV)."""

    format_name = "usaspending-award-detail-json"
    required = ("generated_unique_award_id", "piid", "recipient")

    def build(self, record: Any, out: RowOutput) -> None:
        r: dict[str, Any] = record
        piid = text(r.get("piid"))
        if piid is None:
            raise RowError("piid", "is blank")
        key = text(r.get("generated_unique_award_id"))
        parsed = parse_award_key(key) if key else None
        raw_parent = r.get("parent_award")
        parent_award: dict[str, Any] = raw_parent if isinstance(raw_parent, dict) else {}
        parent_piid = text(parent_award.get("piid")) or (parsed[1] if parsed else None)
        period = r.get("period_of_performance") or {}
        latest = r.get("latest_transaction_contract_data") or {}
        psc_h = (r.get("psc_hierarchy") or {}).get("base_code") or {}
        naics_h = (r.get("naics_hierarchy") or {}).get("base_code") or {}
        recipient = r.get("recipient") or {}
        location = recipient.get("location") or {}

        def agency(side: str) -> tuple[str | None, str | None, str | None, str | None]:
            block = r.get(side) or {}
            top = block.get("toptier_agency") or {}
            sub = block.get("subtier_agency") or {}
            return (text(top.get("name")), text(top.get("code")), text(sub.get("name")),
                    text(sub.get("code")))

        _award(
            out, piid=piid, key=key, parent_piid=parent_piid,
            props={
                "obligated": parse_amount(r.get("total_obligation"), "total_obligation"),
                "potential": parse_amount(r.get("base_and_all_options"), "base_and_all_options"),
                "start_date": parse_date(period.get("start_date"),
                                         "period_of_performance.start_date"),
                "end_date": parse_date(period.get("end_date"), "period_of_performance.end_date"),
                "description": text(r.get("description")),
                "psc": text(psc_h.get("code")) or text(latest.get("product_or_service_code")),
                "psc_description": text(psc_h.get("description")),
                "naics": text(naics_h.get("code")) or text(latest.get("naics")),
                "naics_description": text(naics_h.get("description"))
                or text(latest.get("naics_description")),
                "award_type": text(r.get("type_description")),
            },
            url=PERMALINK.format(key) if key else None,
            recipient=(text(recipient.get("recipient_name")), text(recipient.get("recipient_uei")),
                       text(recipient.get("recipient_unique_id"))),
            recipient_props={"city": text(location.get("city_name")),
                             "state": text(location.get("state_code")),
                             "country": text(location.get("location_country_code"))},
            parent=(text(recipient.get("parent_recipient_name")),
                    text(recipient.get("parent_recipient_uei")),
                    text(recipient.get("parent_recipient_unique_id"))),
            awarding=agency("awarding_agency"),
            funding=agency("funding_agency"),
        )


# -- recognizing a file ---------------------------------------------------------------------------


def _shapes() -> tuple[tuple[type[CsvFile], ...], tuple[type[_JsonFile], ...]]:
    """The shapes, most specific first: a transactions file also has every column an award
    summary is recognized by. (Imported here: the transactions module builds on this one.)"""
    from loaders.usaspending_transactions import PrimeTransactionsCsv, TransactionsApiJson

    return ((PrimeTransactionsCsv, PrimeAwardsCsv, SubawardsCsv),
            (SubawardSearchJson, AwardSearchJson, TransactionsApiJson))


def open_usaspending(path: Path) -> InputFile:
    """Recognize a USAspending file by its columns or keys; WrongShape names what is missing."""
    if not path.is_file():
        raise WrongShape(path, "no such file")
    if path.suffix.lower() == ".json":
        return _open_json(path)
    # A CSV: pick the shape whose key columns the header has; else name the closest's gaps.
    errors: list[WrongShape] = []
    for shape in _shapes()[0]:
        try:
            return shape(path)
        except WrongShape as exc:
            errors.append(exc)
    best = min(errors, key=lambda e: len(e.missing) if e.missing else 99)
    raise WrongShape(
        path, "not a USAspending prime-award or subaward CSV: "
        + (f"missing columns {', '.join(best.missing)}" if best.missing else str(best)),
        best.missing,
    )


def _open_json(path: Path) -> InputFile:
    try:
        data = json.loads(read_text(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WrongShape(path, f"not valid JSON: {exc}") from exc
    if isinstance(data, dict) and "generated_unique_award_id" in data:
        missing = [k for k in AwardDetailJson.required if k not in data]
        if missing:
            raise WrongShape(path, f"award detail without keys {', '.join(missing)}", missing)
        return AwardDetailJson(path, data, [data])
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise WrongShape(path, "not a USAspending API answer: no 'results' list and no "
                         "'generated_unique_award_id'", ["results"])
    keys = set().union(*(r.keys() for r in results if isinstance(r, dict))) if results else set()
    best: tuple[int, type[_JsonFile], list[str]] | None = None
    for shape in _shapes()[1]:
        missing = [k for k in shape.required if k not in keys]
        if not missing:
            return shape(path, data, results)
        if best is None or len(missing) < best[0]:
            best = (len(missing), shape, missing)
    assert best is not None
    raise WrongShape(path, f"not a USAspending {best[1].format_name} answer: missing keys "
                     f"{', '.join(best[2])}", best[2])

"""USAspending contract *transactions*: one row (or JSON result) per contract action.

Shapes: the bulk PrimeTransactions CSV in today's layout (contract_transaction_unique_key,
contract_award_unique_key, recipient_uei, transaction_description, ...), the 2018-era layout
(no unique keys, parent_award_id, award_description; often re-saved by a spreadsheet with
DD/MM/YYYY dates and DUNS that lost their leading zeros), and the API's /transactions/ JSON.

Each action becomes a ContractAction ACTION_OF its award; its id derives from the action's unique
key alone (today's contract_transaction_unique_key, else one built from the award key,
modification and transaction number), so a file loaded twice or an overlapping later export
states each action once. The award's money is the view's sum of its actions unless an award
summary states it (graph_service/stores/action_sums.py). Each row also states the award itself
(PIID, parent, agencies, recipient and parent, description), so ties and tags come out as from
award files, and the action's own text tags the award too: tags accumulate over its actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph_service.records import Value
from loaders.claims import RowOutput
from loaders.input_files import CsvFile
from loaders.resolution import contract_id, entity_slug, parse_award_key
from loaders.usaspending import PUBLISHER, _award, _JsonFile, _permalink_source, _triple
from loaders.values import (
    RowError,
    day_first_order,
    duns9,
    parse_action_date,
    parse_amount,
    parse_date,
    text,
    us_fiscal_year,
)

_SCAN_ROWS = 2000  # rows read to decide a file's date order


def action_id(key: str) -> str:
    return f"action:{entity_slug(key)}"


def _action(out: RowOutput, award: str, *, key: str, piid: str, date: str | None,
            modification: str | None, number: str | None, obligation: float | None,
            action_type: str | None, description: str | None, url: str | None,
            sources: list[str]) -> None:
    """One ContractAction ACTION_OF `award` (an amount of 0 is kept: an action nonetheless)."""
    node = action_id(key)
    name = f"{piid} modification {modification or '0'}" + (f" on {date}" if date else "")
    out.node(node, "ContractAction", name, {
        "transaction_key": key, "action_date": date, "fiscal_year": us_fiscal_year(date),
        "modification_number": modification, "transaction_number": number,
        "obligation": obligation, "action_type": action_type, "description": description,
        "permalink": url,
    }, sources=sources)
    out.edge("ACTION_OF", node, award, {"amount": obligation, "valid_from": date,
                                        "valid_to": date}, sources=sources)


class PrimeTransactionsCsv(CsvFile):
    """Bulk contract transactions, today's layout or the 2018-era one (columns differ only in
    keys and names; missing columns read blank)."""

    format_name = "usaspending-prime-transactions-csv"
    source_kind = "procurement-record"
    publisher = PUBLISHER
    required = ("award_id_piid", "modification_number", "federal_action_obligation",
                "action_date")
    company_columns = (("recipient_name", "recipient_uei", "recipient_duns"),
                       ("recipient_parent_name", "recipient_parent_uei", "recipient_parent_duns"))
    _DATES = ("action_date", "period_of_performance_start_date",
              "period_of_performance_current_end_date")

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.pick = self.picker((
            "contract_transaction_unique_key", "contract_award_unique_key", "award_id_piid",
            "modification_number", "transaction_number", "parent_award_id_piid",
            "parent_award_id", "parent_award_agency_id", "federal_action_obligation",
            "action_date", "period_of_performance_start_date",
            "period_of_performance_current_end_date", "action_type_code",
            "action_type_description", "action_type", "transaction_description",
            "award_description", "prime_award_base_transaction_description",
            "awarding_agency_code", "awarding_agency_name", "awarding_sub_agency_code",
            "awarding_sub_agency_name", "funding_agency_code", "funding_agency_name",
            "funding_sub_agency_code", "funding_sub_agency_name", "recipient_uei",
            "recipient_duns", "recipient_name", "cage_code", "recipient_parent_uei",
            "recipient_parent_duns", "recipient_parent_name", "recipient_city_name",
            "recipient_state_code", "recipient_country_code", "award_type",
            "product_or_service_code", "product_or_service_code_description", "naics_code",
            "naics_description", "usaspending_permalink",
        ))
        self.day_first = self._scan_date_order()

    def _scan_date_order(self) -> bool:
        values: list[str] = []
        getters = [self.getter(c) for c in self._DATES]
        for count, (_, row) in enumerate(self.records()):
            if count >= _SCAN_ROWS:
                break
            if isinstance(row, list):
                values += [g(row) for g in getters]
        return day_first_order(values)

    def build(self, record: Any, out: RowOutput) -> None:
        get = self.pick(record).__getitem__
        piid = get("award_id_piid")
        if piid is None:
            raise RowError("award_id_piid", "is blank: an action needs its award's PIID")
        award_key = get("contract_award_unique_key")
        parent_piid = get("parent_award_id_piid") or get("parent_award_id")
        if award_key and not parent_piid:
            parsed = parse_award_key(award_key)
            parent_piid = parsed[1] if parsed else None
        modification = get("modification_number") or "0"
        number = get("transaction_number") or "0"
        # The 2018 layout has no keys: build them as USAspending does (award key, then the
        # modification and transaction number), so both layouts name an action alike.
        award_key = award_key or "_".join((
            "CONT_AWD", piid, get("awarding_sub_agency_code") or "-NONE-",
            parent_piid or "-NONE-", get("parent_award_agency_id") or "-NONE-"))
        key = get("contract_transaction_unique_key") or f"{award_key}_{modification}_{number}"
        day_first = self.day_first
        date = parse_action_date(get("action_date"), "action_date", day_first)
        start = parse_action_date(get("period_of_performance_start_date"),
                                  "period_of_performance_start_date", day_first)
        end = parse_action_date(get("period_of_performance_current_end_date"),
                                "period_of_performance_current_end_date", day_first)
        obligation = parse_amount(get("federal_action_obligation"), "federal_action_obligation")
        action_text = get("transaction_description") or get("award_description")
        award_text = get("prime_award_base_transaction_description") or get("award_description")
        recipient = _triple(get, self.company_columns[0])
        parent = _triple(get, self.company_columns[1])
        props: dict[str, Value] = {
            # An action's dates are dates the award was in force.
            "start_date": start or date, "end_date": end or date,
            "description": award_text, "psc": get("product_or_service_code"),
            "psc_description": get("product_or_service_code_description"),
            "naics": get("naics_code"), "naics_description": get("naics_description"),
            "award_type": get("award_type"),
        }
        url = get("usaspending_permalink")
        award = _award(
            out, piid=piid, key=award_key, parent_piid=parent_piid, props=props, url=url,
            recipient=(recipient[0], recipient[1], duns9(recipient[2])),
            recipient_props={"cage": get("cage_code"), "city": get("recipient_city_name"),
                             "state": get("recipient_state_code"),
                             "country": get("recipient_country_code")},
            parent=(parent[0], parent[1], duns9(parent[2])),
            awarding=(get("awarding_agency_name"), get("awarding_agency_code"),
                      get("awarding_sub_agency_name"), get("awarding_sub_agency_code")),
            funding=(get("funding_agency_name"), get("funding_agency_code"),
                     get("funding_sub_agency_name"), get("funding_sub_agency_code")),
        )
        sources = _permalink_source(out, award_key, url, piid)
        _action(out, award, key=key, piid=piid, date=date, modification=modification,
                number=number, obligation=obligation,
                action_type=get("action_type_description") or get("action_type"),
                description=action_text, url=url, sources=sources)
        if action_text and action_text != award_text:
            out.tags(award, action_text, vendors=(recipient[0], parent[0]), sources=sources)


class TransactionsApiJson(_JsonFile):
    """`/api/v2/transactions/` results: the id is the action's unique key
    ('CONT_TX_<agency>_<parent PIID>_<PIID>_<modification>_<parent agency>_<number>') and names
    its award; each result is a ContractAction with its money, ACTION_OF the award."""

    format_name = "usaspending-transactions-json"
    required = ("id", "action_date", "modification_number")

    def build(self, record: Any, out: RowOutput) -> None:
        r: dict[str, Any] = record
        tx = text(r.get("id"))
        parts = tx.split("_") if tx else []
        if tx is None or len(parts) < 6 or parts[:2] != ["CONT", "TX"]:
            raise RowError("id", f"{tx!r} is not a contract transaction id (CONT_TX_...)")
        parent_piid = None if parts[3] in ("-NONE-", "") else parts[3]
        piid = parts[4]
        date = parse_date(r.get("action_date"), "action_date")
        award = contract_id(piid, parent_piid)
        out.node(award, "Contract", piid, {
            "piid": piid, "parent_piid": parent_piid,
            "award_type": text(r.get("type_description")),
        })
        description = text(r.get("description"))
        _action(out, award, key=tx, piid=piid, date=date,
                modification=text(r.get("modification_number")),
                number=parts[7] if len(parts) > 7 else None,
                obligation=parse_amount(r.get("federal_action_obligation"),
                                        "federal_action_obligation"),
                action_type=text(r.get("action_type_description")), description=description,
                url=None, sources=[out._ctx.file_source])
        out.tags(award, description)

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

from loaders.claims import RowOutput
from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping
from loaders.resolution import contract_id, entity_slug
from loaders.usaspending import _JsonFile
from loaders.values import (
    RowError,
    parse_amount,
    parse_date,
    text,
    us_fiscal_year,
)


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


class PrimeTransactionsCsv(MappedCsv):
    """Bulk contract transactions, today's layout or the 2018-era one, read through their
    shipped mapping (the layouts differ only in keys and names; missing columns read blank)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-prime-transactions.yaml"),
                         format_name="usaspending-prime-transactions-csv")


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

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

from loaders.mapping import MappedCsv
from loaders.mapping_spec import shipped_mapping
from loaders.usaspending import _JsonShape


class PrimeTransactionsCsv(MappedCsv):
    """Bulk contract transactions, today's layout or the 2018-era one, read through their
    shipped mapping (the layouts differ only in keys and names; missing columns read blank)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, shipped_mapping("usaspending-prime-transactions.yaml"),
                         format_name="usaspending-prime-transactions-csv")


class TransactionsApiJson(_JsonShape):
    """`/api/v2/transactions/` results: the id is the action's unique key
    ('CONT_TX_<agency>_<parent PIID>_<PIID>_<modification>_<parent agency>_<number>') and names
    its award; each result is a ContractAction with its money, ACTION_OF the award."""

    required = ("id", "action_date", "modification_number")
    mapping_name = "usaspending-transactions-api.yaml"
    shape_name = "usaspending-transactions-json"

"""A small synthetic graph for the store contract suite: subsidiaries, contracts with money and
dates, PART_OF chains of several depths, ties with validity dates, accents in names.

Shape (the figures the contract tests expect follow from it):

    acme-vision -SUBSIDIARY_OF-> acme-holdings
    c1 (1000.5, 2019-2020): AWARDED_TO acme-vision, AWARDED_BY field, COVERS facefind
    c2 (250, from 2021):    AWARDED_TO acme-holdings, AWARDED_BY + FUNDED_BY sub
    c3 (99.25):             AWARDED_TO securite-plus, AWARDED_BY dept (tie valid 2017-2018),
                            COVERS plate-reader
    c4 (10.0):              AWARDED_TO securite-plus, AWARDED_BY l5 (5 PART_OF below dept)
    c5 (no amount):         AWARDED_TO securite-plus, AWARDED_BY l4 (4 PART_OF below dept)
    field -PART_OF-> sub -PART_OF-> dept -OPERATES_IN-> immigration -AFFECTS-> immigrants
    l5 -> l4 -> l3 -> l2 -> l1 -> dept (PART_OF)
    facefind -USED_BY-> field; plate-reader -USED_BY (from 2022)-> city-police -OPERATES_IN->
    policing
"""

from __future__ import annotations

from graph_service.records import Batch, Edge, Node

SEEN = "2024-05-01"


def _node(node_id: str, kind: str, name: str, sources: list[str] | None = None,
          aliases: list[str] | None = None, **properties: str | int | float) -> Node:
    return Node(node_id, kind, name, aliases or [], dict(properties),
                sources if sources is not None else ["source:doc-a"], SEEN, SEEN)


def _edge(rel_type: str, source: str, target: str, sources: list[str] | None = None,
          status: str = "reported", **properties: str | int | float) -> Edge:
    return Edge(rel_type, source, target, status, dict(properties),
                sources if sources is not None else ["source:doc-a"], SEEN, SEEN)


def synthetic_batch() -> Batch:
    nodes = [
        _node("source:doc-a", "Source", "Procurement record A", [], url="https://example.org/a",
              source_kind="procurement-record", published="2021-03-04"),
        _node("source:doc-b", "Source", "News story B", [], url="https://example.org/b",
              source_kind="news"),
        _node("source:doc-c", "Source", "FOIA release C", [], source_kind="foia"),
        _node("company:acme-holdings", "Company", "Acme Holdings", uei="UEI-HOLD"),
        _node("company:acme-vision", "Company", "Acme Vision", aliases=["AcmeVision Inc"],
              uei="UEI-VIS", duns="123456789", city="Boston"),
        _node("company:securite-plus", "Company", "Sécurité Plus SA", ["source:doc-b"],
              country="FR"),
        _node("product:facefind", "Product", "FaceFind", description="Face search"),
        _node("product:plate-reader", "Product", "PlateReader"),
        _node("technology:face-rec", "Technology", "Face recognition",
              aliases=["FACE", "Reconnaissance faciale"]),
        _node("technology:alpr", "Technology", "Automated license plate readers"),
        _node("agency:dept", "Agency", "Department of Homeland Things", code="7000",
              acronym="DHT", level="federal"),
        _node("agency:sub", "Agency", "Immigration Office", code="7012", level="federal"),
        _node("agency:field", "Agency", "Field Office North", agency_type="Field office"),
        *[_node(f"agency:l{i}", "Agency", f"Level {i} office") for i in range(1, 6)],
        _node("agency:city-police", "Agency", "City Police", level="municipal"),
        _node("domain:immigration", "Domain", "Immigration enforcement"),
        _node("domain:policing", "Domain", "Policing"),
        _node("community:immigrants", "Community", "Immigrants"),
        _node("contract:c1", "Contract", "C1 FaceFind licences", ["source:doc-a"], piid="P-1",
              obligated=1000.5, potential=3.0, start_date="2019-01-01", end_date="2020-12-31",
              fiscal_year=2019),
        _node("contract:c2", "Contract", "C2 Analytics", ["source:doc-b"], piid="P-2",
              obligated=250, start_date="2021-01-01"),
        _node("contract:c3", "Contract", "C3 Plate readers", ["source:doc-c"], piid="P-3",
              obligated=99.25),
        _node("contract:c4", "Contract", "C4 Deep office", piid="P-4", obligated=10.0),
        _node("contract:c5", "Contract", "C5 Level four", piid="P-5"),
    ]
    edges = [
        _edge("SUBSIDIARY_OF", "company:acme-vision", "company:acme-holdings", ["source:doc-b"]),
        _edge("OFFERS", "company:acme-vision", "product:facefind"),
        _edge("OFFERS", "company:securite-plus", "product:plate-reader"),
        _edge("OF_TECHNOLOGY", "product:facefind", "technology:face-rec"),
        _edge("OF_TECHNOLOGY", "product:plate-reader", "technology:alpr"),
        _edge("AWARDED_TO", "contract:c1", "company:acme-vision"),
        _edge("AWARDED_BY", "contract:c1", "agency:field", amount=1000.5),
        _edge("COVERS", "contract:c1", "product:facefind"),
        _edge("AWARDED_TO", "contract:c2", "company:acme-holdings", ["source:doc-b"]),
        _edge("AWARDED_BY", "contract:c2", "agency:sub", ["source:doc-b"]),
        _edge("FUNDED_BY", "contract:c2", "agency:sub", ["source:doc-b"], amount=12.0),
        _edge("AWARDED_TO", "contract:c3", "company:securite-plus", ["source:doc-c"]),
        _edge("AWARDED_BY", "contract:c3", "agency:dept", ["source:doc-c"],
              valid_from="2017-01-01", valid_to="2018-12-31"),
        _edge("COVERS", "contract:c3", "product:plate-reader", ["source:doc-c"]),
        _edge("AWARDED_TO", "contract:c4", "company:securite-plus"),
        _edge("AWARDED_BY", "contract:c4", "agency:l5"),
        _edge("AWARDED_TO", "contract:c5", "company:securite-plus"),
        _edge("AWARDED_BY", "contract:c5", "agency:l4"),
        _edge("PART_OF", "agency:field", "agency:sub"),
        _edge("PART_OF", "agency:sub", "agency:dept"),
        _edge("PART_OF", "agency:l1", "agency:dept"),
        *[_edge("PART_OF", f"agency:l{i + 1}", f"agency:l{i}") for i in range(1, 5)],
        _edge("OPERATES_IN", "agency:dept", "domain:immigration"),
        _edge("OPERATES_IN", "agency:city-police", "domain:policing"),
        _edge("AFFECTS", "domain:immigration", "community:immigrants", status="inferred",
              rule="domain-affects-community", matched="immigration"),
        _edge("USED_BY", "product:facefind", "agency:field", ["source:doc-c"]),
        _edge("USED_BY", "product:plate-reader", "agency:city-police", valid_from="2022-01-01"),
    ]
    return Batch(nodes, edges)


def cyclic_batch() -> Batch:
    """A PART_OF cycle a -> b -> c -> a, with b operating in the domain: a chain may go round
    the cycle (a -> b -> c -> a -> b) within the rule's 4 PART_OF steps."""
    nodes = [
        _node("product:p", "Product", "P"),
        _node("contract:k", "Contract", "K", obligated=5.0),
        *[_node(f"agency:{x}", "Agency", x.upper(), []) for x in "abc"],
        _node("domain:d", "Domain", "D"),
    ]
    edges = [
        _edge("COVERS", "contract:k", "product:p"),
        _edge("AWARDED_BY", "contract:k", "agency:a"),
        _edge("PART_OF", "agency:a", "agency:b", ["source:ab"]),
        _edge("PART_OF", "agency:b", "agency:c", ["source:bc"]),
        _edge("PART_OF", "agency:c", "agency:a", ["source:ca"]),
        _edge("OPERATES_IN", "agency:b", "domain:d", ["source:bd"]),
    ]
    return Batch(nodes, edges)

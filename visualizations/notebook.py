"""pyvis for researchers: the maps as `pyvis.network.Network` objects, for Jupyter and scripts.

    from visualizations.notebook import ego_network
    net = ego_network(store, "agency:ice", hops=1)   # a pyvis Network; net.nodes, net.edges
    net                                              # in Jupyter: drawn inline, offline
    net.write_html("ice.html")                       # one self-contained file

Built from the same payload as the served pages and the CLI (`build_payload`): schema colours
and shapes, a legend, the precomputed layout with physics off, sources in the hover titles,
hubs folded. The HTML inlines vis-network from pyvis's own copy and references nothing remote:
pyvis's templates load Bootstrap (and tom-select) from a CDN even with cdn_resources='in_line',
so `OfflineNetwork` renders with its own small template. The CLI and the served pages keep the
fast writer (render.py); this module is for people who want a Network to work with.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from pyvis.network import Network

from graph_service.stores.base import GraphStore
from visualizations.maps import FILE_EGO_LINK
from visualizations.payload import MapView, build_payload
from visualizations.render import ASSETS, json_for_script, vis_assets
from visualizations.views import ego_view, overview_view, path_view, reach_view

TITLE_SOURCES = 5  # sources listed in one hover title


@functools.cache
def _template() -> Any:
    env = Environment(autoescape=True)
    return env.from_string((ASSETS / "notebook.html").read_text(encoding="utf-8"))


class OfflineNetwork(Network):
    """A pyvis Network whose HTML needs no network: vis-network inlined, no CDN, no Bootstrap."""

    legend: list[dict[str, Any]]

    def generate_html(self, name: str = "index.html", local: bool = True,
                      notebook: bool = False) -> str:
        _, _, heading, height, width, options = self.get_network_data()
        vis_js, vis_css = vis_assets()
        parsed = json.loads(options) if isinstance(options, str) else options
        self.html = _template().render(
            heading=heading, height=height, width=width, bgcolor=self.bgcolor,
            legend=getattr(self, "legend", []), vis_css=Markup(vis_css),
            vis_js=Markup(vis_js.replace("</script", "<\\/script")),
            nodes=Markup(json_for_script(self.nodes)), edges=Markup(json_for_script(self.edges)),
            options=Markup(json_for_script(parsed)),
        )
        return str(self.html)

    def _repr_html_(self) -> str:
        """Jupyter draws the page inline, in a sandboxed frame: no file, no server, no CDN."""
        page = html.escape(self.generate_html(), quote=True)
        return (f'<iframe srcdoc="{page}" style="width:100%;height:{self.height};border:0" '
                'sandbox="allow-scripts"></iframe>')


def _source_lines(ids: Sequence[str], sources: dict[str, Any]) -> list[str]:
    lines = []
    for source_id in ids[:TITLE_SOURCES]:
        source = sources.get(source_id, {})
        title = source.get("title") or source.get("name") or source_id
        lines.append(" · ".join(str(x) for x in (title, source.get("published"),
                                                 source.get("url")) if x))
    if len(ids) > TITLE_SOURCES:
        lines.append(f"… and {len(ids) - TITLE_SOURCES} more")
    return lines


def network_from_payload(payload: dict[str, Any], height: str = "720px") -> OfflineNetwork:
    """The pyvis Network of one map payload (visualizations.payload.build_payload)."""
    meta, sources = payload["meta"], payload["sources"]
    # in_line: write_html then writes one file (with "local" pyvis copies a lib/ folder).
    net = OfflineNetwork(height=height, width="100%", directed=True, heading=meta["title"],
                         cdn_resources="in_line")
    for node in payload["nodes"]:
        style = meta["kinds"][node["kind"]]
        title = [node["name"], node["kind"]]
        if node.get("money") is not None:
            title.append(f"${node['money']:,.0f}")
        if node.get("members"):
            title.append(f"{len(node['members'])} folded here")
        title += _source_lines(node.get("sources", []), sources)
        net.add_node(node["id"], label=node["label"], title="\n".join(title),
                     color=style["color"], shape=style["shape"], x=node["x"], y=node["y"],
                     size=node["size"], physics=False, kind=node["kind"])
    ids = [n["id"] for n in payload["nodes"]]
    for row in payload["edges"]:
        kind = payload["types"][row[2]]
        cited = payload["sourceSets"][row[5]] if row[5] >= 0 else []
        status = "inferred" if row[3] else "reported"
        tip = "\n".join([f"{kind} ({status})", *_source_lines(cited, sources)])
        net.add_edge(ids[row[0]], ids[row[1]], title=tip, width=row[4], dashes=bool(row[3]),
                     type=kind, status=status)
    net.set_options(json.dumps({
        "physics": {"enabled": False},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
        "interaction": {"hover": True, "tooltipDelay": 120},
    }))
    net.legend = [{"kind": k, "color": v["color"], "count": v["count"]}
                  for k, v in meta["kinds"].items()]
    return net


def network(store: GraphStore, view: MapView, height: str = "720px") -> OfflineNetwork:
    return network_from_payload(build_payload(view, store.model, FILE_EGO_LINK), height)


def ego_network(store: GraphStore, node_id: str, hops: int = 1, fold: bool = True) -> Network:
    """The neighbourhood of a node (a hub's neighbours folded by kind and counterpart)."""
    return network(store, ego_view(store, node_id, hops, fold=fold))


def reach_network(store: GraphStore, target: str,
                  from_kinds: Sequence[str] | None = None) -> Network:
    """What reaches `target` by the schema's reach rules: store.reach's answer."""
    return network(store, reach_view(store, target, from_kinds))


def path_network(store: GraphStore, source: str, target: str, max_hops: int = 6) -> Network:
    return network(store, path_view(store, source, target, max_hops))


def overview_network(store: GraphStore, fold: bool | None = None) -> Network:
    return network(store, overview_view(store, fold))

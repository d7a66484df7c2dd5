"""Write one self-contained HTML page: vis-network's JS and CSS, our script and style, and the
map's data, all inline. Nothing is fetched when the page opens (pyvis's `in_line` mode still
pulls tom-select and Bootstrap from a CDN; this page has no external reference at all).

Data goes in a `<script type="application/json">` block with `<`, `>`, `&` and the JS line
separators escaped, and map.js renders every text with `textContent`, never as HTML.
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

ASSETS = Path(__file__).with_name("assets")
VIS_VERSION = "9.1.2"
_MARKER = re.compile(r"(%%[A-Z]+%%)")


class AssetMissing(RuntimeError):
    """vis-network is not where pyvis ships it."""


@functools.cache
def vis_assets() -> tuple[str, str]:
    """vis-network's standalone JS and CSS, from the copy pyvis ships inside its package."""
    folder = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AssetMissing(
            f"vis-network {VIS_VERSION} not found in pyvis ({folder}); reinstall pyvis>=0.3.2"
        ) from exc
    return script, style


@functools.cache
def _own(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def json_for_script(data: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, no comment or entity openers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _script(code: str) -> str:
    if "</script" in code.lower():  # would end the element early; never true for our assets
        raise ValueError("inline script contains </script")
    return f"<script>{code}</script>"


def render_map(payload: dict[str, Any]) -> str:
    vis_js, vis_css = vis_assets()
    meta = payload["meta"]
    page = _own("map.html")
    parts = {
        "%%TITLE%%": html.escape(f"{meta['title']} · survgraph map"),
        "%%STYLE%%": f"<style>{vis_css}\n{_own('map.css')}</style>",
        "%%DATA%%": f'<script type="application/json" id="map-data">'
        f"{json_for_script(payload)}</script>",
        "%%SCRIPTS%%": _script(vis_js) + "\n" + _script(_own("map.js")),
    }
    # Split the template once, so text inside inserted data can never be taken for a marker.
    pieces = _MARKER.split(page)
    missing = set(parts) - set(pieces)
    if missing:
        raise ValueError(f"map.html lacks {', '.join(sorted(missing))}")
    return "".join(parts.get(piece, piece) for piece in pieces)


def write_map(payload: dict[str, Any], path: Path) -> int:
    """Write the page; returns its size in bytes."""
    text = render_map(payload)
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)

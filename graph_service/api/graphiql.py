"""The GraphiQL page: React, ReactDOM and GraphiQL are vendored under api/static/graphiql/
(npm packages graphiql@3.8.3, react@18.3.1, react-dom@18.3.1; MIT licences beside them), so
the page works with no network. A Content-Security-Policy allows only this server's files."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_URL = "/graphql/assets"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def graphiql_html() -> str:
    assets = f"{ASSETS_URL}/graphiql"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>survgraph GraphQL</title>
<link rel="stylesheet" href="{assets}/graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script src="{assets}/react.production.min.js"></script>
<script src="{assets}/react-dom.production.min.js"></script>
<script src="{assets}/graphiql.min.js"></script>
<script src="{assets}/start.js"></script>
</body>
</html>
"""

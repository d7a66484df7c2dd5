"""docker-compose.yml and the Dockerfile are wired as documented. No Docker engine runs here:
the compose file is parsed (PyYAML) and checked, and `docker compose config` runs too when the
compose plugin is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph_service.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_neo4j_service_image_volume_healthcheck_auth() -> None:
    spec = compose()
    neo4j = spec["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    volume, _, mount = neo4j["volumes"][0].partition(":")
    assert mount == "/data" and volume in spec["volumes"]
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/${SURVGRAPH_NEO4J_PASSWORD")


def test_api_service_reaches_neo4j_through_survgraph_store() -> None:
    spec = compose()
    api = spec["services"]["api"]
    assert api["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    env = api["environment"]
    host, port = re.fullmatch(r"bolt://([\w-]+):(\d+)", env["SURVGRAPH_STORE"]).groups()  # type: ignore[union-attr]
    assert host in spec["services"] and port == "7687"
    assert api["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert env["SURVGRAPH_NEO4J_PASSWORD"] == "${SURVGRAPH_NEO4J_PASSWORD}"
    settings = set(Settings.model_fields)
    for name in env:
        assert name.removeprefix("SURVGRAPH_").lower() in settings, name
    assert all(p.startswith("127.0.0.1:") for s in spec["services"].values()
               for p in s.get("ports", []))


def test_dockerfile_installs_the_package_and_serves() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    for line in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for path in line.split():
            assert (ROOT / path).exists(), path
    assert "pip install --require-hashes -r requirements-runtime.lock" in text
    assert "pip install --no-deps ." in text
    assert 'CMD ["survgraph", "serve", "--host", "0.0.0.0"' in text


def compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin) if installed, else Debian's `docker-compose` (1.29)."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True,
                                 check=False).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_when_available() -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed; the YAML "
                    "checks above ran")
    base = [*command, "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"]
    ok = subprocess.run(base, capture_output=True, text=True, check=False,
                        env={"SURVGRAPH_NEO4J_PASSWORD": "compose-check", "PATH": "/usr/bin:/bin"})
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(base, capture_output=True, text=True, check=False,
                             env={"PATH": "/usr/bin:/bin"})
    assert missing.returncode != 0
    assert "SURVGRAPH_NEO4J_PASSWORD" in missing.stderr

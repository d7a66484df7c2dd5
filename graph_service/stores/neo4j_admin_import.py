"""Running `neo4j-admin database import full` on the files of neo4j_bulk_import.py, and what
follows once the server is up again.

The import tool is the one of the Neo4j the project assembles from Maven Central
(scripts/neo4j-server.sh: org.neo4j:neo4j-import-tool, run through the admin launcher
org.neo4j.server.startup.Neo4jAdminCommand), or a distribution's bin/neo4j-admin. It writes
only a database that does not exist: it is never given --overwrite-destination, and this module
refuses first when the server of that home runs or the database's folder exists. After the
server starts on the imported database, `finish` opens the store (Neo4jStore ensures every
constraint and index of neo4j_schema.py on connect and waits for them) and sets the empty lists
the importer cannot write.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import orjson
from neo4j import Session

from graph_service.neo4j_schema import ENTITY, FRAGMENT, identifier
from graph_service.output_paths import check_output
from graph_service.stores.neo4j_bulk_import import ImportFiles

ADMIN_MAIN = "org.neo4j.server.startup.Neo4jAdminCommand"
_DATABASE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$")
# neo4j-admin splits file lists on commas and reads a file name as a regular expression.
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")
_FIX_CHUNK = 5000
DEFAULT_MEMORY = "2g"
_MEMORY = re.compile(r"^[0-9]+([kKmMgG]|%)?$")


def check_database_name(name: str) -> str:
    if not _DATABASE.match(name):
        raise ValueError(f"{name!r} is not a Neo4j database name")
    return name


def check_workdir(path: Path) -> Path:
    """The folder of the files, absolute, with a name neo4j-admin reads as itself."""
    resolved = path.expanduser().resolve()
    if not _PLAIN_PATH.match(str(resolved)):
        raise ValueError(f"the work folder {resolved} must be named with letters, digits and "
                         "._-/ only (neo4j-admin splits file lists on commas and reads file "
                         "names as regular expressions)")
    return resolved


def admin_tool(home: Path) -> list[str] | None:
    """The command that runs neo4j-admin of `home`, or None when it has none."""
    launcher = home / "bin" / "neo4j-admin"
    if launcher.is_file() and os.access(launcher, os.X_OK):
        return [str(launcher)]
    java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get(
        "JAVA_HOME") else shutil.which("java")
    if java and any((home / "lib").glob("neo4j-import-tool-*.jar")):
        return [java, "-cp", f"{home / 'lib'}/*", ADMIN_MAIN]
    return None


def _data_dir(home: Path) -> Path:
    """server.directories.data of the home's neo4j.conf (the script writes it), else data/."""
    conf = home / "conf" / "neo4j.conf"
    if conf.is_file():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "server.directories.data" and value.strip():
                found = Path(value.strip())
                return found if found.is_absolute() else home / found
    return home / "data"


def server_running(home: Path) -> int | None:
    """The pid of the server of `home` when scripts/neo4j-server.sh's pid file names a live
    process, else None."""
    pid_file = home / "run" / "neo4j.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def check_target(home: Path, database: str) -> None:
    """Refuse unless the server of `home` is stopped and `database` does not exist (the
    importer writes only a new database; no command here overwrites a store)."""
    pid = server_running(home)
    if pid is not None:
        raise ValueError(f"the Neo4j server of {home} runs (pid {pid}); stop it first "
                         "(scripts/neo4j-server.sh stop): the import writes its files offline")
    for folder in ("databases", "transactions"):
        target = _data_dir(home) / folder / database
        if target.exists():
            raise ValueError(
                f"database {database!r} already exists ({target}); the bulk import only "
                "creates a new database and never overwrites one. Load into it incrementally "
                "(survgraph --store bolt://... load ...), or import into a fresh Neo4j home")


def import_command(admin: list[str], files: ImportFiles, database: str, report: Path,
                   memory: str = DEFAULT_MEMORY) -> list[str]:
    """The full neo4j-admin command line (arguments, no shell). `memory` is the importer's
    off-heap budget: its default, 90% of the *free* memory, is a few hundred MB on a machine
    whose memory the page cache holds, and the import then fails at once."""
    if not _MEMORY.match(memory):
        raise ValueError(f"{memory!r} is not a memory size (e.g. 2g, 512m, 50%)")
    command = [*admin, "database", "import", "full", check_database_name(database),
               f"--array-delimiter=U+{ord(files.array_delimiter):04X}",
               f"--report-file={report}", f"--max-off-heap-memory={memory}"]
    # Values with a newline (`_search` joins terms with one) need the multi-line reader. Its
    # per-file form (--multiline-fields-format=v2) fails on 5.26.28 once a file outgrows the
    # 4 MB read buffer ("Weird input data, found CR outside a text cell"): v1, every file.
    if any(many for *_rest, many in (*files.nodes, *files.relationships)):
        command.append("--multiline-fields=true")
    for labels, header, data, _many in files.nodes:
        command.append(f"--nodes={':'.join(identifier(x) for x in labels)}={header},{data}")
    for rel_type, header, data, _many in files.relationships:
        command.append(f"--relationships={identifier(rel_type)}={header},{data}")
    if any(arg.startswith("--overwrite-destination") for arg in command):
        raise AssertionError("the import never overwrites a database")
    return command


def shell_line(command: list[str], home: Path) -> str:
    """The command as one line for a shell, with the environment neo4j-admin needs."""
    env = f"NEO4J_HOME={shlex.quote(str(home))}"
    if (home / "conf").is_dir():
        env += f" NEO4J_CONF={shlex.quote(str(home / 'conf'))}"
    return f"{env} {shlex.join(command)}"


def run_import(command: list[str], home: Path, log: Path, store: Path, force: bool) -> None:
    """Run neo4j-admin, its output into `log`; a failure raises with the log's last lines."""
    check_output(log, store=store, inputs=[store], force=force)
    env = {**os.environ, "NEO4J_HOME": str(home)}
    if (home / "conf").is_dir():
        env["NEO4J_CONF"] = str(home / "conf")
    (home / "plugins").mkdir(exist_ok=True)  # the launcher lists it and fails without it
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                              check=False)
    text = log.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0 or "IMPORT DONE" not in text:
        tail = " | ".join(line.strip() for line in text.splitlines()[-6:] if line.strip())
        raise ValueError(f"neo4j-admin import failed (exit {done.returncode}; log {log}): "
                         f"{tail}. The database folder it left is not usable: remove it "
                         "before another attempt")


def set_empty_lists(session: Session, empty_lists: list[dict[str, Any]]) -> int:
    """Write the empty lists the importer could not: a pass over a label for keys the
    incremental path always writes, the named records for the others. Returns the count."""
    total = 0
    for entry in empty_lists:
        key, label = identifier(entry["key"]), identifier(entry["label"])
        ids = entry["ids"]
        if ids is None:
            where = f"x.{key} IS NULL"
            if entry["match"] == "fragment" and key != "sources":
                where += " AND x.src IS NULL"  # aliases and terms: node statements only
            record = session.run(
                f"MATCH (x:{label}) WHERE {where} "
                f"CALL (x) {{ SET x.{key} = [] }} IN TRANSACTIONS OF 10000 ROWS "
                "RETURN count(*)").single()
            total += record[0] if record else 0
            continue
        if entry["match"] == "edge":
            match = (f"UNWIND $ids AS k MATCH (:{ENTITY} {{id: k[0]}})-[x:{label}]->"
                     f"(:{ENTITY} {{id: k[1]}})")
        else:
            target = FRAGMENT if entry["match"] == "fragment" else ENTITY
            match = f"UNWIND $ids AS k MATCH (x:{target} {{id: k}})"
        for start in range(0, len(ids), _FIX_CHUNK):
            chunk = ids[start : start + _FIX_CHUNK]
            session.run(f"{match} SET x.{key} = []", ids=chunk).consume()
            total += len(chunk)
    return total


def write_manifest(files: ImportFiles, path: Path, store: Path, force: bool) -> Path:
    """What `finish` needs after the import (the empty lists), beside the files."""
    check_output(path, store=store, inputs=[store], force=force)
    path.write_bytes(orjson.dumps(files.manifest()))
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data

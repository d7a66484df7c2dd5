"""Hostile input through the CLI: YAML bombs and mistyped mappings, output paths that would
destroy the store or an input, one bad byte in a UTF-8 file, NUL bytes and undecodable bytes in
paths. Each command runs as a subprocess under a memory limit and a timeout, and after every
refused command the store file must be byte-for-byte what it was."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from graph_service.cli.main import run
from graph_service.output_paths import atomic_output
from loaders.reading import detect

REPO = Path(__file__).resolve().parents[1]
SURVEY = REPO / "loaders" / "mappings" / "nc-alpr-agency-survey.yaml"
MEMORY_LIMIT = 1024 * 1024 * 1024  # the alias bombs took 1.5-2.2 GB before the fix
HEADER = "name,type,city,county,company,document_url,notes,cams_confirmed\n"


def cli(*args: str | bytes, cwd: Path | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`survgraph ARGS` in a child limited to MEMORY_LIMIT of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([sys.executable, "-m", "graph_service.cli", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, errors="replace", check=False,
                          timeout=timeout, preexec_fn=limit)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def fingerprint(store: Path) -> dict[str, str]:
    return {suffix: digest(Path(f"{store}{suffix}")) for suffix in ("", "-wal", "-shm")}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded store file, built once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("seeded")
    assert cli("--store", str(folder / "s.db"), "load", "seed").returncode == 0
    return folder / "s.db"


@pytest.fixture
def store(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    copy.write_bytes(seeded.read_bytes())
    return copy


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_text(HEADER + "Wilson NC PD,PD,Wilson,Wilson,Flock Safety,,,\n", encoding="utf-8")
    return path


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """A refusal: exit 2, one short line naming what is wrong, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    error = result.stderr.strip()
    assert "Traceback" not in error and len(error) < 1200, error[:2000]
    assert error.startswith("error:") and "\n" not in error, error
    for word in words:
        assert word in error, (word, error)
    return error


# -- 4. YAML bombs and bounds -----------------------------------------------------------------

def bomb(levels: int = 9) -> str:
    """The billion laughs: each level nine aliases of the one before (9**9 'x' when expanded)."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nnodes: {{v: {{kind: Company, name: *a{levels - 1}}}}}\n"


MAPPING_BOMBS = {
    "alias bomb": (bomb(), "anchors"),
    "merge-key bomb": ("base: &b {kind: Company}\nnodes: {v: {<<: *b, name: '{name}'}}\n",
                       "anchors"),
    "alias to an undefined anchor": ("nodes: {v: *nothing}\n", "aliases"),
    "deep nesting": ("nodes: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "many nodes": ("nodes: {v: {kind: Company, name: '{name}', aliases: ["
                   + ",".join(["x"] * 30_000) + "]}}\n", "YAML nodes"),
    "over the size bound": ("# " + "x" * 300_000 + "\nnodes: {}\n", "larger than 256 KiB"),
    "5,000-digit integer": ("nodes: {v: {kind: Company, name: 1" + "0" * 5000 + "}}\n",
                            "cannot read"),
}


@pytest.mark.parametrize("case", MAPPING_BOMBS)
def test_mapping_bombs_are_refused_quickly_and_in_bounded_memory(
        case: str, store: Path, sheet: Path, tmp_path: Path) -> None:
    text, words = MAPPING_BOMBS[case]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, encoding="utf-8")
    before = fingerprint(store)
    started = time.perf_counter()
    result = cli("--store", str(store), "load", "csv", str(sheet), "--mapping", str(mapping),
                 "--rejects", str(tmp_path / "r.csv"))
    assert time.perf_counter() - started < 20
    refused(result, "m.yaml", words)
    assert fingerprint(store) == before


def test_a_bomb_through_the_graphql_load_mutation_gives_a_short_error(
        store: Path, tmp_path: Path) -> None:
    """The same parser serves the `load` mutation (run in-process by `survgraph query`)."""
    query = ("mutation($c: String!, $m: String!) { load(format: \"csv\", content: $c, "
             "mapping: $m) { rows } }")
    variables = json.dumps({"c": HEADER + "A,PD,B,C,D,,,\n", "m": bomb()})
    before = fingerprint(store)
    started = time.perf_counter()
    result = cli("--store", str(store), "query", query, "--variables", variables)
    assert time.perf_counter() - started < 20
    assert result.returncode == 1, result.stderr[-2000:]
    errors = json.loads(result.stdout)["errors"]
    assert "anchors" in errors[0]["message"] and len(result.stdout) < 3000
    assert fingerprint(store) == before


# -- 8. mistyped mappings --------------------------------------------------------------------

BASE = "nodes: {c: {kind: Company, name: '{company}'}}\n"
MISTYPED = {
    "kind a list": ("nodes: {c: {kind: [Company], name: '{company}'}}\n", "nodes.c.kind"),
    "properties a list": ("nodes: {c: {kind: Company, name: '{company}', properties: [a]}}\n",
                          "nodes.c.properties"),
    "aliases a number": ("nodes: {c: {kind: Company, name: '{company}', aliases: 5}}\n",
                         "nodes.c.aliases"),
    "the mapping a list": ("- nodes\n- edges\n", "not list"),
    "the mapping a number": ("42\n", "not int"),
    "nodes a list": ("nodes: [1, 2]\n", "nodes: expected a YAML mapping"),
    "number for a column": ("required_columns: [5]\n" + BASE, "required_columns[0]"),
    "number for an edge end": (BASE + "edges: [{type: SUPPLIES, from: c, to: 7}]\n",
                               "edges[0].to"),
    "edges a mapping": (BASE + "edges: {type: SUPPLIES}\n", "edges: expected a YAML list"),
    "required not a boolean": ("nodes: {c: {kind: Company, name: x, required: maybe}}\n",
                               "nodes.c.required"),
    "misspelt key": ("nodes: {c: {kind: Company, nmae: '{company}'}}\n", "nodes.c.nmae"),
    "tag vendors a number": ("nodes: {c: {kind: Contract, name: x, tag: {vendors: 5}}}\n",
                             "nodes.c.tag.vendors"),
    "source a string": ("source: hello\n" + BASE, "source"),
    "lone surrogate": ('nodes: {c: {kind: Company, name: "\\uD800"}}\n', "surrogate"),
    "NUL escape": ('nodes: {c: {kind: Company, name: "a\\0b"}}\n', "NUL"),
    "unknown kind, long": ("nodes: {c: {kind: " + "V" * 5000 + ", name: x}}\n", "unknown kind"),
    "no nodes": ("edges: []\n", "nodes: is missing"),
}


@pytest.mark.parametrize("case", MISTYPED)
def test_mistyped_mappings_name_the_file_and_the_path_inside(
        case: str, store: Path, sheet: Path, tmp_path: Path) -> None:
    text, where = MISTYPED[case]
    mapping = tmp_path / "typo.yaml"
    mapping.write_text(text, encoding="utf-8")
    before = fingerprint(store)
    error = refused(cli("--store", str(store), "load", "csv", str(sheet), "--mapping",
                        str(mapping), "--rejects", str(tmp_path / "r.csv")), "typo.yaml", where)
    assert len(error) < 700  # a 5,000-character value is quoted as a short excerpt
    assert fingerprint(store) == before


def test_a_mapping_that_is_not_utf8_is_refused(store: Path, sheet: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "latin.yaml"
    mapping.write_bytes(b"nodes: {c: {kind: Company, name: 'Z\xfcrich'}}\n")
    refused(cli("--store", str(store), "load", "csv", str(sheet), "--mapping", str(mapping)),
            "latin.yaml", "not UTF-8")


# -- 5. output paths --------------------------------------------------------------------------

Command = Callable[[Path, Path, Path], list[str]]  # (store, sheet, tmp_path) -> arguments


def _load(rejects: Callable[[Path, Path, Path], Path], *extra: str) -> Command:
    return lambda db, sheet, tmp: ["--store", str(db), "load", "csv", str(sheet), "--mapping",
                                   str(SURVEY), "--rejects", str(rejects(db, sheet, tmp)), *extra]


def _export(target: Callable[[Path, Path], Path], *extra: str) -> Command:
    return lambda db, sheet, tmp: ["--store", str(db), "export", "-o", str(target(db, tmp)),
                                   *extra]


def _symlink(db: Path, tmp: Path) -> Path:
    (tmp / "link.db").symlink_to(db)
    return tmp / "link.db"


def _hardlink(db: Path, tmp: Path) -> Path:
    os.link(db, tmp / "hard.db")
    return tmp / "hard.db"


def _dotdot(db: Path, tmp: Path) -> Path:
    (tmp / "sub").mkdir()
    return tmp / "sub" / ".." / db.name


def _linked_folder(db: Path, tmp: Path) -> Path:
    (tmp / "alias").symlink_to(db.parent, target_is_directory=True)
    return tmp / "alias" / f"{db.name}-wal"


DESTRUCTIVE: dict[str, tuple[Command, str]] = {
    "load --rejects the store": (_load(lambda db, s, t: db), "it is the store"),
    "load --dry-run --rejects the store, --force": (
        _load(lambda db, s, t: db, "--dry-run", "--force"), "it is the store"),
    "load --rejects the store's -wal": (_load(lambda db, s, t: Path(f"{db}-wal")),
                                        "it is the store"),
    "load --rejects the input, --force": (_load(lambda db, s, t: s, "--force"),
                                          "input of this command"),
    "load --rejects the mapping": (_load(lambda db, s, t: SURVEY), "input of this command"),
    "export -o the store": (_export(lambda db, t: db), "it is the store"),
    "export -o a symlink to the store, --force": (_export(_symlink, "--force"), "it is the store"),
    "export -o a hard link to the store, --force": (_export(_hardlink, "--force"),
                                                    "it is the store"),
    "export -o sub/../store": (_export(_dotdot, "--force"), "it is the store"),
    "export -o the -wal through a linked folder": (_export(_linked_folder, "--force"),
                                                   "it is the store"),
    "map overview -o the store, --force": (
        lambda db, s, t: ["--store", str(db), "map", "overview", "-o", str(db), "--force"],
        "it is the store"),
    "map ego -o the store": (
        lambda db, s, t: ["--store", str(db), "map", "ego", "company:microsoft", "-o", str(db)],
        "it is the store"),
    "schema generate -o the store, --force": (
        lambda db, s, t: ["--store", str(db), "schema", "generate", "-o", str(db), "--force"],
        "it is the store"),
    "bench load --workdir holding the store as bench.db, --force": (
        lambda db, s, t: ["--store", str(db.rename(db.with_name("bench.db"))), "bench", "load",
                          "--rows", "10", "--workdir", str(db.parent), "--force"],
        "it is the store"),
}


@pytest.mark.parametrize("case", DESTRUCTIVE)
def test_outputs_never_replace_the_store_or_an_input(
        case: str, store: Path, sheet: Path, tmp_path: Path) -> None:
    command, why = DESTRUCTIVE[case]
    args = command(store, sheet, tmp_path)
    db = Path(args[1])  # the bench case renames the store first
    before, sheet_before, mapping_before = fingerprint(db), digest(sheet), digest(SURVEY)
    refused(cli(*args), why)
    assert fingerprint(db) == before
    assert digest(sheet) == sheet_before and digest(SURVEY) == mapping_before
    stats = cli("--store", str(db), "stats", "--json")
    assert json.loads(stats.stdout)["nodes"]["Company"] > 0


def test_an_existing_file_is_replaced_only_with_force(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("precious\n")
    refused(cli("--store", str(store), "export", "-o", str(out)), "exists", "--force")
    assert out.read_text() == "precious\n"
    html = tmp_path / "keep.html"
    html.write_text("precious\n")
    refused(cli("--store", str(store), "map", "overview", "-o", str(html)), "exists")
    assert html.read_text() == "precious\n"
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "synthetic-20.html").write_text("precious\n")
    refused(cli("bench", "map", "--nodes", "20", "--no-naive", "--no-browser", "--keep",
                str(folder)), "exists")
    assert (folder / "synthetic-20.html").read_text() == "precious\n"
    assert cli("--store", str(store), "export", "-o", str(out), "--force").returncode == 0
    assert out.read_text().startswith('{"')
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_the_default_rejects_file_is_not_overwritten(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Wilson NC PD,PD,Wilson,Wilson,Flock Safety,,,\n,PD,,,,,,\n")
    first = cli("--store", str(store), "load", "csv", str(bad), "--mapping", str(SURVEY),
                cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    rejects = tmp_path / "survgraph-rejects.csv"
    kept = rejects.read_text()
    assert "bad.csv,3,name" in kept
    before = fingerprint(store)
    again = cli("--store", str(store), "load", "csv", str(bad), "--mapping", str(SURVEY),
                cwd=tmp_path)
    refused(again, "survgraph-rejects.csv", "exists")
    assert rejects.read_text() == kept and fingerprint(store) == before


def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_text("half a fi")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


# -- 7. one bad byte --------------------------------------------------------------------------

def test_one_bad_byte_rejects_its_row_and_the_rest_stays_utf8(
        store: Path, tmp_path: Path) -> None:
    path = tmp_path / "umlaut.csv"
    path.write_bytes((HEADER + "Zürich PD,PD,Zürich,Wake,Zürich Überwachung AG,,,\n"
                      "Bern PD,PD,Bern,Wake,Überwachung Bern AG,,,\n").encode()
                     + b"Bad \xfc PD,PD,X,Wake,Acme,,,\n"
                     + "Genève PD,PD,Genève,Wake,Zürich Überwachung AG,,,\n".encode())
    rejects = tmp_path / "rejects.csv"
    result = cli("--store", str(store), "load", "csv", str(path), "--mapping", str(SURVEY),
                 "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    assert "utf-8, 1 invalid byte" in result.stderr
    assert rejects.read_text().splitlines()[1:] == [
        f"{path},4,name,invalid UTF-8 (byte 0xFC); the rest of the file is UTF-8"]
    export = tmp_path / "e.jsonl"
    assert cli("--store", str(store), "export", "-o", str(export)).returncode == 0
    text = export.read_text(encoding="utf-8")
    assert "Zürich Überwachung AG" in text and "Genève PD" in text
    assert "Ã" not in text and "\ufffd" not in text
    companies = [json.loads(line) for line in text.splitlines()]
    assert sum(1 for r in companies if r.get("name") == "Zürich Überwachung AG") == 1


def test_a_plainly_cp1252_file_is_read_as_cp1252(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "München PD,PD,München,Wake,Überwachung GmbH,,,\n")
                     .encode("cp1252"))
    result = cli("--store", str(store), "load", "csv", str(path), "--mapping", str(SURVEY),
                 "--rejects", str(tmp_path / "r.csv"))
    assert result.returncode == 0 and "cp1252 (not UTF-8)" in result.stderr, result.stderr
    export = tmp_path / "e.jsonl"
    cli("--store", str(store), "export", "-o", str(export))
    assert "Überwachung GmbH" in export.read_text(encoding="utf-8")


def test_a_bad_byte_in_json_lines_rejects_that_line(store: Path, tmp_path: Path) -> None:
    lines = [json.dumps({"record": "node", "id": f"company:{n}", "kind": "Company",
                         "name": name}, ensure_ascii=False).encode()
             for n, name in (("a", "Zürich AG"), ("b", "Bern AG"))]
    lines.insert(1, b'{"record": "node", "id": "company:c", "kind": "Company", "name": "\xe9"}')
    path = tmp_path / "g.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rejects = tmp_path / "r.csv"
    result = cli("--store", str(store), "load", "graph", str(path), "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    assert rejects.read_text().splitlines()[1].startswith(f"{path},2,(line),invalid UTF-8")


def test_detection_survives_chunk_boundaries(tmp_path: Path) -> None:
    """A multi-byte character split across the 1 MiB read boundary is not an invalid byte;
    one bad byte far from the only valid sequence still means UTF-8."""
    split = tmp_path / "split.csv"
    split.write_bytes(b"a" * ((1 << 20) - 1) + "ü".encode() + b"\n")
    assert detect(split)[1].codec == "utf-8-sig" and detect(split)[1].invalid_bytes == 0
    far = tmp_path / "far.csv"
    far.write_bytes(b"\xfc" + b"a" * (3 << 20) + "é".encode())
    assert detect(far)[1].invalid_bytes == 1
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"caf\xe9\n" * 1000)
    assert detect(latin)[1].codec == "cp1252"


# -- 8. every error is one line ---------------------------------------------------------------

def test_a_nul_byte_in_a_path_is_a_clear_error(
        store: Path, sheet: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """argv cannot carry NUL, so the entry point is called in-process with one."""
    cases = [
        ["load", "csv", f"{sheet}\x00.csv", "--mapping", str(SURVEY)],
        ["load", "csv", str(sheet), "--mapping", f"{SURVEY}\x00"],
        ["export", "-o", f"{store.parent}/out\x00.jsonl"],
    ]
    before = fingerprint(store)
    for args in cases:
        monkeypatch.setattr(sys, "argv", ["survgraph", "--store", str(store), *args])
        with pytest.raises(SystemExit) as exit_info:
            run()
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        # Typer's own usage error ("embedded null byte") or ours ("contains a NUL byte").
        assert "nul" in error.lower() and "Traceback" not in error, error
    assert fingerprint(store) == before


def test_undecodable_bytes_in_paths_are_a_clear_error(
        store: Path, sheet: Path, tmp_path: Path) -> None:
    before = fingerprint(store)
    out = os.fsencode(tmp_path) + b"/out\xff.jsonl"
    refused(cli("--store", str(store), "export", "-o", out), "not valid UTF-8")
    assert not os.path.exists(out)
    refused(cli("--store", str(store), "load", "csv", os.fsencode(sheet) + b"\xfe",
                "--mapping", str(SURVEY)), "not valid UTF-8")
    assert fingerprint(store) == before


def test_an_unexpected_error_is_one_short_line_and_exit_1(tmp_path: Path) -> None:
    program = ("import sys; from graph_service.cli.main import app, run\n"
               "@app.command('boom')\n"
               "def boom() -> None:\n"
               "    raise KeyError('x' * 100000)\n"
               "sys.argv = ['survgraph', 'boom']; run()\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=False, cwd=REPO, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error (KeyError)" in result.stderr
    assert len(result.stderr) < 1000


def test_load_demo_does_not_trip_over_an_old_rejects_file(tmp_path: Path) -> None:
    """`make run` loads the demo on every start: an earlier load's rejects file must not stop it,
    nor be touched by it."""
    old = tmp_path / "survgraph-rejects.csv"
    old.write_text("file,row,field,reason\nx.csv,2,name,is blank\n")
    result = cli("--store", str(tmp_path / "d.db"), "load", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert old.read_text() == "file,row,field,reason\nx.csv,2,name,is blank\n"

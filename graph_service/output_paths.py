"""Every file a command writes goes through here, so that no output can destroy data.

A path is refused (OutputRefused, a ValueError naming the path and why) when it is, or reaches
through symlinks, hard links, relative parts or `..`, the embedded store file or its
-wal/-shm/-journal siblings, or an input of the same command: those are refused even with
--force. An existing file is refused unless --force. The file is then written under a
temporary name in the same folder and renamed into place at the end (`atomic_output`), so a
failure midway leaves the old file as it was and a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

STORE_SIBLINGS = ("", "-wal", "-shm", "-journal")
_UMASK = os.umask(0)
os.umask(_UMASK)  # read once: new files get the usual permissions, not mkstemp's 0600


class OutputRefused(ValueError):
    """A path the command will not write (or read): the message names it and says why."""

    def __init__(self, path: Path | str, why: str, action: str = "write") -> None:
        super().__init__(f"cannot {action} {shown(path)}: {why}")
        self.path = path


def shown(path: Path | str) -> str:
    """A path as printable text: undecodable bytes and control characters escaped."""
    text = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
    return repr(text)[1:-1] if not text.isprintable() else text


def check_path_text(path: Path | str, what: str = "path") -> None:
    """A path must be plain text: no NUL byte, no byte that is not UTF-8 (a lone surrogate)."""
    text = str(path)
    if "\x00" in text:
        raise OutputRefused(path, f"the {what} contains a NUL byte", "use")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OutputRefused(path, f"the {what} is not valid UTF-8 text ({exc.reason})",
                            "use") from exc


def _same(a: Path, b: Path) -> bool:
    """Do two paths name one file: after resolving symlinks and `..`, or by inode (hard links)?"""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise OutputRefused(a, f"it cannot be resolved ({exc})") from exc
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def store_files(store: Path | None) -> list[Path]:
    """The embedded store's file and the siblings SQLite writes next to it."""
    return [] if store is None else [Path(f"{store}{suffix}") for suffix in STORE_SIBLINGS]


def check_output(path: Path, *, store: Path | None, inputs: Sequence[Path] = (),
                 force: bool = False) -> Path:
    """Refuse an output path that would destroy data; return it when it is safe to write."""
    check_path_text(path, "output path")
    for source in inputs:
        check_path_text(source, "input path")
    for protected in store_files(store):
        if _same(path, protected):
            raise OutputRefused(path, f"it is the store ({shown(protected)}); never overwritten, "
                                "even with --force")
    for source in inputs:
        if _same(path, source):
            raise OutputRefused(path, f"it is an input of this command ({shown(source)}); "
                                "never overwritten, even with --force")
    if path.is_dir():
        raise OutputRefused(path, "it is a folder, not a file")
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputRefused(path, "the file exists; pass --force to replace it")
    return path


@contextmanager
def atomic_output(path: Path, keep_empty: bool = True) -> Iterator[Path]:
    """A temporary file next to `path`, renamed onto it when the block ends without error (and,
    with keep_empty=False, only if something was written); removed otherwise. Missing folders
    are made, as the writers always did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)
        yield temporary
        if keep_empty or temporary.stat().st_size > 0:
            os.replace(temporary, path)  # atomic; replaces a symlink itself, not its target
    finally:
        temporary.unlink(missing_ok=True)

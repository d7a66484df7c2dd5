"""How an input file's bytes become text.

One bad byte must not decide the encoding of a whole file: a UTF-8 file with a stray invalid
byte is still read as UTF-8, and only the rows holding such bytes are rejected ("invalid
UTF-8"). cp1252 (what spreadsheets on Windows write) is chosen only when the file is plainly
not UTF-8: some bytes are invalid and not one valid multi-byte UTF-8 sequence occurs.

Invalid bytes of a file read as UTF-8 are decoded with `surrogateescape`, so each shows as a
lone surrogate (U+DC80..U+DCFF) that the readers find and reject row by row; valid UTF-8 never
decodes to such a character.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ESCAPED = re.compile("[\udc80-\udcff]")  # an invalid byte, as surrogateescape decodes it
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character from a valid sequence
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Encoding:
    """How to read one file, and what the load summary says about it."""

    codec: str
    invalid_bytes: int = 0  # bytes that are not UTF-8 in a file read as UTF-8
    bom: bool = False

    @property
    def errors(self) -> str:
        """The decoding error handler: invalid bytes of a UTF-8 file stay findable."""
        return "surrogateescape" if self.invalid_bytes else "replace"

    @property
    def label(self) -> str:
        if self.codec == "cp1252":
            return "cp1252 (not UTF-8)"
        name = "utf-8" if self.codec.startswith("utf-8") else self.codec
        if self.bom:
            name += " (BOM)"
        if self.invalid_bytes:
            name += f", {self.invalid_bytes:,} invalid byte(s)"
        return name


def detect(path: Path) -> tuple[str, Encoding]:
    """sha256 of the file's bytes, and how to read them (one pass, bounded memory)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    invalid = 0
    multibyte = False
    bom_codec: str | None = None
    utf8_bom = False
    first = True
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if first:
                first = False
                bom_codec = next((name for bom, name in _BOMS if chunk.startswith(bom)), None)
                utf8_bom = chunk.startswith(codecs.BOM_UTF8)
            if bom_codec is not None:
                continue
            text = decoder.decode(chunk)
            if not text.isascii():
                invalid += len(_ESCAPED.findall(text))
                multibyte = multibyte or _MULTIBYTE.search(text) is not None
    if bom_codec is not None:
        return digest.hexdigest(), Encoding(bom_codec, bom=True)
    invalid += len(_ESCAPED.findall(decoder.decode(b"", final=True)))
    if first:  # an empty file
        return digest.hexdigest(), Encoding("utf-8-sig")
    if invalid and not multibyte:
        return digest.hexdigest(), Encoding("cp1252")
    return digest.hexdigest(), Encoding("utf-8-sig", invalid, bom=utf8_bom)


def invalid_cell(cells: list[str]) -> int | None:
    """Index of the first cell holding an invalid byte, or None."""
    for index, cell in enumerate(cells):
        if not cell.isascii() and _ESCAPED.search(cell):
            return index
    return None


def has_invalid(text: str) -> bool:
    return not text.isascii() and _ESCAPED.search(text) is not None


def invalid_where(value: Any, where: str = "(record)") -> str | None:
    """The key path of the first string holding an invalid byte in a JSON value, or None."""
    if isinstance(value, str):
        return where if has_invalid(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = invalid_where(key, where) or invalid_where(item, clean(str(key)))
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = invalid_where(item, where)
            if found:
                return found
    return None


def clean(text: str) -> str:
    """The text with each invalid byte shown as U+FFFD (for headers and messages)."""
    return _ESCAPED.sub("\ufffd", text) if not text.isascii() else text


def invalid_reason(text: str) -> str:
    """The reject reason for a value holding an invalid byte: which byte, not the value."""
    found = _ESCAPED.search(text)
    byte = f" (byte 0x{ord(found.group()) - 0xDC00:02X})" if found else ""
    return f"invalid UTF-8{byte}; the rest of the file is UTF-8"

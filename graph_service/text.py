"""Text folding shared by search, ids and entity resolution."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for search: 'Sécurité  Inc.' -> 'securite inc.'"""
    if text.isascii():  # the common case, same result: ASCII has no accents to decompose
        lower = text.lower()
        if lower.isprintable() and "  " not in lower:  # its only white space: single spaces
            return lower.strip()
        return _SPACES.sub(" ", lower).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def slugify(text: str) -> str:
    """'Foley Hoag LLP' -> 'foley-hoag-llp' (the part of an id after its prefix)."""
    return _NON_WORD.sub("-", fold(text)).strip("-") or "unnamed"


EXCERPT = 200  # characters of a user's value an error message may quote


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """repr of a value, cut to `limit` characters: an error never quotes a huge value whole."""
    text = repr(value) if not isinstance(value, str) or len(value) <= limit * 4 else \
        repr(value[: limit * 4])
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"

"""Company-name normalization and readable id slugs.

`normalize_name` is the key companies are matched on by name. Today's rules come first (case,
accents, punctuation, "&" reads "and", "L.L.C." is "llc", a leading/trailing "the"); then legal
forms are stripped from the END of the name only: the US forms listed here and the legal-form
table of many countries maintained by OpenSanctions in `rigour` (GmbH, S.A.S., S.r.l.,
Aktiengesellschaft, & Co. KG, S.p.A., Oy, AB, ...). Names in other scripts are transliterated
(rigour/normality), so a Cyrillic or Chinese vendor gets a readable id instead of a hash.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from rigour.names.org_types import extract_org_types
from rigour.text.translit import ascii_text

from graph_service.text import slugify

# Legal-form words dropped from the end of a company name (after punctuation is removed, so
# "L.L.C." is "llc" and "Co." is "co"). rigour's table leaves out the bare English words
# (corp, co, company) and the Japanese K.K. on purpose; a company name needs them gone.
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "llp", "lp", "lc", "pllc", "ltd", "limited", "corp",
    "corporation", "co", "company", "plc", "pc", "gmbh", "ag", "sa", "nv", "bv", "lllp",
    "kk", "kabushiki kaisha", "kabushikigaisha", "gk", "yk", "sp z oo", "a s",
    # Chinese forms as transliterated: 有限公司, 股份有限公司, 有限责任公司.
    "you xian gong si", "gu fen you xian gong si", "you xian ze ren gong si",
})
_SIZES_BY_LAST: dict[str, tuple[int, ...]] = {}  # last word -> form lengths, longest first
for _form in sorted(LEGAL_SUFFIXES, key=lambda f: -len(f.split())):
    _SIZES_BY_LAST[_form.split()[-1]] = (*_SIZES_BY_LAST.get(_form.split()[-1], ()),
                                         len(_form.split()))
_TAIL_WORDS = 8
# Forms that are also ordinary last words of US vendor names ("Day Spa", "Plug In", "Fund II"):
# stripped only when the name spells them as dotted initials ("Leonardo S.p.A.").
_KEPT_WORDS = frozenset({"spa", "as", "sc", "se", "cv", "og", "ks", "ps", "ep", "ei", "eg",
                         "in", "ii", "pt", "ug", "ev", "ek", "me", "ad", "dd"})
# Connectives no name ends in, left dangling by a form ("Smith & Co. KG") or a clerk
# ("COTTAGE GROVE, CITY OF").
_DANGLING = frozenset({"and", "the", "of"})
_DOTTED_TAIL = re.compile(r"((?:[^\W\d_]\.\s*){2,})[\W_]*$")

# ASCII folding in one C-level pass: periods and apostrophes vanish, '&' reads "and", every other
# punctuation mark separates words.
_ASCII_FOLD: dict[int, str | None] = {i: " " for i in range(128) if not chr(i).isalnum()}
_ASCII_FOLD.update({ord("."): None, ord("'"): None})
_ASCII_FOLD[ord("&")] = " and "
_ASCII_TABLE = str.maketrans(_ASCII_FOLD)


def to_ascii(text: str) -> str:
    """Latin accents folded, other scripts transliterated: 'Газпром' -> 'Gazprom'. Text that
    is already ASCII comes back unchanged (most names, and the fast path)."""
    if text.isascii():
        return text
    # NFKC first so full-width and ligature forms ('Ｆｕｌｌ', 'ﬁ') read as plain letters.
    return ascii_text(unicodedata.normalize("NFKC", text))


def _fold_words(text: str) -> list[str]:
    return to_ascii(text).lower().translate(_ASCII_TABLE).split()


def _dotted(name: str) -> str:
    """The dotted initials a name ends with: 'Leonardo S.p.A.' -> 'spa' ('' when none)."""
    found = _DOTTED_TAIL.search(name) if "." in name else None
    return "".join(_fold_words(found.group(1))) if found else ""


def _legal_form_at_end(words: list[str], dotted: str) -> int:
    """How many trailing words are one legal form (0 when the name does not end in one)."""
    for size in _SIZES_BY_LAST.get(words[-1], ()):
        if size < len(words) and " ".join(words[-size:]) in LEGAL_SUFFIXES:
            return size
    # rigour sees only the last words (no form is longer): shorter scans, same answers at the end.
    text = " ".join(words[-_TAIL_WORDS:])
    best = 0
    for matched, _form in extract_org_types(text):
        size = len(matched.split())
        if text.endswith(" " + matched) and size < len(words) and (
                matched not in _KEPT_WORDS or matched == dotted):
            best = max(best, size)
    return best


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """'West Publishing Corp.' -> 'west publishing'; 'UNIVERSITY OF IOWA, THE' -> 'university of
    iowa'; 'Siemens Aktiengesellschaft' -> 'siemens'; 'ООО Газпром' -> 'ooo gazprom'. One word
    always stays. Idempotent: normalize_name(normalize_name(x)) == normalize_name(x)."""
    words = _fold_words(name)
    dotted = _dotted(name)
    while len(words) > 1:
        if words[0] == "the":
            words.pop(0)
        elif words[-1] in _DANGLING:
            words.pop()
        elif size := _legal_form_at_end(words, dotted):
            del words[-size:]
            dotted = ""  # only the very last form can be the dotted one
        else:
            break
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def entity_slug(text: str) -> str:
    """A slug for an id: 'Foley Hoag LLP' -> 'foley-hoag-llp', 'Газпром' -> 'gazprom',
    '华为' -> 'hua-wei'. A hash only when transliteration leaves no letter or digit at all."""
    slug = slugify(to_ascii(text))
    if slug == "unnamed" and text.strip():
        return "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return slug

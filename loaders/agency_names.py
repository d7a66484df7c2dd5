"""Local agency names: the key the same police department or sheriff's office is matched on
across sources, and the state a name carries.

The Atlas writes "Greensboro Police Department" with the state in its own column; the nc-alpr
files write "Greensboro NC PD". The key expands the abbreviations sources use (PD, SO, Co.,
Dept ...) and drops the state's code from the name when the state is known apart, so both read
"greensboro police department" and the state becomes an identifying value of its own (a
conflicting state keeps Springfield IL PD and Springfield MO PD apart: schema/model.yaml).
"""

from __future__ import annotations

import re

from loaders.catalogs import name_key

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split())

# Words of a folded name (loaders.catalogs.name_key: "Sheriff's" is already "sheriff") and what
# they stand for. Only abbreviations no agency name uses as a word of its own.
_EXPANSIONS = {
    "pd": "police department", "so": "sheriff office", "sheriffs": "sheriff",
    "co": "county", "cnty": "county", "dept": "department", "dpt": "department",
    "twp": "township", "univ": "university", "hwy": "highway", "mt": "mount",
    "ste": "sainte", "ft": "fort",
}
# A state code standing alone in a name ("Wilson NC PD", "Centralia PD (WA)"): capitals only,
# so the words "in", "or", "me" of a name are never read as Indiana, Oregon, Maine.
_CODE = re.compile(r"(?<![\w'])\(?([A-Z]{2})\)?(?![\w'])")
# "Town of Milton Police Department" is the Milton Police Department.
_PLACE_PREFIX = ("city of ", "town of ", "village of ")


def state_in_name(name: str) -> str | None:
    """The state code a name carries, its last one: 'Wilson NC PD' -> 'NC', 'Cal Fire' -> None."""
    found = [code for code in _CODE.findall(name) if code in US_STATES]
    return found[-1] if found else None


def agency_key(name: str, state: str | None = None) -> str:
    """'Greensboro NC PD' (NC) -> 'greensboro police department'; "Wake Co. SO" -> 'wake county
    sheriff office'. Without a state the name is kept whole but for its abbreviations."""
    if state:
        code = state.strip().upper()
        name = _CODE.sub(lambda m: " " if m.group(1) == code else m.group(0), name)
    words = [_EXPANSIONS.get(w, w) for w in name_key(name).split()]
    key = " ".join(words)
    for prefix in _PLACE_PREFIX:
        if key.startswith(prefix) and len(key.split()) > 3:
            key = key[len(prefix):]
    return key or name_key(name)

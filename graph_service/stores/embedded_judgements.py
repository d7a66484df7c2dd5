"""The embedded store's judgements: a `judgements` table (who, why, when) and the identity rows
each adds (graph_service/judgements.py), then the touched components re-resolved."""

from __future__ import annotations

import sqlite3

import orjson

from graph_service.domain_model import DomainModel
from graph_service.judgements import Judgement, judgement_rows, name_rows
from graph_service.stores.embedded_view import refresh


def judge(db: sqlite3.Connection, model: DomainModel, j: Judgement) -> None:
    """Record a judgement and apply its rows. Judging a pair again replaces the old verdict."""
    for old in list_judgements(db):
        if {old.a, old.b} == {j.a, j.b} and old.id != j.id:
            retract(db, model, old.id)
    body = orjson.dumps(j.to_dict(), option=orjson.OPT_SORT_KEYS).decode("utf-8")
    db.execute("INSERT OR REPLACE INTO judgements VALUES (?, ?)", [j.id, body])
    db.executemany("INSERT OR IGNORE INTO identity VALUES (?,?,?,?,?)",
                   [*judgement_rows(j), *name_rows(model, j)])
    refresh(db, model, {j.a: j.kind, j.b: j.kind})


def retract(db: sqlite3.Connection, model: DomainModel, judgement_id: str) -> Judgement | None:
    """Delete a judgement and exactly its rows; the view returns to what it was without it."""
    row = db.execute("SELECT body FROM judgements WHERE id = ?", [judgement_id]).fetchone()
    if row is None:
        return None
    j = Judgement.from_dict(orjson.loads(row[0]))
    # Every member of the entity the judgement made is re-resolved: without its rows they
    # may no longer be reachable from the two ids it named.
    members = dict(db.execute(
        "SELECT entity, kind FROM canon WHERE canonical IN "
        "(SELECT canonical FROM canon WHERE entity IN (?, ?))", [j.a, j.b]).fetchall())
    members.update({j.a: j.kind, j.b: j.kind})
    db.execute("DELETE FROM judgements WHERE id = ?", [j.id])
    db.executemany("DELETE FROM identity WHERE entity = ? AND prop = ? AND value = ?",
                   [(e, prop, value) for e, _kind, prop, value, _key in judgement_rows(j)])
    # An id named only by judgements (never loaded) keeps its name row while another
    # judgement names it, and leaves no trace once none does.
    for entity, _kind, prop, value, _key in name_rows(model, j):
        db.execute("""
            DELETE FROM identity WHERE entity = ? AND prop = ? AND value = ?
            AND NOT EXISTS (SELECT 1 FROM fragments WHERE entity = ? AND is_edge = 0)
            AND NOT EXISTS (SELECT 1 FROM identity WHERE entity = ? AND prop != ?)""",
                   [entity, prop, value, entity, entity, prop])
    refresh(db, model, members)
    db.executemany("""
        DELETE FROM canon WHERE entity = ?
        AND NOT EXISTS (SELECT 1 FROM fragments WHERE entity = ? AND is_edge = 0)
        AND NOT EXISTS (SELECT 1 FROM identity WHERE entity = ?)""",
                   [(e, e, e) for e in (j.a, j.b)])
    return j


def list_judgements(db: sqlite3.Connection) -> list[Judgement]:
    return [Judgement.from_dict(orjson.loads(body))
            for (body,) in db.execute("SELECT body FROM judgements ORDER BY id")]

"""`survgraph dedupe | merge | keep-apart | unsure | split | judgements`: duplicate candidates
and the analyst's identity judgements (graph_service/judgements.py)."""

from __future__ import annotations

import json

import typer
from rich.markup import escape

from graph_service.cli.common import console, opened_store
from graph_service.judgements import make_judgement

WHY = typer.Option(..., "--why", help="The reason, shown in provenance ('merged because ...').")
WHO = typer.Option("analyst", "--who", help="Who judged.")


def _judge(verdict: str, a: str, b: str, why: str, who: str) -> None:
    with opened_store() as store:
        try:
            judgement = make_judgement(store.model, verdict, a, b, why, who)
        except ValueError as exc:
            console.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        store.judge(judgement)
    console.print(f"{judgement.id}: {verdict} {a} {b}")


def register(app: typer.Typer) -> None:
    @app.command("merge")
    def merge(a: str, b: str, why: str = WHY, who: str = WHO) -> None:
        """Judge two ids one entity (reversible: `survgraph split`)."""
        _judge("same", a, b, why, who)

    @app.command("keep-apart")
    def keep_apart(a: str, b: str, why: str = WHY, who: str = WHO) -> None:
        """Judge two ids not the same: no identifier or name will join them."""
        _judge("different", a, b, why, who)

    @app.command("unsure")
    def unsure(a: str, b: str, why: str = WHY, who: str = WHO) -> None:
        """Record that a candidate pair was looked at and left open (changes no entity)."""
        _judge("unsure", a, b, why, who)

    @app.command("split")
    def split(target: str = typer.Argument(..., help="A judgement id, or an entity id: "
                                           "every judgement naming it is retracted.")) -> None:
        """Retract judgements: the view returns to what it was without them."""
        with opened_store() as store:
            ids = [j.id for j in store.judgements() if target in (j.id, j.a, j.b)]
            for judgement_id in ids:
                store.retract_judgement(judgement_id)
        if not ids:
            console.print(f"[red]error:[/red] no judgement is or names {escape(target)}")
            raise typer.Exit(1)
        console.print(f"retracted {len(ids)} judgement(s): {', '.join(ids)}")

    @app.command("judgements")
    def judgements(as_json: bool = typer.Option(False, "--json")) -> None:
        """Every recorded judgement: who, why, when."""
        with opened_store() as store:
            found = store.judgements()
        if as_json:
            print(json.dumps([j.to_dict() for j in found], indent=2))
            return
        for j in found:
            console.print(escape(f"{j.id} {j.verdict} {j.a} {j.b}: {j.why} ({j.who}, {j.when})"))

    @app.command("dedupe")
    def dedupe(
        kind: list[str] = typer.Option(["Company", "Agency"], "--kind"),
        min_score: float = typer.Option(85.0, "--min-score"),
        limit: int = typer.Option(50, "--limit"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Likely duplicates, each with its score and reasons. Nothing is merged: accept one
        with `survgraph merge A B --why ...`."""
        from loaders.dedupe import candidates

        with opened_store() as store:
            found = candidates(store, tuple(kind), min_score)[:limit]
        if as_json:
            print(json.dumps([{"a": c.a, "b": c.b, "kind": c.kind, "score": c.score,
                               "reasons": list(c.reasons)} for c in found], indent=2))
            return
        for c in found:
            console.print(escape(f"{c.score:5.1f} {c.a}  {c.b}: {'; '.join(c.reasons)}"))

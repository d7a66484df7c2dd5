"""Identity judgements over GraphQL (need an API key, as every write): merge, keep apart,
leave unsure, split (retract); the recorded judgements are `judgements` on the query side."""

from __future__ import annotations

import asyncio

import strawberry

from graph_service.api.context import ApiError, context_of, require_writer
from graph_service.api.types import MODEL, Info
from graph_service.judgements import Judgement, make_judgement


@strawberry.type(name="Judgement", description="An analyst's judgement about two ids")
class JudgementType:
    id: strawberry.ID
    verdict: str = strawberry.field(description="same, different or unsure")
    a: strawberry.ID
    b: strawberry.ID
    kind: str
    why: str
    who: str
    when: str

    @staticmethod
    def of(j: Judgement) -> JudgementType:
        return JudgementType(id=strawberry.ID(j.id), verdict=j.verdict, a=strawberry.ID(j.a),
                             b=strawberry.ID(j.b), kind=j.kind, why=j.why, who=j.who,
                             when=j.when)


async def _judge(info: Info, verdict: str, a: str, b: str, why: str, who: str
                 ) -> JudgementType:
    require_writer(info)
    try:
        judgement = make_judgement(MODEL, verdict, a, b, why, who)
    except ValueError as exc:
        raise ApiError(str(exc)) from exc
    await asyncio.to_thread(context_of(info).store.judge, judgement)
    return JudgementType.of(judgement)


@strawberry.type
class JudgementMutation:
    @strawberry.mutation(description="Judge two ids one entity (needs an API key)")
    async def merge(self, info: Info, a: strawberry.ID, b: strawberry.ID, why: str,
                    who: str = "analyst") -> JudgementType:
        return await _judge(info, "same", str(a), str(b), why, who)

    @strawberry.mutation(description="Judge two ids not the same (needs an API key)")
    async def keep_apart(self, info: Info, a: strawberry.ID, b: strawberry.ID, why: str,
                         who: str = "analyst") -> JudgementType:
        return await _judge(info, "different", str(a), str(b), why, who)

    @strawberry.mutation(description="Record a pair left open (needs an API key)")
    async def leave_unsure(self, info: Info, a: strawberry.ID, b: strawberry.ID, why: str,
                           who: str = "analyst") -> JudgementType:
        return await _judge(info, "unsure", str(a), str(b), why, who)

    @strawberry.mutation(description="Retract judgements: a judgement id, or every judgement "
                         "naming an entity id (needs an API key)")
    async def split(self, info: Info, id: strawberry.ID) -> list[JudgementType]:
        require_writer(info)
        store = context_of(info).store
        target = str(id)

        def run() -> list[Judgement]:
            found = [j for j in store.judgements() if target in (j.id, j.a, j.b)]
            return [r for j in found if (r := store.retract_judgement(j.id)) is not None]

        return [JudgementType.of(j) for j in await asyncio.to_thread(run)]

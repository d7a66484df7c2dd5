"""Store selection: a file path means the embedded store; bolt:// or neo4j:// means Neo4j."""

from __future__ import annotations

from graph_service.config import Settings, get_settings
from graph_service.stores.base import GraphStore, StoreUnavailable

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def is_neo4j_url(location: str) -> bool:
    return location.startswith(NEO4J_SCHEMES)


def open_store(location: str | None = None, settings: Settings | None = None) -> GraphStore:
    settings = settings or get_settings()
    target = location or settings.store
    if is_neo4j_url(target):
        from graph_service.stores.neo4j_store import Neo4jStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        return Neo4jStore(
            target, user=settings.neo4j_user, password=password, database=settings.neo4j_database
        )
    if "://" in target:
        raise ValueError(f"unsupported store URL {target!r}: use a file path or bolt:// neo4j://")
    from graph_service.stores.embedded import EmbeddedStore

    return EmbeddedStore(target)


__all__ = ["GraphStore", "StoreUnavailable", "is_neo4j_url", "open_store"]

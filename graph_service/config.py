"""Configuration from the environment (SURVGRAPH_*) or a .env file, via pydantic-settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = Path("~/.local/share/survgraph/survgraph.db").expanduser()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SURVGRAPH_", env_file=".env", extra="ignore")

    store: str = Field(
        default=str(DEFAULT_STORE),
        description="A file path (embedded store) or a bolt:// / neo4j:// URL (Neo4j).",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: list[SecretStr] = Field(default_factory=list, description="Keys allowed to write")
    read_requires_key: bool = Field(default=False, description="Reads need an API key too")
    cors_origins: list[str] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(default_factory=list, description="Host header names "
                                     "answered ('*': any). Empty: on a loopback address only "
                                     "loopback names (DNS rebinding), elsewhere any")
    introspection: bool = True
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_first: int = 1000
    max_query_cost: int = Field(default=2_000_000, description="Refused above: a field counts "
                                "1, times the `first` of every list around it (query_cost.py)")
    query_timeout_seconds: float = 20.0
    max_body_bytes: int = 5_000_000
    max_response_bytes: int = Field(default=20_000_000, description="Answers larger refused")
    max_search_chars: int = Field(default=1000, description="Longest search / filter text")


def get_settings() -> Settings:
    return Settings()

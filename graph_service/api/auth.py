"""API keys for writes: `Authorization: Bearer <key>` against Settings.api_keys.

Keys are compared in constant time (hmac.compare_digest, against every configured key) and
are never logged or echoed back.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from pydantic import SecretStr


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def key_matches(header: str | None, keys: Sequence[SecretStr]) -> bool:
    """True when the header carries one of `keys`. Every key is compared, whatever matched,
    so the time taken does not tell which key (or how much of one) was right."""
    token = bearer_token(header)
    if token is None:
        return False
    given = token.encode()
    matched = False
    for key in keys:
        secret = key.get_secret_value().encode()
        matched |= bool(secret) and hmac.compare_digest(given, secret)
    return matched

"""Cursors of paged lists: opaque to clients (URL-safe base64 of JSON), checked when read back."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from schemas.errors import InputError


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor for ``position`` (the last item's sort keys)."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *keys: str) -> dict[str, Any] | None:
    """The position a cursor holds, ``None`` for no cursor.

    Raises:
        InputError: a cursor this API did not make.
    """
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError) as e:
        raise InputError("not a cursor of this list", detail={"cursor": cursor[:80]}) from e
    if not isinstance(position, dict) or any(k not in position for k in keys):
        raise InputError("not a cursor of this list", detail={"cursor": cursor[:80]})
    return position

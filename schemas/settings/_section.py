"""What every settings section shares: frozen, and a misspelt name is an error, not a silent default."""

from __future__ import annotations

from pydantic import ConfigDict

SECTION = ConfigDict(frozen=True, extra="forbid")

"""The anchor of ``bench/api.py``: a bare FastAPI route that does nothing, served by uvicorn as ``sohoa serve`` is."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
def bare() -> dict[str, bool]:
    """Nothing: no token, no database, no log line (a plain ``def`` route, run on the threadpool like ours)."""
    return {"ok": True}

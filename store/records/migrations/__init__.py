"""Alembic migrations of the records store (run by ``sohoa db upgrade``)."""

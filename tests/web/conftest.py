"""The browser tests use the live services of the worker tests (their own database, queue and S3 buckets)."""

from tests.workers.conftest import services

__all__ = ["services"]

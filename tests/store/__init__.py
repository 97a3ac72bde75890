"""Tests of the store: objects (local folder, S3) and records (SQLite, PostgreSQL)."""

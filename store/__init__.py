"""Persistence behind small interfaces: files by SHA-256 (``objects``) and the per-citizen records (``records``)."""

from store._kho import Store, Uploaded, content_type_of, open_store

__all__ = ["Store", "Uploaded", "content_type_of", "open_store"]

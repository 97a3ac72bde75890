"""Persistence behind small interfaces: files by SHA-256 (``objects``) and the per-citizen records (``records``)."""

from store._group import GroupRunner, PerLoop
from store._kho import TYPE_BYTES, Store, Uploaded, content_type_of, open_store
from store._puts import Puts, Source, put_source
from store._sweep import OrphanSweep, sweep_orphans

__all__ = ["TYPE_BYTES", "GroupRunner", "OrphanSweep", "PerLoop", "Puts", "Source", "Store", "Uploaded",
           "content_type_of", "open_store", "put_source", "sweep_orphans"]

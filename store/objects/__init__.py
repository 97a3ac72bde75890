"""Files of the store, addressed by SHA-256: a local folder (embedded) or S3/MinIO (production)."""

from store.objects._base import Bucket, ListedObject, ObjectStore, StoredObject, content_key, sha_of_key
from store.objects._factory import open_object_store
from store.objects._local import LocalObjectStore
from store.objects._s3 import S3ObjectStore
from store.objects._stream import StreamedPut

__all__ = [
    "Bucket",
    "ListedObject",
    "LocalObjectStore",
    "ObjectStore",
    "S3ObjectStore",
    "StoredObject",
    "StreamedPut",
    "content_key",
    "open_object_store",
    "sha_of_key",
]

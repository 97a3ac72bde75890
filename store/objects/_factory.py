"""Choose the object store from the settings: S3/MinIO when ``SOHOA_S3_ENDPOINT`` is set, else a folder."""

from __future__ import annotations

from schemas.settings import Settings
from store.objects._base import ObjectStore
from store.objects._local import LocalObjectStore
from store.objects._s3 import S3ObjectStore


def open_object_store(settings: Settings, *, ensure_buckets: bool = True) -> ObjectStore:
    """The object store the settings name.

    Args:
        settings: ``s3_*`` and ``bucket_prefix`` for S3; ``store.objects_dir`` or
            ``data_dir`` for the embedded folder.
        ensure_buckets: create missing buckets (and turn versioning on) now.

    Returns:
        an :class:`S3ObjectStore` or a :class:`LocalObjectStore`.

    Raises:
        TransientError: the S3 server is unreachable while creating buckets.
        ConfigError: the S3 server refused the credentials.
    """
    cfg = settings.store
    store: ObjectStore
    if settings.s3_endpoint:
        secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
        store = S3ObjectStore(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=secret,
            secure=settings.s3_secure,
            region=settings.s3_region,
            bucket_prefix=settings.bucket_prefix,
            part_size=cfg.part_size,
            connect_timeout_s=cfg.s3_connect_timeout_s,
            read_timeout_s=cfg.s3_read_timeout_s,
            presign_expiry_s=cfg.presign_expiry_s,
        )
    else:
        token = settings.api.token_secret
        store = LocalObjectStore(
            cfg.objects_dir or settings.data_dir / "objects",
            base_url=f"{(settings.api.public_url or f'http://{settings.api.host}:{settings.api.port}').rstrip('/')}/files",
            secret=token.get_secret_value().encode() if token else None,
            presign_expiry_s=cfg.presign_expiry_s,
        )
    if ensure_buckets:
        store.ensure_buckets()
    return store

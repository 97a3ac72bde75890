"""Each officer signs as themself: the officer key registry, and loading one officer's own key.

A scan is signed by the officer who digitized it (Circular 01/2023 Art. 8). The
registry maps officer ids (the account id, a token's ``sub``) to a PKCS#12 file
or a key on the PKCS#11 token: inline (``SOHOA_SIGN__OFFICER_KEYS``) or in a
TOML/JSON file (``SOHOA_SIGN__OFFICER_KEYS_FILE``) that is read again when it
changes, so a new officer needs no restart. An officer without a key gets
``key_unavailable``, never another officer's key. With the development PKI an
officer without a key of their own gets a certificate issued on first use, by
the ``dev_issuer`` the caller passes (the ``pki`` package: the pipeline never
imports it).
"""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pipeline.sign._keys import KeyInfo, load_pkcs12_file, read_secret
from pipeline.sign._signer import Signer, assemble_signer, load_signer
from schemas.errors import ConfigError, ErrorCode, SigningError
from schemas.settings import OfficerKey, SignSettings

#: ``(officer id, display name or None) -> development identity label``, issuing the certificate on first use
DevIssuer = Callable[[str, str | None], str]

_ENTRIES = TypeAdapter(dict[str, OfficerKey])
_FILES: dict[Path, tuple[tuple[int, int], dict[str, OfficerKey]]] = {}
_FILES_LOCK = threading.Lock()
_SETTING = "SOHOA_SIGN__OFFICER_KEYS_FILE"


def _parse(path: Path, raw: bytes) -> Any:
    if path.suffix.lower() == ".json":
        return json.loads(raw)
    if path.suffix.lower() == ".toml":
        return tomllib.loads(raw.decode("utf-8"))
    raise ValueError("the officer key registry is a .toml or a .json file")


def _relative_to(folder: Path, entry: OfficerKey) -> OfficerKey:
    # paths in the file are read from the file's folder, as an operator writing it expects
    update = {name: folder / value for name in ("pkcs12", "password_file", "pin_file")
              if (value := getattr(entry, name)) is not None and not value.is_absolute()}
    return entry.model_copy(update=update) if update else entry


def read_registry_file(path: Path) -> dict[str, OfficerKey]:
    """The officers of a registry file (``[officers."<id>"]`` tables), read again only when it changed.

    Args:
        path: a ``.toml`` or ``.json`` file.

    Returns:
        Officer id -> key, with relative paths made relative to the file's folder.

    Raises:
        ConfigError: ``config_invalid`` for a missing, unreadable or malformed file.
    """
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with _FILES_LOCK:
            cached = _FILES.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        data = _parse(path, path.read_bytes())
        if not isinstance(data, dict) or not isinstance(data.get("officers", {}), dict):
            raise ValueError('the file holds one table "officers" of officer id -> key')
        listed = _ENTRIES.validate_python(data.get("officers", {}))
        entries = {k: _relative_to(path.parent, v) for k, v in listed.items()}
    except (OSError, ValueError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise ConfigError(f"cannot read the officer key registry {path}: {e}", code=ErrorCode.CONFIG_INVALID,
                          detail={"file": str(path), "setting": _SETTING}) from e
    with _FILES_LOCK:
        _FILES[path] = (stamp, entries)
    return entries


def officer_key(cfg: SignSettings, officer: str) -> OfficerKey | None:
    """The registry entry of ``officer`` (inline or in the file), ``None`` when there is none.

    Raises:
        ConfigError: ``config_invalid``: the file is unreadable, or names the officer
            differently from the inline setting.
    """
    inline = cfg.officer_keys.get(officer)
    in_file = read_registry_file(cfg.officer_keys_file).get(officer) if cfg.officer_keys_file else None
    if inline is not None and in_file is not None and inline != in_file:
        raise ConfigError(f"officer {officer} has two different keys in SOHOA_SIGN__OFFICER_KEYS and {_SETTING}",
                          code=ErrorCode.CONFIG_INVALID, detail={"officer": officer})
    return inline if inline is not None else in_file


def _secret(*, file: Path | None, env: str | None, environ: Mapping[str, str], what: str) -> str | None:
    """The secret from the variable ``env`` names, else from ``file``; ``None`` when neither is given."""
    if env is not None:
        if env not in environ:
            raise ConfigError(f"the {what} variable {env} is not set", code=ErrorCode.CONFIG_INVALID,
                              detail={"variable": env})
        return environ[env]
    if file is not None:
        return read_secret(value=None, file=file, env="", what=what)
    return None


def _no_key(cfg: SignSettings, officer: str) -> SigningError:
    legacy = cfg.officer_pkcs12_path is not None or cfg.pkcs11_officer_key_label is not None
    note = ("; SOHOA_SIGN__OFFICER_PKCS12_PATH / PKCS11_OFFICER_KEY_LABEL (one key for every officer) "
            "is no longer used") if legacy else ""
    return SigningError(
        f"officer {officer} has no signing key: add their PKCS#12 file or PKCS#11 key label to {_SETTING} "
        f"(or SOHOA_SIGN__OFFICER_KEYS); a scan is only ever signed with its own officer's key{note}",
        code=ErrorCode.KEY_UNAVAILABLE, detail={"officer": officer, "setting": _SETTING},
    )


def load_officer_signer(cfg: SignSettings, officer: str, *, environ: Mapping[str, str] | None = None,
                        dev_issuer: DevIssuer | None = None) -> Signer:
    """Load ``officer``'s own key: their registry entry, or in development a certificate issued for them.

    Args:
        cfg: the signing settings (registry, token, key source).
        officer: the officer id (the account id, a token's ``sub``).
        environ: where ``password_env`` / ``pin_env`` are looked up (the caller passes
            the process environment; the stage never reads it itself).
        dev_issuer: with ``key_source=dev``, issues (once) and names the development
            identity of an officer who has no key in the registry.

    Returns:
        The officer's signer (``role="officer"``); the caller closes it.

    Raises:
        SigningError: ``key_unavailable`` when the officer has no key (outside development),
            and the loading errors of :func:`load_signer` (``wrong_pin`` …).
        ConfigError: an unreadable registry, a secret that is not set.
    """
    entry = officer_key(cfg, officer)
    env = environ or {}
    if entry is not None and entry.pkcs12 is not None:
        password = _secret(file=entry.password_file, env=entry.password_env, environ=env, what="PKCS#12 password")
        if password is None:
            raise ConfigError(f"officer {officer}'s PKCS#12 file has no password_file or password_env",
                              code=ErrorCode.CONFIG_INVALID, detail={"officer": officer, "setting": _SETTING})
        backend, info = load_pkcs12_file(entry.pkcs12, password)
        return assemble_signer(cfg, role="officer", backend=backend, key=KeyInfo(info.kind, info.bits, "pkcs12"))
    if entry is not None and entry.pkcs11_key_label is not None:
        from pipeline.sign._pkcs11 import load_pkcs11_signer

        pin = _secret(file=entry.pin_file, env=entry.pin_env, environ=env, what="PKCS#11 PIN")
        backend11, info, session = load_pkcs11_signer(cfg, label=entry.pkcs11_key_label,
                                                      token_label=entry.pkcs11_token_label, pin=pin)
        return assemble_signer(cfg, role="officer", backend=backend11, key=info, session=session)
    if cfg.key_source != "dev":
        raise _no_key(cfg, officer)
    if dev_issuer is None:
        raise ConfigError("the development PKI cannot issue officer certificates here (no issuer given)",
                          code=ErrorCode.CONFIG_INVALID, detail={"officer": officer})
    return load_signer(cfg, role="officer", identity=dev_issuer(officer, entry.name if entry else None))

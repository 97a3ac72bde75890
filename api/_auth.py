"""Bearer tokens: JWTs checked for signature, issuer, audience, expiry and not-before, made a Principal.

Production tokens are RS256 or ES256, signed by the province's identity provider,
with the keys taken from a JWKS file or URL. HS256 tokens with a shared secret
exist only in development (``sohoa token`` and ``POST /v1/dev/tokens`` make them);
anywhere else they are refused, whatever the secret. ``alg: none`` is never accepted.

Claims: ``role`` (``officer``, ``resolution_system``, ``citizen``, ``admin``), ``sub``
(the officer's account, the citizen's ``so_dinh_danh``, the system's name) and
``agency`` (a code or a list of codes): an officer acts for one agency; the
resolution system for those listed (a development token without one acts for all).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWKClient, PyJWKSet

from schemas.errors import ConfigError, ErrorCode, InputError, SohoaError
from schemas.settings import Settings
from store.records import Principal
from store.records._intake import check_owner_id

#: algorithms of the identity provider's keys
ASYMMETRIC = ("RS256", "ES256")
#: roles a token may carry (``system`` is for workers, never for a caller)
TOKEN_ROLES = ("officer", "resolution_system", "citizen", "admin")


def unauthenticated(message: str, **detail: object) -> SohoaError:
    """The refusal of a missing or bad token (401)."""
    return SohoaError(message, code=ErrorCode.UNAUTHENTICATED, detail=dict(detail))


def dev_secret(settings: Settings) -> bytes:
    """The HS256 key of development tokens: ``api.token_secret``, else a random one kept under ``data_dir``.

    Raises:
        ConfigError: outside development (HS256 tokens are refused there).
    """
    if settings.environment != "development":
        raise ConfigError("development tokens (HS256) are refused outside development",
                          code=ErrorCode.INSECURE_CONFIG)
    if settings.api.token_secret is not None:
        return settings.api.token_secret.get_secret_value().encode()
    path = settings.data_dir / "api" / "dev-token-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip().encode()


def mint_dev_token(settings: Settings, *, role: str, sub: str, agency: str | None = None,
                   ttl_s: int = 3600) -> str:
    """A development token (HS256) for ``role``/``sub``; without ``agency`` the resolution system acts for all.

    Raises:
        ConfigError: outside development.
        InputError: an unknown role, an officer without an agency, a bad ``sub``, a TTL past the limit.
    """
    secret = dev_secret(settings)
    if role not in TOKEN_ROLES:
        raise InputError(f"role must be one of {', '.join(TOKEN_ROLES)}", detail={"role": role})
    if role == "officer" and not agency:
        raise InputError("an officer's token names the agency they work for (--agency)")
    if not 0 < ttl_s <= settings.api.dev_token_max_ttl_s:
        raise InputError(f"ttl must be 1 to {settings.api.dev_token_max_ttl_s} seconds", detail={"ttl": ttl_s})
    principal_of(_claims(role, sub, agency), development=True)  # refuse now what would be refused later
    now = int(time.time())
    claims = {**_claims(role, sub, agency), "iss": settings.api.jwt_issuer, "aud": settings.api.jwt_audience,
              "iat": now, "nbf": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm="HS256")


def _claims(role: str, sub: str, agency: str | None) -> dict[str, Any]:
    claims: dict[str, Any] = {"role": role, "sub": sub}
    if agency:
        claims["agency"] = agency
    return claims


def principal_of(claims: dict[str, Any], *, development: bool) -> Principal:
    """The principal a token's claims name.

    Raises:
        SohoaError: ``unauthenticated`` when the claims do not make a principal.
    """
    role, sub = claims.get("role"), claims.get("sub")
    if role not in TOKEN_ROLES or not isinstance(sub, str):
        raise unauthenticated("the token has no valid role and sub", role=str(role))
    agency = claims.get("agency")
    codes = [agency] if isinstance(agency, str) else agency if isinstance(agency, list) else []
    if role == "citizen":
        try:
            check_owner_id(sub)
        except InputError as e:
            raise unauthenticated("a citizen's sub is their so_dinh_danh") from e
    agencies: frozenset[str] | None = frozenset(str(c) for c in codes)
    if role == "officer" and len(codes) != 1:
        raise unauthenticated("an officer's token names exactly one agency")
    if role == "resolution_system" and not codes:
        if not development:
            raise unauthenticated("the resolution system's token names the agencies it acts for")
        agencies = None
    if role in ("admin", "citizen"):
        agencies = frozenset()
    try:
        return Principal(role, sub, agencies)
    except InputError as e:
        raise unauthenticated("the token's sub or agency is malformed", detail=e.detail) from e


class TokenVerifier:
    """Checks bearer tokens against the settings: keys, algorithms, issuer, audience, times.

    Args:
        settings: the ``api`` section and the environment.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cfg = settings.api
        self.development = settings.environment == "development"
        self._hs_secret = dev_secret(settings) if self.development else None
        self._jwks_file: PyJWKSet | None = None
        self._jwks_loaded = 0.0
        self._jwks_url = (PyJWKClient(self.cfg.jwks_url, cache_keys=True, lifespan=max(self.cfg.jwks_cache_s, 1),
                                      timeout=5) if self.cfg.jwks_url else None)
        self._lock = threading.Lock()
        self._cache: dict[bytes, tuple[float, Principal]] = {}
        self._cache_lock = threading.Lock()

    @property
    def may_block(self) -> bool:
        """Whether verifying may wait on the network (the identity provider's keys fetched by URL)."""
        return self._jwks_url is not None

    def verify(self, token: str) -> Principal:
        """The principal of a valid token.

        A token already verified is found in a small cache (by its SHA-256, never the token
        itself) until it expires, and for at most ``api.token_cache_s``, so that a rotated key
        of the identity provider is honoured within that time; a full check costs a signature
        verification per request.

        Raises:
            SohoaError: ``unauthenticated`` saying why (expired, not yet valid, bad signature,
                wrong issuer or audience, an algorithm not accepted here).
        """
        digest = hashlib.sha256(token.encode()).digest()
        now = time.time()
        cached = self._cache.get(digest)
        if cached is not None:
            if now < cached[0]:
                return cached[1]
            self._cache.pop(digest, None)
        principal, exp = self._verify(token)
        if self.cfg.token_cache_s > 0 and self.cfg.token_cache_size > 0:
            with self._cache_lock:
                if len(self._cache) >= self.cfg.token_cache_size:
                    self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
                    while len(self._cache) >= self.cfg.token_cache_size:  # still full: the oldest entries go
                        self._cache.pop(next(iter(self._cache)))
                self._cache[digest] = (min(exp, now + self.cfg.token_cache_s), principal)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        """The principal of a valid token and when it stops being valid (``exp``, epoch seconds)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise unauthenticated("not a JWT") from e
        alg = header.get("alg")
        key, algorithms = self._key(alg, header.get("kid"), token)
        try:
            claims = jwt.decode(
                token, key, algorithms=algorithms, audience=self.cfg.jwt_audience, issuer=self.cfg.jwt_issuer,
                leeway=self.cfg.clock_skew_s, options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as e:
            raise unauthenticated("the token has expired", reason="expired") from e
        except jwt.ImmatureSignatureError as e:
            raise unauthenticated("the token is not valid yet", reason="not_yet_valid") from e
        except jwt.InvalidIssuerError as e:
            raise unauthenticated("the token was issued by someone else", reason="issuer") from e
        except jwt.InvalidAudienceError as e:
            raise unauthenticated("the token is for another audience", reason="audience") from e
        except jwt.InvalidSignatureError as e:
            raise unauthenticated("the token's signature is wrong", reason="signature") from e
        except jwt.PyJWTError as e:
            raise unauthenticated(f"the token is not valid: {e}", reason="invalid") from e
        return principal_of(claims, development=self.development), float(claims["exp"])

    def _key(self, alg: object, kid: object, token: str) -> tuple[Any, list[str]]:
        if alg == "HS256":
            if self._hs_secret is None:
                raise unauthenticated("HS256 tokens are accepted in development only", reason="algorithm")
            return self._hs_secret, ["HS256"]
        if alg not in ASYMMETRIC:
            raise unauthenticated(f"tokens signed with {alg!r} are not accepted", reason="algorithm")
        if self._jwks_url is not None:
            try:
                return self._jwks_url.get_signing_key_from_jwt(token).key, [str(alg)]
            except jwt.PyJWKClientError as e:
                raise unauthenticated(f"no key of the identity provider fits the token: {e}", reason="key") from e
        keys = self._file_keys()
        if keys is None:
            raise unauthenticated("no identity provider keys are configured (SOHOA_API__JWKS_PATH)", reason="key")
        matching = [k for k in keys.keys if kid is None or k.key_id == kid]
        if not matching:
            raise unauthenticated("no key of the identity provider has this kid", reason="key")
        return matching[0].key, [str(alg)]

    def _file_keys(self) -> PyJWKSet | None:
        path: Path | None = self.cfg.jwks_path
        if path is None:
            return None
        with self._lock:
            if self._jwks_file is None or time.monotonic() - self._jwks_loaded > self.cfg.jwks_cache_s:
                try:
                    self._jwks_file = PyJWKSet.from_json(path.read_text())
                except (OSError, jwt.PyJWTError, ValueError) as e:
                    raise ConfigError(f"cannot read the JWKS file {path}: {e}") from e
                self._jwks_loaded = time.monotonic()
            return self._jwks_file

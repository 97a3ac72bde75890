"""Who signs, on a token: a PKCS#11 session per signer, the key never leaving the token.

One login per token per process, each signer on its own session (see
:func:`_login`): a worker signs for many officers whose keys share one token.
Tested with SoftHSM2. RSA keys sign with RSASSA-PSS through the token's own
mechanism; ECDSA keys use the raw ``CKM_ECDSA`` mechanism over a digest computed
here, because SoftHSM 2.6 has no hashing ECDSA mechanisms.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from typing import Any

import pkcs11
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from pipeline.sign._keys import KeyInfo, check_key_strength, read_secret
from schemas.errors import ConfigError, ErrorCode, SigningError
from schemas.settings import SignSettings


def _open_session(cfg: SignSettings, *, token_label: str | None, pin: str | None) -> Any:
    """A session on the token; ``pin`` logs the application in (``None``: a session riding on that login)."""
    if cfg.pkcs11_module is None:
        raise ConfigError("SOHOA_SIGN__PKCS11_MODULE is not set", code=ErrorCode.CONFIG_INVALID)
    criteria = TokenCriteria(label=token_label) if token_label else None
    try:
        return open_pkcs11_session(str(cfg.pkcs11_module), token_criteria=criteria, user_pin=pin)
    except pkcs11.exceptions.PinIncorrect as e:
        raise SigningError("the PKCS#11 PIN is wrong", code=ErrorCode.WRONG_PIN) from e
    except pkcs11.exceptions.PinLocked as e:
        raise SigningError("the PKCS#11 PIN is locked", code=ErrorCode.WRONG_PIN) from e
    except Exception as e:  # the module raises its own zoo: not found, no token, bad library
        raise SigningError(f"cannot open the PKCS#11 token: {e!r}", code=ErrorCode.KEY_UNAVAILABLE,
                           detail={"module": str(cfg.pkcs11_module), "token": token_label}) from e


@dataclass
class _Login:
    session: Any  # the session that logged in, kept open while any signer uses the token
    pin: str
    users: int = 0


_LOGINS: dict[tuple[str, str | None], _Login] = {}
_LOGINS_LOCK = threading.Lock()


def _login(cfg: SignSettings, token_label: str | None, pin: str) -> tuple[str, str | None]:
    """Log in to the token once per process; every signer on it then opens a session of its own.

    PKCS#11 logs in the application, not a session: a second login fails
    (``UserAlreadyLoggedIn``), and closing the session that logged in logs every
    other session out. So one login session is kept while signers use the token.
    """
    key = (str(cfg.pkcs11_module), token_label)
    with _LOGINS_LOCK:
        held = _LOGINS.get(key)
        if held is None:
            held = _LOGINS[key] = _Login(_open_session(cfg, token_label=token_label, pin=pin), pin)
        elif not hmac.compare_digest(held.pin.encode("utf-8"), pin.encode("utf-8")):
            raise SigningError("the PKCS#11 PIN is wrong (the token is open with another PIN)",
                               code=ErrorCode.WRONG_PIN, detail={"token": token_label})
        held.users += 1
    return key


def _logout(key: tuple[str, str | None]) -> None:
    with _LOGINS_LOCK:
        held = _LOGINS[key]
        held.users -= 1
        if held.users > 0:
            return
        del _LOGINS[key]
    held.session.close()


class TokenSession:
    """A signer's own session on a token, holding its share of the token's one login (see :func:`_login`)."""

    def __init__(self, session: Any, login: tuple[str, str | None]) -> None:
        self.session = session
        self._login: tuple[str, str | None] | None = login

    def close(self) -> None:
        """Close this session; the last one closed on a token logs out."""
        login, self._login = self._login, None
        if login is None:
            return
        try:
            self.session.close()
        finally:
            _logout(login)


def load_pkcs11_signer(cfg: SignSettings, *, label: str | None, token_label: str | None = None,
                       pin: str | None = None) -> tuple[PKCS11Signer, KeyInfo, Any]:
    """A signer for the key (and certificate) ``label`` on a token of ``cfg.pkcs11_module``.

    Args:
        cfg: the module, and the token label and PIN used when none is given here.
        label: the key's and certificate's label on the token.
        token_label: the token; default ``cfg.pkcs11_token_label``.
        pin: the user PIN; default ``cfg.pkcs11_pin`` / ``cfg.pkcs11_pin_file``.

    Returns:
        The signer, its key info and its :class:`TokenSession` (closed by the caller).

    Raises:
        ConfigError: module, PIN or key label not configured.
        SigningError: ``wrong_pin``, ``key_unavailable`` (no such key or certificate),
            ``weak_algorithm``.
    """
    if not label:
        raise ConfigError("no PKCS#11 key label configured (SOHOA_SIGN__PKCS11_KEY_LABEL)",
                          code=ErrorCode.CONFIG_INVALID)
    if pin is None:
        pin = read_secret(value=cfg.pkcs11_pin, file=cfg.pkcs11_pin_file, env="SOHOA_SIGN__PKCS11_PIN",
                          what="PKCS#11 PIN")
    token_label = token_label or cfg.pkcs11_token_label
    login = _login(cfg, token_label, pin)
    try:
        session = TokenSession(_open_session(cfg, token_label=token_label, pin=None), login)
    except BaseException:
        _logout(login)
        raise
    try:
        probe = PKCS11Signer(session.session, key_label=label, cert_label=label)
        cert = probe.signing_cert
        info = check_key_strength(cert.public_key)
        signer = PKCS11Signer(
            session.session,
            key_label=label,
            cert_label=label,
            prefer_pss=info.kind == "rsa",
            use_raw_mechanism=info.kind == "ecdsa",
            other_certs_to_pull=None,
        )
        _ = signer.signing_cert
    except SigningError:
        session.close()
        raise
    except Exception as e:
        session.close()
        raise SigningError(f"no usable key '{label}' on the PKCS#11 token: {e}",
                           code=ErrorCode.KEY_UNAVAILABLE, detail={"label": label}) from e
    return signer, KeyInfo(kind=info.kind, bits=info.bits, source="pkcs11"), session

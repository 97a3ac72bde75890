"""Tokens: what is accepted, and every way a token is refused (401 with the one error body)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import TokenVerifier, check_serving, create_app, mint_dev_token
from schemas.errors import ConfigError, SohoaError
from schemas.settings import ApiSettings, Settings
from tests.api.conftest import AGENCY, TOKEN_SECRET, Api, api_settings
from tests.workers.services import sohoa_command

ISSUER, AUDIENCE = "https://idp.tinh.gov.vn", "sohoa"


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"role": "officer", "sub": "canbo01", "agency": AGENCY, "iss": "sohoa-dev", "aud": "sohoa",
              "iat": now, "nbf": now, "exp": now + 600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _hs(**changes: Any) -> str:
    return jwt.encode(_claims(**changes), TOKEN_SECRET, algorithm="HS256")


def _refused(api: Api, token: str) -> dict[str, Any]:
    r = api.client.get("/v1/dossiers", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")
    body: dict[str, Any] = r.json()
    assert body["error"]["code"] == "unauthenticated"
    return body


def test_a_development_token_is_accepted(api: Api) -> None:
    r = api.client.get("/v1/dossiers", headers={"Authorization": f"Bearer {_hs()}"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("case", "token", "reason"), [
    ("expired", lambda: _hs(exp=int(time.time()) - 120), "expired"),
    ("not yet valid", lambda: _hs(nbf=int(time.time()) + 600), "not_yet_valid"),
    ("bad signature", lambda: jwt.encode(_claims(), "another-secret-of-someone-else-0123456789", algorithm="HS256"),
     "signature"),
    ("wrong issuer", lambda: _hs(iss="https://evil.example"), "issuer"),
    ("wrong audience", lambda: _hs(aud="another-api"), "audience"),
    ("alg none", lambda: jwt.encode(_claims(), None, algorithm="none"), "algorithm"),
    ("no expiry", lambda: _hs(exp=None), "invalid"),
])
def test_bad_tokens_are_refused(api: Api, case: str, token: Any, reason: str) -> None:
    body = _refused(api, token())
    assert body["error"]["detail"].get("reason") == reason, case


def test_a_token_within_the_clock_skew_is_accepted(api: Api) -> None:
    r = api.client.get("/v1/dossiers", headers={"Authorization": f"Bearer {_hs(exp=int(time.time()) - 5)}"})
    assert r.status_code == 200


@pytest.mark.parametrize("claims", [
    {"role": "system"}, {"role": "officer", "agency": None}, {"role": "citizen", "sub": "not-an-id"},
    {"role": "officer", "agency": ["A.1", "B.2"]}, {"role": "root"},
])
def test_tokens_naming_no_valid_principal_are_refused(api: Api, claims: dict[str, Any]) -> None:
    _refused(api, _hs(**claims))


def test_no_token_and_a_malformed_header_are_refused(api: Api) -> None:
    assert api.client.get("/v1/dossiers").status_code == 401
    assert api.client.get("/v1/dossiers", headers={"Authorization": "Basic YTpi"}).status_code == 401
    _refused(api, "not.a.jwt")


def _jwks(tmp_path: Path) -> tuple[Path, Any, Any]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    keys = []
    for kid, key, alg in (("rsa-1", rsa_key, "RS256"), ("ec-1", ec_key, "ES256")):
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
        keys.append({**jwk, "kid": kid, "use": "sig", "alg": alg})
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return path, rsa_key, ec_key


def _production(tmp_path: Path, jwks: Path) -> Settings:
    return api_settings(tmp_path, environment="production", api=ApiSettings(
        token_secret=SecretStr(TOKEN_SECRET), jwks_path=jwks, jwt_issuer=ISSUER, jwt_audience=AUDIENCE))


def test_production_accepts_rs256_and_es256_from_the_jwks_and_refuses_hs256(tmp_path: Path) -> None:
    path, rsa_key, ec_key = _jwks(tmp_path)
    verifier = TokenVerifier(_production(tmp_path, path))
    claims = _claims(iss=ISSUER, aud=AUDIENCE)
    by_rsa = verifier.verify(jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "rsa-1"}))
    by_ec = verifier.verify(jwt.encode({**claims, "role": "resolution_system", "agency": [AGENCY]}, ec_key,
                                       algorithm="ES256", headers={"kid": "ec-1"}))
    assert str(by_rsa) == "officer:canbo01" and by_rsa.agencies == frozenset({AGENCY})
    assert by_ec.role == "resolution_system" and by_ec.agencies == frozenset({AGENCY})
    for token in (jwt.encode(claims, TOKEN_SECRET, algorithm="HS256"),  # HS256 with the very secret: still refused
                  jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "nobody"}),
                  jwt.encode({**claims, "role": "resolution_system", "agency": None}, rsa_key, algorithm="RS256",
                             headers={"kid": "rsa-1"})):
        with pytest.raises(SohoaError) as refused:
            verifier.verify(token)
        assert refused.value.code == "unauthenticated"


def test_a_remembered_token_is_checked_again_once_it_expires(tmp_path: Path) -> None:
    path, rsa_key, _ = _jwks(tmp_path)
    settings = _production(tmp_path, path)
    verifier = TokenVerifier(settings.model_copy(update={"api": settings.api.model_copy(update={"clock_skew_s": 0})}))
    now = int(time.time())
    token = jwt.encode(_claims(iss=ISSUER, aud=AUDIENCE, iat=now, nbf=now, exp=now + 2), rsa_key,
                       algorithm="RS256", headers={"kid": "rsa-1"})
    assert verifier.verify(token) == verifier.verify(token)  # the second from the cache
    assert len(verifier._cache) == 1 and token.encode() not in next(iter(verifier._cache))  # a hash, not the token
    time.sleep(max(0.0, now + 2.2 - time.time()))
    with pytest.raises(SohoaError) as refused:
        verifier.verify(token)
    assert refused.value.detail.get("reason") == "expired"


def test_development_tokens_are_not_made_outside_development(tmp_path: Path) -> None:
    path, _, _ = _jwks(tmp_path)
    with pytest.raises(ConfigError):
        mint_dev_token(_production(tmp_path, path), role="officer", sub="canbo01", agency=AGENCY)
    with TestClient(create_app(_production(tmp_path, path))) as client:
        assert client.post("/v1/dev/tokens", json={"role": "admin", "sub": "x"}).status_code == 404


def test_sohoa_token_prints_one_token_on_its_last_line_and_is_refused_in_production(tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_API__TOKEN_SECRET": TOKEN_SECRET, "PATH": "/usr/bin:/bin"}
    made = subprocess.run([*sohoa_command(), "token", "--role", "officer", "--agency", AGENCY, "--sub", "cb07",
                           "--ttl", "120"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    claims = jwt.decode(made.stdout.strip().splitlines()[-1], TOKEN_SECRET, algorithms=["HS256"], audience="sohoa")
    assert (claims["role"], claims["sub"], claims["agency"]) == ("officer", "cb07", AGENCY)
    assert 100 <= claims["exp"] - claims["iat"] <= 120
    refused = subprocess.run([*sohoa_command(), "token", "--role", "officer", "--agency", AGENCY],
                             env={**env, "SOHOA_ENVIRONMENT": "production"}, capture_output=True, text=True,
                             timeout=60, check=False)
    assert refused.returncode == 1 and "insecure_config" in refused.stderr


def test_serving_off_loopback_needs_production_and_every_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="loopback only"):
        check_serving(api_settings(tmp_path), "0.0.0.0")
    check_serving(api_settings(tmp_path), "127.0.0.1")
    with pytest.raises(ConfigError) as missing:
        check_serving(api_settings(tmp_path, environment="production"), "0.0.0.0")
    problems = " ".join(missing.value.detail["problems"])
    assert "JWKS" in problems and "SOHOA_CALLBACKS__SECRET" in problems and "KEY_SOURCE" in problems


def test_ingest_needs_a_token_outside_development(tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n")
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_ENVIRONMENT": "production", "PATH": "/usr/bin:/bin"}
    refused = subprocess.run([*sohoa_command(), "ingest", str(scan), "--citizen", "001090000001", "--json"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 1
    assert json.loads(refused.stdout.strip().splitlines()[-1])["error"]["code"] == "unauthenticated"

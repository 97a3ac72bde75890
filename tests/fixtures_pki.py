"""Session fixtures for signing tests: a development PKI, its real loopback services, a SoftHSM2 token.

One PKI (with the revoked/expired/not-for-signing test identities) and one
TSA/OCSP/CRL server per test session, on a free 127.0.0.1 port; signers are
loaded once and shared. Time is frozen: the PKI is made as of ``PKI_MADE``,
the services answer as of ``FROZEN``, and tests sign and verify with
``now=FROZEN``, so no test depends on the day it runs. The SoftHSM2 token lives in a temp dir (SOFTHSM2_CONF)
and holds the officer's RSA and ECDSA keys, imported with certomancer's
alchemist; the keys are then used only through PKCS#11.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest

from tests.conftest import require_service

SOFTHSM_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN_LABEL = "sohoa-test"
TOKEN_PIN = "4321"

#: when the session's PKI is made: certificates are valid from a day before (officers for 3 years, the TSA 10)
PKI_MADE = datetime(2025, 9, 1, tzinfo=UTC)
#: the frozen clock of signature tests, in Vietnam's zone as the decree wants signing times
FROZEN = datetime(2025, 9, 15, 10, 21, 33, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The development PKI, with test identities, made once per session."""
    from pki import ensure_dev_pki

    return ensure_dev_pki(tmp_path_factory.mktemp("pki"), port=free_port(), test_identities=True, now=PKI_MADE)


@pytest.fixture(scope="session")
def pki_services(dev_pki):  # type: ignore[no-untyped-def]
    """Its TSA, OCSP responder and CRLs, served over real HTTP on 127.0.0.1, answering as of ``FROZEN``."""
    from pki import serve_dev_pki

    services = serve_dev_pki(dev_pki, at_time=FROZEN)
    yield services
    services.stop()


@pytest.fixture(scope="session")
def sign_cfg(dev_pki, pki_services):  # type: ignore[no-untyped-def]
    """Signing settings over the dev PKI and its running services."""
    from schemas.settings import SignSettings

    return SignSettings(
        key_source="dev", dev_pki_dir=dev_pki.directory, tsa_url=dev_pki.tsa_url, tsa_timeout_s=5.0,
        revocation_timeout_s=5.0, trust_roots=(dev_pki.root_cert,),
        signature_image=dev_pki.signature_image, seal_image=dev_pki.seal_image,
    )


@pytest.fixture(scope="session")
def verify_cfg(dev_pki):  # type: ignore[no-untyped-def]
    """Verification settings trusting the dev root, fetching allowed."""
    from schemas.settings import VerifySettings

    return VerifySettings(trust_roots=(dev_pki.root_cert,), allow_fetching=True, revocation_timeout_s=5.0)


@pytest.fixture(scope="session")
def signers(sign_cfg) -> Iterator[dict[str, object]]:
    """Loaded signers by label: officer (RSA), officer-ec (ECDSA P-256), signer, agency."""
    from pipeline.sign import load_signer

    loaded = {
        "officer": load_signer(sign_cfg, role="officer"),
        "officer-ec": load_signer(sign_cfg, role="officer", identity="officer-ec"),
        "signer": load_signer(sign_cfg, role="signer"),
        "agency": load_signer(sign_cfg, role="agency"),
    }
    yield loaded  # type: ignore[misc]
    for s in loaded.values():
        s.close()


def make_pdf(pages: int = 1, text: str = "Giấy xác nhận") -> bytes:
    """A plain A4 PDF with a line of text on each page."""
    pdf = pikepdf.new()
    for i in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        page = pdf.pages[i]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        ascii_text = text.encode("ascii", "replace").decode()
        page.Contents = pdf.make_stream(f"BT /F1 14 Tf 72 700 Td ({ascii_text} {i + 1}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    """A one-page PDF to sign."""
    return make_pdf()


@dataclass(frozen=True)
class SoftHsm:
    """A SoftHSM2 token made for the session.

    Attributes:
        module: the PKCS#11 library.
        token_label: the token's label.
        pin: its user PIN.
    """

    module: Path
    token_label: str
    pin: str


@pytest.fixture(scope="session")
def softhsm(dev_pki, tmp_path_factory: pytest.TempPathFactory) -> SoftHsm:  # type: ignore[no-untyped-def]
    """A SoftHSM2 token holding the officer's RSA key and the ECDSA officer's key, with their chains."""
    module = next((Path(m) for m in SOFTHSM_MODULES if Path(m).exists()), None)
    if module is None or shutil.which("softhsm2-util") is None:
        require_service("SoftHSM2", "softhsm2 is not installed (scripts/setup.sh installs it)")
    assert module is not None
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", TOKEN_PIN,
                    "--so-pin", "87654321"], check=True, capture_output=True)
    from certomancer.integrations.alchemist import Alchemist, DefaultAlchemistBackend, open_pkcs11_session
    from certomancer.registry import CertLabel

    session = open_pkcs11_session(str(module), token_label=TOKEN_LABEL, pin=TOKEN_PIN)
    try:
        Alchemist(DefaultAlchemistBackend(session), dev_pki.load_arch()).store_key_bundles(
            {CertLabel("officer"), CertLabel("officer-ec")})
    finally:
        session.close()
    return SoftHsm(module=module, token_label=TOKEN_LABEL, pin=TOKEN_PIN)


def ades_lta_indication(signed: bytes, root: Path, at: datetime) -> object:
    """pyHanko's own AdES LTA validation (ETSI EN 319 102-1 §5.6.3) of the first signature, as of ``at``.

    Only the data the file carries is used, so this is an independent, offline judgement.
    """
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from pipeline.sign import load_certs

    rule = RevocationCheckingRule.CHECK_IF_DECLARED
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(load_certs([root])),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(ee_certificate_rule=rule,
                                                                   intermediate_ca_cert_rule=rule)),
    )))
    timing = ValidationTimingInfo(validation_time=at, best_signature_time=at, point_in_time_validation=False)
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    return asyncio.run(ades_lta_validation(sig, spec, timing_info=timing)).ades_subindic

"""The development PKI issues each officer a certificate of their own on first use, once, even when asked at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from asn1crypto import ocsp

from pipeline.sign import load_certs
from schemas.errors import ErrorCode, InputError
from tests.fixtures_pki import PKI_MADE, free_port
from tests.pki.test_services import _post

#: run in two processes at once: wait for the go file, then ask for the same new officer; says whether it issued
_CHILD = """
import json, sys, time
from pathlib import Path
import pki._officers as officers
directory, go = Path(sys.argv[1]), Path(sys.argv[2])
issued = []
real_issue = officers._issue
officers._issue = lambda *a, **k: issued.append(1) or real_issue(*a, **k)
while not go.exists():
    time.sleep(0.005)
ident = officers.dev_officer(directory, "cb99", name="Đỗ Thị Mai")
print(json.dumps({"label": ident.label, "cert": ident.cert.read_text(), "issued": len(issued)}))
"""


@pytest.fixture(scope="module")
def own_pki(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A PKI of this module's own: issuing officers changes it, and other modules' PKI stays as made."""
    from pki import ensure_dev_pki

    return ensure_dev_pki(tmp_path_factory.mktemp("pki") / "pki", port=free_port(), now=PKI_MADE)


def _ocsp_status(pki, cert_path: Path) -> str:  # type: ignore[no-untyped-def]
    cert = load_certs([cert_path])[0]
    issuer = load_certs([pki.issuing_cert])[0]
    cert_id = {"hash_algorithm": {"algorithm": "sha1"}, "issuer_name_hash": issuer.subject.sha1,
               "issuer_key_hash": issuer.public_key.sha1, "serial_number": cert.serial_number}
    body = bytes(ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": cert_id}]}}).dump())
    resp = ocsp.OCSPResponse.load(_post(pki.ocsp_url, body, "application/ocsp-request"))
    if resp["response_status"].native != "successful":
        return str(resp["response_status"].native)
    return str(resp.basic_ocsp_response["tbs_response_data"]["responses"][0]["cert_status"].name)


def test_a_new_officer_gets_a_certificate_naming_them_that_the_running_ocsp_responder_knows(own_pki):
    from pki import dev_officer, serve_dev_pki

    with serve_dev_pki(own_pki):  # started before the officer exists, as a worker serving the PKI would be
        ident = dev_officer(own_pki.directory, "cb07", name="Phạm Thị Hoa")
        cert = load_certs([ident.cert])[0]
        assert cert.subject.native["common_name"] == "Phạm Thị Hoa (DEVELOPMENT)"
        assert cert.subject.native["user_id"] == "cb07"
        assert cert.issuer == load_certs([own_pki.issuing_cert])[0].subject
        assert cert.not_valid_before < PKI_MADE < cert.not_valid_after
        assert "non_repudiation" in cert.key_usage_value.native
        assert _ocsp_status(own_pki, ident.cert) == "good"
    assert ident.key.stat().st_mode & 0o077 == 0 and ident.pkcs12_password_file.stat().st_mode & 0o077 == 0
    assert json.loads((own_pki.directory / "officers.json").read_text())["cb07"]["label"] == ident.label


def test_asking_again_returns_the_same_certificate_and_a_name_never_reissues(own_pki):
    from pki import dev_officer

    first = dev_officer(own_pki.directory, "cb08")
    again = dev_officer(own_pki.directory, "cb08", name="Another Name")
    assert again == first
    assert load_certs([again.cert])[0].subject.native["common_name"] == "cb08 (DEVELOPMENT)"


def test_officers_with_like_ids_get_distinct_certificates_and_earlier_serials_never_move(own_pki):
    from pki import dev_officer, officer_label

    before = {label: load_certs([own_pki.cert_path(label)])[0].serial_number
              for label in ("officer", "officer-ec", "signer", "agency")}
    upper, lower = dev_officer(own_pki.directory, "CB10"), dev_officer(own_pki.directory, "cb10")
    assert officer_label("CB10") != officer_label("cb10")
    assert load_certs([upper.cert])[0].serial_number != load_certs([lower.cert])[0].serial_number
    arch = own_pki.load_arch()  # the architecture read back from the file, as the services read it
    for label, serial in before.items():
        assert arch.get_cert(label).serial_number == serial


def test_an_unprintable_officer_id_is_refused(own_pki):
    from pki import dev_officer

    for bad in ("", "cb\n07", " cb07", "x" * 201):
        with pytest.raises(InputError) as caught:
            dev_officer(own_pki.directory, bad)
        assert caught.value.code == ErrorCode.INVALID_VALUE


def test_two_processes_asking_for_the_same_new_officer_at_once_make_one_certificate(own_pki, tmp_path):
    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, str(own_pki.directory), str(go)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    time.sleep(1.5)  # both children imported and waiting (not a timing assertion: only a head start)
    go.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        outputs.append(json.loads(out.decode().strip().splitlines()[-1]))
    assert sorted(o["issued"] for o in outputs) == [0, 1]  # one issued, the other waited and found it
    assert outputs[0]["label"] == outputs[1]["label"] and outputs[0]["cert"] == outputs[1]["cert"]
    cert = load_certs([own_pki.cert_path(outputs[0]["label"])])[0]
    config = yaml.safe_load(own_pki.config_path.read_text(encoding="utf-8"))
    assert config["pki-architectures"]["sohoa-dev"]["certs"][outputs[0]["label"]]["serial"] == cert.serial_number
    from pipeline.sign import load_signer
    from schemas.settings import SignSettings

    signer = load_signer(SignSettings(dev_pki_dir=own_pki.directory), role="officer", identity=outputs[0]["label"])
    try:  # the PKCS#12 holds the key of that very certificate
        assert signer.cert.sha256 == cert.sha256
    finally:
        signer.close()
    assert list(json.loads((own_pki.directory / "officers.json").read_text())).count("cb99") == 1

"""The digitize job signs each scan with the key of the officer who submitted it, never another's.

The real ``PipelineSigner`` (PAdES with pyHanko) behind the seam, the in-tree
fake digitizer in front of it (it makes a real PDF), the embedded stores; a
development PKI of this module's own with its TSA/OCSP on loopback, on the real
clock. The last test runs a real ``sohoa worker`` on RabbitMQ, PostgreSQL and S3.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from pipeline.verify import verify_pdf
from schemas.errors import ErrorCode, SigningError
from schemas.settings import OfficerKey, PkiSettings, Settings, SignSettings, VerifySettings, WorkerSettings
from store import Store
from store.objects import Bucket, LocalObjectStore
from store.records import ComponentView, DocumentView, Principal, get_document, open_records
from tests.fixtures_services import free_port
from tests.workers.conftest import CARD, CITIZEN, DOSSIER
from tests.workers.services import Producer, Services
from workers import FakeDigitizer, Runtime, digitize_component, fake_scan
from workers._adapters import PipelineSigner


@pytest.fixture(scope="module")
def module_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A development PKI made now (officers are issued into it) and its services on a free port."""
    from pki import ensure_dev_pki, serve_dev_pki

    made = ensure_dev_pki(tmp_path_factory.mktemp("worker-pki") / "pki", port=free_port())
    with serve_dev_pki(made):
        yield made


def _settings(tmp_path: Path, pki: Any, **sign: Any) -> Settings:
    cfg = SignSettings(dev_pki_dir=pki.directory, tsa_timeout_s=5.0, revocation_timeout_s=5.0, **sign)
    return Settings(data_dir=tmp_path / "data", sign=cfg, pki=PkiSettings(port=pki.port),
                    worker=WorkerSettings(digitizer="fake", signer="pipeline"))


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[Any]:
    """Builds runtimes with the real signer; closes them after the test."""
    made: list[Runtime] = []

    def build(settings: Settings, environ: dict[str, str] | None = None) -> Runtime:
        rt = Runtime(settings, LocalObjectStore(settings.data_dir / "objects"), open_records(settings),
                     FakeDigitizer(), PipelineSigner(settings, environ=environ or {}))
        made.append(rt)
        return rt

    yield build
    for rt in made:
        rt.close()


def _officer(ident: str) -> Principal:
    """An officer of the agency that received ``DOSSIER`` (the receiving unit at the head of its code)."""
    return Principal("officer", ident, frozenset({DOSSIER.rsplit("-", 2)[0]}))


def _submit(rt: Runtime, tmp_path: Path, by: Principal, seed: int) -> ComponentView:
    path = tmp_path / f"scan-{by.id}-{seed}.png"
    path.write_bytes(fake_scan(CARD, seed=seed))
    return Store(rt.objects, rt.records).upload_component(path, citizen=CITIZEN, by=by, dossier=DOSSIER).component


def _document(rt: Runtime, done: ComponentView, by: Principal) -> tuple[DocumentView, bytes]:
    with rt.records.transaction() as s:
        doc = get_document(s, by, done.document_ids[0])
    return doc, rt.objects.get_bytes(Bucket.DOCUMENTS, doc.searchable_pdf_key or "")


def _signer_cert(pdf: bytes) -> Any:
    [sig] = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    return sig.signer_cert


def _stored_documents(rt: Runtime) -> list[Path]:
    assert isinstance(rt.objects, LocalObjectStore)
    return [p for p in (rt.objects.root / Bucket.DOCUMENTS.value).rglob("*") if p.is_file() and p.suffix != ".json"]


def test_each_officer_signs_the_scans_they_submitted_with_their_own_certificate(module_pki, make_runtime,
                                                                                tmp_path):
    rt = make_runtime(_settings(tmp_path, module_pki, officer_keys={"cb11": OfficerKey(name="Võ Thị Lan")}))
    officers = (_officer("cb11"), _officer("cb12"))
    signed: dict[str, tuple[DocumentView, bytes]] = {}
    for n, officer in enumerate(officers):
        done = digitize_component(rt, _submit(rt, tmp_path, officer, seed=n).id, final=True)
        assert (done.status, done.last_error_code) == ("extracted", None)
        signed[officer.id] = _document(rt, done, officer)
    verify_cfg = VerifySettings(trust_roots=(module_pki.root_cert,), revocation_timeout_s=5.0)
    serials = set()
    for officer_id, (doc, pdf) in signed.items():
        cert = _signer_cert(pdf)
        assert cert.subject.native["user_id"] == officer_id
        [sig] = doc.signatures
        assert (sig.role, sig.level, sig.cert_serial) == ("officer", "B-T", format(cert.serial_number, "x"))
        assert verify_pdf(pdf, cfg=verify_cfg).valid
        serials.add(cert.serial_number)
    assert len(serials) == 2
    assert "Võ Thị Lan (DEVELOPMENT)" in signed["cb11"][0].signatures[0].signer_name
    assert "cb12 (DEVELOPMENT)" in signed["cb12"][0].signatures[0].signer_name


def test_in_development_a_scan_submitted_by_tooling_signs_as_the_default_officer(module_pki, make_runtime,
                                                                                  tmp_path):
    rt = make_runtime(_settings(tmp_path, module_pki))
    done = digitize_component(rt, _submit(rt, tmp_path, Principal("system", "import", None), seed=7).id, final=True)
    assert done.status == "extracted"
    _, pdf = _document(rt, done, Principal("system", "import", None))
    assert _signer_cert(pdf).subject.native["common_name"] == "Nguyễn Văn An (DEVELOPMENT)"


def test_outside_development_an_officer_without_a_key_fails_and_nothing_is_signed(module_pki, make_runtime,
                                                                                   tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    officer_ec = module_pki.identities["officer-ec"]
    shutil.copy(officer_ec.pkcs12, keys / "cb21.p12")
    (keys / "officers.toml").write_text('[officers.cb21]\npkcs12 = "cb21.p12"\npassword_env = "CB21_PASSWORD"\n')
    agency = module_pki.identities["agency"]
    settings = _settings(tmp_path, module_pki, key_source="pkcs12", officer_keys_file=keys / "officers.toml",
                         pkcs12_path=agency.pkcs12, pkcs12_password_file=agency.pkcs12_password_file,
                         tsa_url=module_pki.tsa_url, trust_roots=(module_pki.root_cert,))
    rt = make_runtime(settings, environ={"CB21_PASSWORD": officer_ec.pkcs12_password_file.read_text()})
    with_key = digitize_component(rt, _submit(rt, tmp_path, _officer("cb21"), seed=1).id, final=True)
    assert with_key.status == "extracted"
    assert "Trần Thị Bình" in _document(rt, with_key, _officer("cb21"))[0].signatures[0].signer_name
    for by in (_officer("cb22"), Principal("system", "import", None)):
        failed = digitize_component(rt, _submit(rt, tmp_path, by, seed=2).id, final=False)  # not retried
        assert (failed.status, failed.last_error_code, failed.document_ids) == ("failed", "key_unavailable", ())
    assert len(_stored_documents(rt)) == 1  # only cb21's signed PDF was stored


def test_a_level_beyond_reach_is_an_error_at_the_seam_and_fails_the_scan(module_pki, make_runtime, tmp_path):
    agency = module_pki.identities["agency"]
    rt = make_runtime(_settings(tmp_path, module_pki, key_source="pkcs12", pkcs12_path=agency.pkcs12,
                                pkcs12_password_file=agency.pkcs12_password_file,
                                officer_keys={"cb31": OfficerKey(pkcs12=agency.pkcs12,
                                                                 password_file=agency.pkcs12_password_file)}))
    pdf = FakeDigitizer().digitize(fake_scan(CARD), name="scan.png").searchable_pdf
    assert pdf is not None
    with pytest.raises(SigningError) as caught:
        rt.signer.sign(pdf, role="agency", meta={}, level="B-LTA")
    assert caught.value.code == ErrorCode.LEVEL_UNREACHABLE
    failed = digitize_component(rt, _submit(rt, tmp_path, _officer("cb31"), seed=3).id, final=False)
    assert (failed.status, failed.last_error_code) == ("failed", "level_unreachable")  # default B-T, no TSA
    assert _stored_documents(rt) == []
    done = rt.signer.sign(pdf, role="officer", meta={}, level="B-B", officer="cb31")
    assert done.signature.level == "B-B"  # the level asked for, reachable without a TSA


def test_officers_keys_stay_loaded_up_to_the_bound(module_pki, tmp_path):
    pdf = FakeDigitizer().digitize(fake_scan(CARD), name="scan.png").searchable_pdf
    assert pdf is not None
    for size, loads in ((1, 3), (2, 2)):
        signer = PipelineSigner(_settings(tmp_path, module_pki, officer_cache_size=size))
        try:
            for officer in ("cb41", "cb42", "cb41"):
                assert f"User ID: {officer}" in signer.sign(pdf, role="officer", meta={}, level="B-B",
                                                            officer=officer).signature.signer_name
            assert signer._officers.loads == loads
        finally:
            signer.close()


@pytest.mark.services
def test_a_real_worker_signs_each_component_with_its_submitting_officers_certificate(
        services: Services, producer: Producer, tmp_path: Path) -> None:
    """``sohoa worker`` (fake digitizer, real signing with the PKI it makes on first run) on the live services."""
    services.start_worker(threads=2, pipeline=True, extra_env={"SOHOA_WORKER__DIGITIZER": "fake"})
    officers = [_officer("cb51"), _officer("cb52")]
    ids = []
    for n, officer in enumerate(officers):
        path = tmp_path / f"scan-{n}.png"
        path.write_bytes(fake_scan(CARD, seed=100 + n))
        ids.append(producer.store.upload_component(path, citizen=CITIZEN, by=officer, dossier=DOSSIER).component.id)
        producer.dispatcher.digitize(ids[-1])
    views = producer.wait(ids, timeout_s=180)
    root = services.data_dir / "pki" / "certs" / "root.cert.pem"  # made by the worker on its first run
    for officer, view in zip(officers, views, strict=True):
        assert (view.status, view.last_error_code) == ("extracted", None)
        with producer.store.records.transaction() as s:
            doc = get_document(s, officer, view.document_ids[0])
        pdf = producer.store.objects.get_bytes(Bucket.DOCUMENTS, doc.searchable_pdf_key or "")
        cert = _signer_cert(pdf)
        assert cert.subject.native["user_id"] == officer.id
        assert cert.subject.native["common_name"] == f"{officer.id} (DEVELOPMENT)"
        report = verify_pdf(pdf, cfg=VerifySettings(trust_roots=(root,), revocation_timeout_s=5.0))
        assert report.valid, report.to_text("en")

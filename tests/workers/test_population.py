"""The population-data seam: extraction cross-checked against the registry, a disagreement flagged, never fixed.

Through the fake (fixtures) and through the HTTP adapter against the registry stand-in on
127.0.0.1; a registry that is down or slow skips the check with a warning, never fails the dossier.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from schemas.documents import ComponentResult, DigitizeResult, DocType, FieldValue
from schemas.errors import ConfigError, ErrorCode
from schemas.settings import RegistrySettings, Settings, WorkerSettings
from store import Store
from store.objects import LocalObjectStore
from store.records import audit_trail, get_document, open_records
from tests.workers.conftest import CITIZEN, OFFICER, upload
from tests.workers.registry_standin import FIXTURES, TOKEN, RegistryStandIn, registry_standin
from workers import FakeDigitizer, FakeSigner, Runtime, digitize_component
from workers._population import (
    REGISTRY_MISMATCH,
    CitizenRegistry,
    FakeCitizenRegistry,
    HttpCitizenRegistry,
    RegisteredPerson,
    RegistryUnavailableError,
    cross_check,
    make_citizen_registry,
)

AN = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": CITIZEN, "ngay_sinh": "1990-01-01", "gioi_tinh": "Nam"}


def _result(fields: dict[str, str], doc_type: str = "can_cuoc") -> DigitizeResult:
    part = ComponentResult(doc_type=DocType(doc_type), confidence=0.9, page_range=(1, 1),
                           fields={k: FieldValue(value=v, confidence=0.9, page=1) for k, v in fields.items()})
    return DigitizeResult(file="x.png", doc_type=DocType(doc_type), pages=1, components=(part,))


def _flags(result: DigitizeResult) -> dict[str, tuple[str, ...]]:
    return {k: v.flags for k, v in result.components[0].fields.items() if v.flags}


@pytest.fixture
def fake() -> FakeCitizenRegistry:
    return FakeCitizenRegistry.from_file(FIXTURES)


def test_values_that_agree_get_no_flag_whatever_their_case_and_spacing(fake: FakeCitizenRegistry) -> None:
    checked = cross_check(_result({**AN, "ho_ten": "NGUYỄN  VĂN AN"}), fake)
    assert _flags(checked.result) == {} and checked.checked == (CITIZEN,) and checked.warning is None


def test_a_disagreeing_field_is_flagged_and_keeps_the_value_read(fake: FakeCitizenRegistry) -> None:
    read = _result({**AN, "ho_ten": "Nguyễn Văn Ân", "gioi_tinh": "Nữ"})
    checked = cross_check(read, fake)
    assert _flags(checked.result) == {"ho_ten": (REGISTRY_MISMATCH,), "gioi_tinh": (REGISTRY_MISMATCH,)}
    fields = checked.result.components[0].fields
    assert (fields["ho_ten"].value, fields["gioi_tinh"].value, fields["ngay_sinh"].flags) == ("Nguyễn Văn Ân", "Nữ", ())
    assert checked.mismatches == {"so_dinh_danh": ["ho_ten", "gioi_tinh"]}


def test_both_spouses_of_a_marriage_certificate_are_checked(fake: FakeCitizenRegistry) -> None:
    read = _result({"so_dinh_danh_chong": "001085000003", "ho_ten_chong": "Lê Văn Cường", "ngay_sinh_chong":
                    "1985-03-02", "so_dinh_danh_vo": "079190000002", "ho_ten_vo": "Trần Thị Bình",
                    "ngay_sinh_vo": "1990-07-16"}, "ket_hon")
    assert _flags(cross_check(read, fake).result) == {"ngay_sinh_vo": (REGISTRY_MISMATCH,)}


def test_an_id_the_registry_does_not_hold_and_no_registry_change_nothing(fake: FakeCitizenRegistry) -> None:
    stranger = _result({**AN, "so_dinh_danh": "001099000009", "ho_ten": "Ai Đó"})
    assert cross_check(stranger, fake).result == stranger
    assert cross_check(stranger, None).result == stranger


class _Down:
    def lookup(self, so_dinh_danh: str) -> RegisteredPerson | None:
        raise RegistryUnavailableError("the registry could not be reached: ConnectError")


def test_a_registry_that_cannot_be_asked_skips_the_check_with_a_warning() -> None:
    read = _result({**AN, "ho_ten": "Nguyễn Văn Ân"})
    checked = cross_check(read, _Down())
    assert checked.result == read and checked.warning is not None and "registry_unavailable" in checked.warning


# --------------------------------------------------------------------------- the worker, with a registry


@pytest.fixture
def runtime_with(settings: Settings) -> Iterator[Any]:
    made: list[Runtime] = []

    def make(registry: CitizenRegistry | None) -> Runtime:
        rt = Runtime(settings, LocalObjectStore(settings.data_dir / "objects"), open_records(settings),
                     FakeDigitizer(), FakeSigner(), registry)
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.close()


def _digitize(rt: Runtime, tmp_path: Path, fields: dict[str, str]) -> tuple[Any, Any, list[str]]:
    comp = upload(Store(rt.objects, rt.records), tmp_path, {"doc_type": "can_cuoc", "fields": fields})
    done = digitize_component(rt, comp.id, final=True)
    with rt.records.transaction() as s:
        doc = get_document(s, OFFICER, done.document_ids[0])
        actions = [line.action for line in audit_trail(s, record_id=comp.id)]
    return done, doc, actions


def test_the_worker_stores_the_flag_on_the_field_and_audits_the_mismatch(runtime_with: Any, tmp_path: Path,
                                                                         fake: FakeCitizenRegistry) -> None:
    done, doc, actions = _digitize(runtime_with(fake), tmp_path, {**AN, "ngay_sinh": "1990-01-07"})
    assert done.status == "extracted"
    assert doc.fields["ngay_sinh"]["value"] == "1990-01-07"
    assert REGISTRY_MISMATCH in doc.fields["ngay_sinh"]["flags"]
    assert REGISTRY_MISMATCH not in doc.fields["ho_ten"]["flags"]
    assert "registry_mismatch" in actions


@pytest.fixture
def standin() -> Iterator[RegistryStandIn]:
    with registry_standin() as server:
        yield server


def _http(standin: RegistryStandIn, *, token: str = TOKEN, timeout_s: float = 2.0) -> HttpCitizenRegistry:
    return HttpCitizenRegistry(RegistrySettings(backend="http", url=standin.url, token=SecretStr(token),
                                                timeout_s=timeout_s))


def test_the_http_adapter_asks_the_standin_and_flags_what_differs(runtime_with: Any, tmp_path: Path,
                                                                  standin: RegistryStandIn) -> None:
    done, doc, _ = _digitize(runtime_with(_http(standin)), tmp_path, {**AN, "ho_ten": "Nguyễn Văn Anh"})
    assert done.status == "extracted" and standin.asked == [CITIZEN]
    assert doc.fields["ho_ten"]["flags"] == [REGISTRY_MISMATCH] and doc.fields["ho_ten"]["value"] == "Nguyễn Văn Anh"
    assert _http(standin).lookup("001099000009") is None


@pytest.mark.parametrize("trouble", ["down", "slow", "bad_token", "gone"])
def test_a_registry_in_trouble_never_fails_the_dossier(runtime_with: Any, tmp_path: Path, standin: RegistryStandIn,
                                                       trouble: str) -> None:
    registry = _http(standin, token="wrong" if trouble == "bad_token" else TOKEN, timeout_s=0.3)
    if trouble == "down":
        standin.down = True
    elif trouble == "slow":
        standin.delay_s = 1.0
    elif trouble == "gone":
        registry.url = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(RegistryUnavailableError):
        registry.lookup(CITIZEN)
    done, doc, actions = _digitize(runtime_with(registry), tmp_path, {**AN, "ho_ten": "Nguyễn Văn Anh"})
    assert done.status == "extracted"
    assert doc.fields["ho_ten"]["flags"] == [] and "registry_unavailable" in actions


# --------------------------------------------------------------------------- configuration


def test_the_backend_is_chosen_by_name_and_the_fake_is_refused_in_production(tmp_path: Path) -> None:
    assert make_citizen_registry(Settings(data_dir=tmp_path)) is None
    fake = RegistrySettings(backend="fake", fixtures=FIXTURES)
    assert isinstance(make_citizen_registry(Settings(data_dir=tmp_path, registry=fake)), FakeCitizenRegistry)
    with pytest.raises(ConfigError) as refused:
        make_citizen_registry(Settings(data_dir=tmp_path, environment="production", registry=fake))
    assert refused.value.code == ErrorCode.INSECURE_CONFIG


def test_outside_development_the_http_registry_needs_a_token_and_https(tmp_path: Path) -> None:
    plain = RegistrySettings(backend="http", url="http://dancu.example/api")
    with pytest.raises(ConfigError) as insecure:
        Settings(data_dir=tmp_path, environment="test", registry=plain).check_secure()
    problems = insecure.value.detail["problems"]
    assert any("SOHOA_REGISTRY__TOKEN" in p for p in problems) and any("SOHOA_REGISTRY__URL" in p for p in problems)
    Settings(data_dir=tmp_path, registry=plain).check_secure()  # development takes it


def test_the_worker_runtime_builds_the_configured_registry(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, registry=RegistrySettings(backend="fake", fixtures=FIXTURES),
                        worker=WorkerSettings(digitizer="fake", signer="fake"))
    rt = Runtime.from_settings(settings)
    try:
        assert isinstance(rt.citizen_registry, FakeCitizenRegistry)
        assert rt.citizen_registry.lookup(CITIZEN) == RegisteredPerson(CITIZEN, "Nguyễn Văn An", "1990-01-01", "Nam")
    finally:
        rt.close()

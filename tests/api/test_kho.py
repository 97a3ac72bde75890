"""``POST /v1/kho/lookup``: a citizen's results by code and number, in the national shape, by role, audited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import CALLERS, CITIZEN, DOSSIER, Api


@pytest.fixture
def result_code(api: Api) -> str:
    """An H55 dossier for CITIZEN with one result signed by the agency; its code."""
    api.open_dossier()
    cid, _doc = api.digitized()
    pdf = api.client.get(f"/v1/components/{cid}/file?variant=searchable", headers=api.headers("officer")).content
    job = api.client.post("/v1/results", files={"file": ("kq.pdf", pdf, "application/pdf")},
                          data={"ma_ho_so": DOSSIER, "ten_giay_to": "Giấy chứng nhận", "so_ky_hieu": "15/GCN-UBND"},
                          headers=api.headers("resolution"))
    assert job.status_code == 202, job.text
    done = api.wait_job(job.json()["job_id"])
    assert done["state"] == "done", done
    return str(done["ma_ket_qua"])


def _ask(api: Api, who: str, *, asked: list[dict[str, Any]] | None = None, **changes: Any) -> Any:
    role, sub, _ = CALLERS[who]
    body = {"SoDinhDanhChuSoHuu": CITIZEN, "HoTenNguoiYeuCau": "Người hỏi", "KenhThucHien": "2" if role == "citizen"
            else "1", "SoDinhDanhNguoiYeuCau": sub, "MaThuTuc": "1.001193", "DanhSachDanhMucKetQua": asked or []}
    body.update(changes)
    return api.client.post("/v1/kho/lookup", json=body, headers=api.headers(who))


@pytest.mark.parametrize("who", ["officer", "resolution", "citizen"])
def test_the_agency_and_the_owner_get_the_result_in_the_national_shape(api: Api, result_code: str, who: str) -> None:
    r = _ask(api, who, asked=[{"MaKetQua": result_code, "SoKyHieu": "15/GCN-UBND"}])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["errorCode"], sorted(body["result"])) == ("0", ["DanhSachGiayToKetQua"])
    [found] = body["result"]["DanhSachGiayToKetQua"]
    assert found["MaKetQua"] == result_code == f"{DOSSIER}-KQ1"
    assert (found["TenGiayTo"], found["SoKyHieu"]) == ("Giấy chứng nhận", "15/GCN-UBND")
    assert found["CoQuanChuQuan"]
    [attached] = found["DanhSachTepDinhKem"]
    assert attached["TenTep"] == f"{result_code}.pdf"
    fetched = api.client.get(attached["DuongDan"], headers=api.headers(who))
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["foreign_officer", "foreign_resolution", "other_citizen", "admin"])
def test_anyone_else_is_refused_even_naming_themselves(api: Api, result_code: str, who: str) -> None:
    r = _ask(api, who, asked=[{"MaKetQua": result_code}])
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("who", "changes"), [
    ("officer", {"SoDinhDanhNguoiYeuCau": "canbo09"}),
    ("officer", {"KenhThucHien": "2"}),
    ("citizen", {"KenhThucHien": "1"}),
    ("other_citizen", {"SoDinhDanhNguoiYeuCau": CITIZEN}),
])
def test_a_body_naming_another_requester_is_refused(api: Api, result_code: str, who: str,
                                                    changes: dict[str, str]) -> None:
    r = _ask(api, who, asked=[{"MaKetQua": result_code}], **changes)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "requester_mismatch"


def test_a_wrong_number_or_unknown_code_finds_nothing_and_an_empty_list_finds_all(api: Api, result_code: str) -> None:
    def codes(asked: list[dict[str, Any]]) -> list[str]:
        r = _ask(api, "officer", asked=asked)
        assert r.status_code == 200, r.text
        return [g["MaKetQua"] for g in r.json()["result"]["DanhSachGiayToKetQua"]]

    assert codes([{"MaKetQua": result_code, "SoKyHieu": "99/XX"}]) == []
    assert codes([{"MaKetQua": f"{DOSSIER}-KQ9"}]) == []
    assert codes([]) == [result_code]


def test_every_lookup_is_in_the_owners_access_log_with_who_asked(api: Api, result_code: str) -> None:
    assert _ask(api, "resolution", asked=[{"MaKetQua": result_code}]).status_code == 200
    assert _ask(api, "foreign_officer", asked=[{"MaKetQua": result_code}]).status_code == 403
    log = api.client.get("/v1/me/access-log", headers=api.headers("citizen")).json()["items"]
    lookups = [line for line in log if line["action"] == "kho_lookup"]
    assert [line["who"] for line in lookups] == ["resolution_system:motcua"]
    assert lookups[0]["ma_ho_so"] == DOSSIER


def test_a_malformed_body_is_refused_with_the_field(api: Api) -> None:
    r = api.client.post("/v1/kho/lookup", json={"SoDinhDanhChuSoHuu": CITIZEN, "KenhThucHien": "3",
                                                "SoDinhDanhNguoiYeuCau": "canbo01"}, headers=api.headers("officer"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_value"

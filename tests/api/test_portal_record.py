"""``GET /v1/dossiers/{ma_ho_so}/portal-record``: the portal's record, for officers of the agency, audited."""

from __future__ import annotations

from tests.api.conftest import DOSSIER, Api


def test_the_officer_gets_the_record_and_the_citizen_sees_the_read_in_their_access_log(api: Api) -> None:
    api.open_dossier()
    component, _document = api.digitized()
    r = api.client.get(f"/v1/dossiers/{DOSSIER}/portal-record", headers=api.headers("officer"))
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["MaHoSo"] == DOSSIER and record["TrangThaiHoSo"] == 2 and record["HoSoCoThanhPhanSoHoa"] == 1
    assert [(t["TepDinhKemId"], t["DuocSoHoa"]) for t in record["TaiLieuNop"]] == [(component, 1)]
    log = api.client.get("/v1/me/access-log", headers=api.headers("citizen")).json()["items"]
    assert any(line["action"] == "read_portal_record" and line.get("ma_ho_so") == DOSSIER for line in log)


def test_an_unknown_dossier_is_404_and_another_agencys_is_403(api: Api) -> None:
    api.open_dossier()
    unknown = api.client.get("/v1/dossiers/000.00.15.H55-230612-0999/portal-record", headers=api.headers("officer"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    foreign = api.client.get(f"/v1/dossiers/{DOSSIER}/portal-record", headers=api.headers("foreign_officer"))
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "forbidden"

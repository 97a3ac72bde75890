"""``GET /v1/stats`` and the index's Prometheus gauges, through the app (the figures themselves: tests/store)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.api.conftest import AGENCY, FOREIGN, Api

VN = timezone(timedelta(hours=7))


def test_an_officer_gets_their_agencys_index_for_today(api: Api) -> None:
    api.open_dossier()
    api.digitized(confirm=False)
    today = datetime.now(VN).date().isoformat()
    r = api.client.get(f"/v1/stats?from={today}&to={today}", headers=api.headers("officer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agency"] == AGENCY
    assert body["dossiers"] == {"total": 1, "digitized": 1, "share": 1.0}
    assert body["components"]["total"] == 1 and body["components"]["per_day"] == [{"day": today, "count": 1}]
    assert body["upload_to_done"]["components"] == 1 and body["upload_to_done"]["p50_s"] >= 0
    yesterday = (datetime.now(VN).date() - timedelta(days=1)).isoformat()
    before = api.client.get(f"/v1/stats?to={yesterday}", headers=api.headers("officer")).json()
    assert before["dossiers"]["total"] == 0 and before["dossiers"]["share"] is None


def test_the_foreign_officer_and_the_resolution_system_are_refused(api: Api) -> None:
    for who, agency in (("foreign_officer", AGENCY), ("officer", FOREIGN), ("resolution", AGENCY),
                        ("citizen", AGENCY)):
        r = api.client.get(f"/v1/stats?agency={agency}", headers=api.headers(who))
        assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden"), (who, r.text)


def test_bad_bounds_are_refused_with_a_stable_code(api: Api) -> None:
    for query in ("from=yesterday", "from=2026-12-05T10:00:00", "from=2026-12-05&to=2026-12-01"):
        r = api.client.get(f"/v1/stats?{query}", headers=api.headers("admin"))
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_value"), (query, r.text)


def test_the_gauges_are_on_the_metrics_page(api: Api) -> None:
    api.open_dossier()
    api.digitized(confirm=False)
    text = api.client.get("/metrics").text
    assert "sohoa_index_dossiers_digitized_ratio 1.0" in text
    assert 'sohoa_index_upload_to_done_seconds{quantile="0.5"}' in text
    assert "sohoa_index_components_reused_ratio 0.0" in text

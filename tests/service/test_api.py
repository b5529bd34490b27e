"""HTTP API behaviour: decisions, roles per endpoint, malformed bodies, limits, segments, thresholds,
feedback, retraining, audit pages, metrics, headers, hot reload."""

from __future__ import annotations

import json
import threading
import time

import pytest

from qsec6g.service import audit
from tests.service.conftest import Client, request_body
from tests.service.fake_engine import FakeEngine

# (method, path, body, minimum role) for every authenticated endpoint
ENDPOINTS = [
    ("post", "/v1/decide", request_body(), "operator"),
    ("post", "/v1/flows", {"flows": [request_body()]}, "operator"),
    ("get", "/v1/decisions", None, "reader"),
    ("get", "/v1/segments", None, "reader"),
    ("put", "/v1/segments/cu-cp", {"action": "restrict", "reason": "maintenance window"}, "admin"),
    ("get", "/v1/thresholds", None, "reader"),
    (
        "put",
        "/v1/thresholds",
        {"gamma1": 0.4, "gamma2": 0.7, "tau_restrict": 0.6, "tau_deny": 0.85, "reason": "tune"},
        "admin",
    ),
    ("get", "/v1/models", None, "reader"),
    ("get", "/v1/models/retrain", None, "reader"),
    ("get", "/v1/audit", None, "reader"),
    ("get", "/v1/audit/verify", None, "reader"),
    ("get", "/v1/whoami", None, "reader"),
    ("get", "/v1/keys", None, "admin"),
    ("post", "/v1/keys", {"name": "new", "role": "reader"}, "admin"),
]
ORDER = ["reader", "operator", "admin"]


def call(c: Client, method: str, path: str, body, headers):  # noqa: ANN001, ANN201
    return c.http.request(method.upper(), path, json=body, headers=headers)


@pytest.mark.parametrize("method,path,body,need", ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_roles_per_endpoint(sqlite_client: Client, method: str, path: str, body, need: str) -> None:  # noqa: ANN001
    c = sqlite_client
    assert call(c, method, path, body, {}).status_code == 401
    assert call(c, method, path, body, {"Authorization": "Bearer qs6_0000_nope"}).status_code == 401
    for role in ORDER:
        r = call(c, method, path, body, c.h(role))
        if ORDER.index(role) < ORDER.index(need):
            assert r.status_code == 403, (role, r.text)
            assert f"needs role '{need}'" in r.json()["detail"]
        else:
            assert r.status_code < 300, (role, r.text)


def test_decide_records_decision_and_audit_entry(client: Client) -> None:
    r = client.post("/v1/decide", json=request_body(900))
    assert r.status_code == 200
    d = r.json()
    assert (d["outcome"], d["risk_class"], d["model_version"]) == ("deny", "malicious", "fake-1")
    assert d["risk"] == pytest.approx(0.9) and d["explanation"][0] == {"name": "feature:bytes", "value": 0.9}
    assert d["thresholds"] == {"gamma1": 0.5, "gamma2": 0.8, "tau_restrict": 0.65, "tau_deny": 0.8}
    page = client.get("/v1/audit", params={"action": "decision"}).json()
    assert [e["subject"] for e in page["entries"]] == [f"decision:{d['decision_id']}"]
    assert page["entries"][0]["payload"]["outcome"] == "deny"
    listed = client.get("/v1/decisions").json()
    assert listed[0]["decision_id"] == d["decision_id"] and listed[0]["user_id"] == "alice"


def test_outcomes_follow_risk(sqlite_client: Client) -> None:
    got = [sqlite_client.post("/v1/decide", json=request_body(b)).json()["outcome"] for b in (100, 700, 900)]
    assert got == ["grant", "restrict", "deny"]
    unmanaged = sqlite_client.post("/v1/decide", json=request_body(600, managed=False)).json()
    assert unmanaged["risk"] == pytest.approx(0.7) and unmanaged["outcome"] == "restrict"


def test_flows_batch_and_limit(sqlite_client: Client) -> None:
    r = sqlite_client.post("/v1/flows", json={"flows": [request_body(b) for b in (100, 700, 900)]})
    assert [d["outcome"] for d in r.json()["decisions"]] == ["grant", "restrict", "deny"]
    too_many = sqlite_client.post("/v1/flows", json={"flows": [request_body()] * 51})
    assert too_many.status_code == 413 and "exceeds the limit of 50" in too_many.json()["detail"]
    bad = sqlite_client.post("/v1/flows", json={"flows": [request_body(), request_body(extra=1)]})
    assert bad.status_code == 422 and "flows.1.extra: unknown field" in bad.json()["detail"]
    missing = request_body()
    del missing["features"]["packets"]
    r = sqlite_client.post("/v1/flows", json={"flows": [request_body(), missing]})
    assert r.status_code == 422 and r.json()["detail"] == "flows[1].features: missing feature 'packets'"
    assert sqlite_client.get("/v1/audit", params={"action": "decision"}).json()["entries"].__len__() == 3


def raw(c: Client, body: bytes):  # noqa: ANN201
    return c.http.post(
        "/v1/decide", content=body, headers={**c.h("operator"), "content-type": "application/json"}
    )


@pytest.mark.parametrize(
    "mutate,expect",
    [
        (
            lambda b: b["features"].update(bytes=float("nan")),
            "body.features.bytes: Input should be a finite number",
        ),
        (
            lambda b: b["features"].update(bytes=float("inf")),
            "body.features.bytes: Input should be a finite number",
        ),
        (
            lambda b: b["device"].update(patch_age_days=float("-inf")),
            "body.device.patch_age_days: Input should be a finite",
        ),
        (lambda b: b["features"].update(bytes="100"), "body.features.bytes: Input should be a valid number"),
        (lambda b: b["device"].update(managed="yes"), "body.device.managed: Input should be a valid boolean"),
        (lambda b: b["user"].update(user_id=5), "body.user.user_id: Input should be a valid string"),
        (lambda b: b.update(admin=True), "body.admin: unknown field"),
        (lambda b: b["device"].update(root=True), "body.device.root: unknown field"),
        (lambda b: b["features"].update(bogus=1.0), "features: unknown feature 'bogus'"),
        (lambda b: b["features"].pop("duration"), "features: missing feature 'duration'"),
        (
            lambda b: b["device"].update(patch_age_days=-1.0),
            "body.device.patch_age_days: Input should be greater",
        ),
        (
            lambda b: b["user"].update(permissions=["p"] * 65),
            "body.user.permissions: List should have at most 64",
        ),
        (lambda b: b.update(segment_id="nowhere"), "segment_id: unknown segment 'nowhere'"),
    ],
)
def test_malformed_bodies_answer_422_with_a_clear_message(sqlite_client: Client, mutate, expect: str) -> None:  # noqa: ANN001
    body = request_body()
    mutate(body)
    r = raw(sqlite_client, json.dumps(body).encode())  # json.dumps writes NaN / Infinity literals
    assert r.status_code == 422, r.text
    assert expect in r.json()["detail"]


def test_bad_json_and_wrong_top_level_types(sqlite_client: Client) -> None:
    r = raw(sqlite_client, b'{"user": ')
    assert r.status_code == 422 and r.json()["detail"].startswith("body: malformed JSON")
    r = raw(sqlite_client, b"[1, 2, 3]")
    assert r.status_code == 422 and "valid dictionary" in r.json()["detail"]
    r = raw(sqlite_client, b"")
    assert r.status_code == 422


def test_huge_bodies_answer_413(sqlite_client: Client) -> None:
    body = request_body()
    body["user"]["permissions"] = ["x" * 100] * 3000  # ~300 kB > 200 kB limit
    r = raw(sqlite_client, json.dumps(body).encode())
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for _ in range(300):
            yield b" " * 1000

    r = sqlite_client.http.post(
        "/v1/decide",
        content=chunks(),
        headers={**sqlite_client.h("operator"), "content-type": "application/json"},
    )
    assert r.status_code == 413


def test_segment_override_requires_reason_applies_and_is_audited(client: Client) -> None:
    r = client.put("/v1/segments/cu-cp", json={"action": "isolate"})
    assert r.status_code == 422 and "body.reason: Field required" in r.json()["detail"]
    r = client.put("/v1/segments/cu-cp", json={"action": "isolate", "reason": "  "})
    assert r.status_code == 422
    r = client.put("/v1/segments/no-such", json={"action": "isolate", "reason": "incident 42"})
    assert r.status_code == 404
    r = client.put("/v1/segments/cu-cp", json={"action": "isolate", "reason": "incident 42"})
    assert r.json()["policy"] == "isolate" and r.json()["reason"] == "incident 42"
    d = client.post("/v1/decide", json=request_body(100, segment="cu-cp")).json()
    assert (d["engine_outcome"], d["outcome"], d["segment_policy"]) == ("grant", "deny", "isolate")
    client.put("/v1/segments/cu-cp", json={"action": "restrict", "reason": "recovering"})
    d = client.post("/v1/decide", json=request_body(100, segment="cu-cp")).json()
    assert d["outcome"] == "restrict"
    client.put("/v1/segments/cu-cp", json={"action": "restore", "reason": "incident closed"})
    assert client.post("/v1/decide", json=request_body(100, segment="cu-cp")).json()["outcome"] == "grant"
    overrides = client.get("/v1/audit", params={"action": "segment.override"}).json()["entries"]
    assert [(e["payload"]["to"], e["payload"]["reason"]) for e in overrides] == [
        ("isolate", "incident 42"),
        ("restrict", "recovering"),
        ("allow", "incident closed"),
    ]
    policies = {s["id"]: s["policy"] for s in client.get("/v1/segments").json()}
    assert policies["cu-cp"] == "allow" and len(policies) == 12


def test_thresholds_update_validate_persist_and_audit(client: Client, settings) -> None:  # noqa: ANN001
    bad = {"gamma1": 0.7, "gamma2": 0.6, "tau_restrict": 0.5, "tau_deny": 0.9, "reason": "oops"}
    r = client.put("/v1/thresholds", json=bad)
    assert r.status_code == 422 and "gamma1 < gamma2" in r.json()["detail"]
    r = client.put("/v1/thresholds", json={**bad, "gamma1": 1.5})
    assert r.status_code == 422 and "body.gamma1" in r.json()["detail"]
    new = {"gamma1": 0.3, "gamma2": 0.6, "tau_restrict": 0.5, "tau_deny": 0.7, "reason": "stricter"}
    assert client.put("/v1/thresholds", json=new).status_code == 200
    assert client.post("/v1/decide", json=request_body(600)).json()["outcome"] == "restrict"
    state = client.get("/v1/thresholds").json()
    assert state["current"] == {k: new[k] for k in ("gamma1", "gamma2", "tau_restrict", "tau_deny")}
    assert [h["reason"] for h in state["history"]][:2] == ["stricter", "initial thresholds of model fake-1"]
    assert state["controller"]["changes"] == 2
    assert (
        client.get("/v1/audit", params={"action": "thresholds.set"}).json()["entries"][-1]["payload"][
            "reason"
        ]
        == "stricter"
    )
    # a restart keeps them
    from tests.service.conftest import make_client

    again = make_client(settings)
    assert again.get("/v1/thresholds").json()["current"]["tau_deny"] == 0.7
    again.app.state.service.db.dispose()


def test_feedback_queue_retrain_progress_and_hot_swap(sqlite_client: Client) -> None:
    c = sqlite_client
    ids = [c.post("/v1/decide", json=request_body(b)).json()["decision_id"] for b in (100, 200, 750)]
    assert c.post("/v1/decide", json=request_body(750)).json()["outcome"] == "restrict"
    r = c.post("/v1/feedback", json={"decision_id": "nope", "verdict": "false_positive"})
    assert r.status_code == 404
    r = c.post("/v1/feedback", json={"decision_id": ids[0], "verdict": "false_negative", "note": "exfil"})
    assert r.status_code == 201 and r.json()["queued_for_retraining"] == 1
    c.post("/v1/feedback", json={"decision_id": ids[1], "verdict": "false_negative"})
    assert c.post("/v1/models/retrain", json={"seed": 1}, role="operator").status_code == 403
    job = c.post("/v1/models/retrain", json={"seed": 1}, role="admin").json()
    for _ in range(200):
        state = c.get(f"/v1/models/retrain/{job['id']}").json()
        if state["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert state["status"] == "succeeded", state
    assert state["progress"] == 1.0 and state["model_version"] == "v1"
    models = c.get("/v1/models").json()
    assert models["active_version"] == "v1"
    assert models["versions"][0]["metrics"]["feedback_rows"] == 2
    assert len(models["versions"][0]["data_hash"]) == 64
    # more attacks in the feedback -> the fake trainer made a more sensitive engine: 750 bytes now deny
    d = c.post("/v1/decide", json=request_body(750)).json()
    assert (d["model_version"], d["outcome"]) == ("v1", "deny")
    actions = [e["action"] for e in c.get("/v1/audit", params={"limit": 500}).json()["entries"]]
    assert {"feedback", "model.register", "model.activate"} <= set(actions)
    assert c.get("/v1/audit/verify").json()["ok"]


def test_hot_reload_drops_no_request(sqlite_client: Client) -> None:
    c = sqlite_client
    svc = c.app.state.service
    svc.registry.register(FakeEngine(scale=2000.0), "0" * 64, {"note": "test"}, "test", version="v-alt")
    errors: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            r = c.post("/v1/decide", json=request_body(900))
            if r.status_code != 200:
                errors.append(r.status_code)
            else:
                versions.add(r.json()["model_version"])

    t = threading.Thread(target=hammer)
    t.start()
    time.sleep(0.2)
    assert c.post("/v1/models/v-alt/activate", role="admin").json()["active_version"] == "v-alt"
    time.sleep(0.2)
    stop.set()
    t.join()
    assert errors == [] and versions == {"fake-1", "v-alt"}
    assert c.post("/v1/models/nope/activate", role="admin").status_code == 404


def test_tampered_artifact_is_refused(sqlite_client: Client) -> None:
    svc = sqlite_client.app.state.service
    svc.registry.register(FakeEngine(), "0" * 64, {}, "test", version="v-x")
    path = svc.settings.models_dir / "v-x" / "engine.npz"
    path.write_text(path.read_text().replace("1000.0", "1.0"))
    r = sqlite_client.post("/v1/models/v-x/activate", role="admin")
    assert r.status_code == 422 and "digest does not match" in r.json()["detail"]


def test_audit_pagination_and_filters(sqlite_client: Client) -> None:
    c = sqlite_client
    for b in range(7):
        c.post("/v1/decide", json=request_body(100 * b))
    seen, cursor = [], 0
    while cursor is not None:
        page = c.get("/v1/audit", params={"action": "decision", "limit": 3, "after_seq": cursor}).json()
        seen += [e["seq"] for e in page["entries"]]
        cursor = page["next_cursor"]
    assert len(seen) == 7 and seen == sorted(seen)
    desc = c.get("/v1/audit", params={"order": "desc", "limit": 2}).json()["entries"]
    assert desc[0]["seq"] > desc[1]["seq"]
    actor = desc[0]["actor"]
    assert all(e["actor"] == actor for e in c.get("/v1/audit", params={"actor": actor}).json()["entries"])
    assert c.get("/v1/audit", params={"limit": 0}).status_code == 422


def test_keys_api_create_use_revoke(sqlite_client: Client) -> None:
    c = sqlite_client
    created = c.post("/v1/keys", role="admin", json={"name": "ops", "role": "operator"}).json()
    h = {"Authorization": f"Bearer {created['token']}"}
    assert c.http.post("/v1/decide", json=request_body(), headers=h).status_code == 200
    c.http.delete(f"/v1/keys/{created['key_id']}", headers=c.h("admin"))
    assert c.http.post("/v1/decide", json=request_body(), headers=h).status_code == 401
    listed = {k["key_id"]: k for k in c.get("/v1/keys", role="admin").json()}
    assert listed[created["key_id"]]["revoked_at"] is not None
    assert "token" not in listed[created["key_id"]]


def test_per_key_rate_limit(sqlite_client: Client) -> None:
    c = sqlite_client
    slow = c.post(
        "/v1/keys", role="admin", json={"name": "slow", "role": "reader", "rate_per_second": 0.5, "burst": 2}
    ).json()
    h = {"Authorization": f"Bearer {slow['token']}"}
    codes = [c.http.get("/v1/segments", headers=h).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    r = c.http.get("/v1/segments", headers=h)
    assert int(r.headers["retry-after"]) >= 1
    assert c.get("/v1/segments").status_code == 200  # other keys unaffected


def test_health_ready_metrics_headers_cors(sqlite_client: Client) -> None:
    c = sqlite_client
    assert c.http.get("/healthz").json() == {"status": "ok"}
    assert c.http.get("/readyz").json()["model_version"] == "fake-1"
    for b in (100, 900, 900):
        c.post("/v1/decide", json=request_body(b))
    text = c.http.get("/metrics").text
    assert 'qsec6g_decisions_total{outcome="deny"} 2.0' in text
    assert 'qsec6g_decisions_total{outcome="grant"} 1.0' in text
    assert 'qsec6g_threshold{name="tau_deny"} 0.8' in text
    assert 'qsec6g_model_info{version="fake-1"} 1.0' in text
    assert 'qsec6g_http_requests_total{method="POST",route="/v1/decide",status="200"} 3.0' in text
    assert 'qsec6g_http_request_duration_seconds_count{method="POST",route="/v1/decide"} 3.0' in text
    r = c.http.get("/ui/")
    assert r.status_code == 200
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    pre = c.http.options(
        "/v1/decide", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in pre.headers
    assert c.http.get("/openapi.json").json()["paths"]["/v1/decide"]["post"]


def test_audit_chain_covers_every_change(client: Client) -> None:
    c = client
    d = c.post("/v1/decide", json=request_body(900)).json()
    c.put("/v1/segments/iot-slice", json={"action": "isolate", "reason": "botnet"})
    c.put(
        "/v1/thresholds",
        json={"gamma1": 0.4, "gamma2": 0.7, "tau_restrict": 0.6, "tau_deny": 0.85, "reason": "tune"},
    )
    c.post("/v1/feedback", json={"decision_id": d["decision_id"], "verdict": "confirmed"})
    k = c.post("/v1/keys", role="admin", json={"name": "x", "role": "reader"}).json()
    c.http.delete(f"/v1/keys/{k['key_id']}", headers=c.h("admin"))
    entries = c.get("/v1/audit", params={"limit": 500}).json()["entries"]
    actions = [e["action"] for e in entries]
    for a in ("decision", "segment.override", "thresholds.set", "feedback", "key.create", "key.revoke"):
        assert a in actions
    with c.app.state.service.db.read() as s:
        assert audit.verify(s).ok


def test_jobs_interrupted_by_a_restart_are_marked_failed(settings) -> None:  # noqa: ANN001
    from qsec6g.service.models import RetrainJob, utc_now
    from tests.service.conftest import make_client

    first = make_client(settings)
    with first.app.state.service.db.write() as s:
        s.add(
            RetrainJob(
                id="j1", status="running", progress=0.4, message="fitting", actor="t", created_at=utc_now()
            )
        )
    first.app.state.service.db.dispose()
    again = make_client(settings)
    job = again.get("/v1/models/retrain/j1").json()
    assert (job["status"], job["message"]) == ("failed", "interrupted by a restart")
    again.app.state.service.db.dispose()

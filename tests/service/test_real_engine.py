"""The service with the real zero-trust engine (``qsec6g.zerotrust.decision``): default engine, decisions with
explanations, safe save / load through the registry, retraining with the default trainer, hot swap."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

if (
    importlib.util.find_spec("qsec6g.zerotrust") is None
    or importlib.util.find_spec("qsec6g.zerotrust.decision") is None
):
    pytest.skip("qsec6g.zerotrust.decision not on this branch yet", allow_module_level=True)

from fastapi.testclient import TestClient  # noqa: E402

from qsec6g.bench.service import sample_body  # noqa: E402
from qsec6g.service import auth  # noqa: E402
from qsec6g.service.api import create_app  # noqa: E402
from qsec6g.service.settings import ServiceSettings  # noqa: E402


def test_default_engine_decides_retrains_and_reloads(tmp_path: Path) -> None:
    app = create_app(ServiceSettings(home=tmp_path))
    svc = app.state.service
    with svc.db.write() as s:
        admin = auth.create_key(s, "admin", "admin", "test").token
    c = TestClient(app, headers={"Authorization": f"Bearer {admin}"})
    models = c.get("/v1/models").json()
    names = models["feature_names"]
    assert models["active_version"].startswith("default")
    calm = sample_body(names)
    noisy = sample_body(names)
    noisy["features"].update({n: calm["features"][n] * 40 for n in ("n_flows", "n_dest_ports", "n_dest_ip")})
    d_calm = c.post("/v1/decide", json=calm).json()
    d_noisy = c.post("/v1/decide", json=noisy).json()
    assert d_calm["risk"] < d_noisy["risk"]
    assert d_calm["outcome"] == "grant" and d_noisy["outcome"] in ("restrict", "deny")
    assert d_noisy["explanation"] and all("name" in e and "value" in e for e in d_noisy["explanation"])
    for d in (d_calm, d_noisy):
        c.post(
            "/v1/feedback", json={"decision_id": d["decision_id"], "verdict": "confirmed"}
        ).raise_for_status()
    job = c.post("/v1/models/retrain", json={"seed": 3}).json()
    for _ in range(600):
        state = c.get(f"/v1/models/retrain/{job['id']}").json()
        if state["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert state["status"] == "succeeded", state
    after = c.get("/v1/models").json()
    assert after["active_version"] == "v1"
    assert after["versions"][0]["metrics"]["feedback_rows"] == 2
    assert (tmp_path / "models" / "v1" / "engine.npz").is_file()
    assert c.post("/v1/decide", json=calm).json()["model_version"] == "v1"
    assert c.get("/v1/audit/verify").json()["ok"]
    svc.db.dispose()
    # a restart loads the active registered model (not the default engine) with the recorded thresholds
    again = create_app(ServiceSettings(home=tmp_path))
    assert again.state.service.holder.engine.model_version == "v1"
    again.state.service.db.dispose()


def test_qsec6g_serve_starts_with_no_setup(tmp_path: Path) -> None:
    """`qsec6g serve` as a user runs it: empty home, SQLite created, default engine, dashboard served."""
    import sys  # noqa: PLC0415

    import httpx  # noqa: PLC0415

    from qsec6g.bench.service import ServerProcess  # noqa: PLC0415

    src = str(Path(__file__).resolve().parents[2] / "src")
    server = ServerProcess(
        tmp_path, [sys.executable, "-m", "qsec6g", "serve", "--log-level", "warning"], {"PYTHONPATH": src}
    )
    try:
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{server.url}/ui/").status_code == 200
        assert httpx.post(f"{server.url}/v1/decide", json={}).status_code == 401
    finally:
        server.stop()
    assert (tmp_path / "qsec6g.db").is_file()

"""End-to-end dashboard test in headless Chromium (Debian's package) driven by Playwright: load /ui, see live
updates after decisions are posted, perform an admin override, check a reader sees no controls, take a
screenshot."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import request_body
from tests.service.server import Server, create_key

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright not installed (pip install playwright)"
)
expect = sync_api.expect
expect.set_options(timeout=30_000)  # polling every 1.5 s on a busy CI machine
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing (apt-get install chromium)"
)


@pytest.fixture
def server(tmp_path: Path):  # noqa: ANN201
    env = {"QSEC6G_HOME": str(tmp_path / "home")}
    keys = {role: create_key(env, role) for role in ("reader", "operator", "admin")}
    s = Server(env)
    yield s, keys
    s.stop()


def test_dashboard_live_updates_and_admin_override(server, tmp_path: Path) -> None:  # noqa: ANN001
    srv, keys = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{srv.url}/ui/")
        page.fill("#key-input", keys["admin"])
        page.click("#connect")
        page.wait_for_selector("#segments .segment >> nth=11")
        assert page.text_content("#role").endswith("(admin)")
        assert page.is_visible("#override-form")
        assert page.locator('.segment[data-policy="allow"]').count() == 12

        with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {keys['operator']}"}) as c:
            for b in [100, 200, 700, 950, 300, 850, 150, 720, 990, 120]:
                c.post("/v1/decide", json=request_body(float(b), segment="du-pool")).raise_for_status()
        expect(page.locator("#decision-count")).to_have_text("10 decisions")  # CSP forbids eval-based waits
        assert page.locator("#risk-chart .m-deny").count() == 3
        assert page.locator("#risk-chart .m-restrict").count() == 2
        assert page.locator("#risk-chart .m-grant").count() == 5
        assert page.locator("#risk-chart .th-tau_deny").count() == 1
        assert page.locator("#alerts li").count() == 5
        assert "feature:bytes" in page.text_content("#alerts li >> nth=0")

        page.select_option("#override-segment", "du-pool")
        page.select_option("#override-action", "isolate")
        page.fill("#override-reason", "lateral movement seen from du-pool")
        page.click("#override-apply")
        page.wait_for_selector('.segment[data-id="du-pool"][data-policy="isolate"]')
        expect(page.locator("#audit-status")).to_have_text(re.compile(r"^intact"))
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if os.environ.get("QSEC6G_SCREENSHOT_DIR"):
            shutil.copy(shot, Path(os.environ["QSEC6G_SCREENSHOT_DIR"]) / "dashboard.png")

        reader = browser.new_page()
        reader.goto(f"{srv.url}/ui/")
        reader.fill("#key-input", keys["reader"])
        reader.click("#connect")
        reader.wait_for_selector('.segment[data-id="du-pool"][data-policy="isolate"]')
        assert not reader.is_visible("#override-form")
        browser.close()
    assert problems == []
    audit = httpx.get(
        f"{srv.url}/v1/audit",
        params={"action": "segment.override"},
        headers={"Authorization": f"Bearer {keys['reader']}"},
    ).json()["entries"]
    assert audit[0]["payload"]["reason"] == "lateral movement seen from du-pool"

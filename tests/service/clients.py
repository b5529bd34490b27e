"""Light HTTP client loops run in separate processes (spawned: they import only httpx)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

BODY = {
    "user": {"user_id": "bob", "role": "employee"},
    "device": {"device_id": "ue-2"},
    "features": {"bytes": 500.0, "packets": 10.0, "duration": 1.0},
}


def post_decisions(url: str, token: str, n: int, out: str) -> None:
    """Post n decisions one after another; write the acknowledged decision ids to ``out``."""
    ids = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        for i in range(n):
            r = c.post("/v1/decide", json=BODY, timeout=30)
            r.raise_for_status()
            ids.append(r.json()["decision_id"])
    Path(out).write_text(json.dumps(ids))


def follow_audit(url: str, token: str, out: str, stop_file: str) -> None:
    """Follow the audit trail page by page until the writer is done; record every sequence number seen."""
    seen, cursor = [], 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        while True:
            done = Path(stop_file).exists()
            page = c.get("/v1/audit", params={"after_seq": cursor, "limit": 50}, timeout=30).json()
            seen += [e["seq"] for e in page["entries"]]
            if page["entries"]:
                cursor = page["entries"][-1]["seq"]
            elif done:
                break
            if len(page["entries"]) < 50:
                time.sleep(0.05)
    Path(out).write_text(json.dumps(seen))

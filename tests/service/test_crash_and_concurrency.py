"""Durability and concurrency against a real server process: kill -9 mid-stream loses no acknowledged
decision; a writer process and an audit-reader process run side by side without lost updates."""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.service.clients import follow_audit, post_decisions
from tests.service.conftest import request_body
from tests.service.server import Server, create_key


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {"QSEC6G_HOME": str(tmp_path / "home"), "QSEC6G_DATABASE_URL": database_url}


def audit_state(url: str, token: str) -> tuple[dict, list[dict]]:
    h = {"Authorization": f"Bearer {token}"}
    verify = httpx.get(f"{url}/v1/audit/verify", headers=h, timeout=30).json()
    entries, cursor = [], 0
    while cursor is not None:
        page = httpx.get(
            f"{url}/v1/audit",
            headers=h,
            timeout=30,
            params={"action": "decision", "limit": 500, "after_seq": cursor},
        ).json()
        entries += page["entries"]
        cursor = page["next_cursor"]
    return verify, entries


def test_kill_9_mid_stream_loses_no_acknowledged_decision(env: dict[str, str]) -> None:
    operator, reader = create_key(env, "operator"), create_key(env, "reader")
    server = Server(env)
    acked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post_loop() -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {operator}"}) as c:
            while not stop.is_set():
                try:
                    r = c.post("/v1/decide", json=request_body(900), timeout=30)
                except httpx.HTTPError:
                    return  # the server died mid-request: this one was never acknowledged
                if r.status_code == 200:
                    with lock:
                        acked.append(r.json()["decision_id"])

    threads = [threading.Thread(target=post_loop) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(acked) < 100 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL while four clients are writing
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) >= 100, f"only {len(acked)} decisions acknowledged in 120 s"
    restarted = Server(env)
    try:
        verify, entries = audit_state(restarted.url, reader)
    finally:
        restarted.stop()
    stored = {e["payload"]["id"] for e in entries}
    assert verify["ok"], verify
    assert set(acked) <= stored, f"{len(set(acked) - stored)} acknowledged decisions lost"
    assert len(stored) == len(entries)  # each decision audited once


def test_writer_and_audit_reader_processes_see_no_lost_updates(env: dict[str, str], tmp_path: Path) -> None:
    operator, reader = create_key(env, "operator"), create_key(env, "reader")
    server = Server(env)
    try:
        ctx = mp.get_context("spawn")
        ids_file, seen_file, done_file = (str(tmp_path / n) for n in ("ids.json", "seen.json", "done"))
        w = ctx.Process(target=post_decisions, args=(server.url, operator, 100, ids_file))
        r = ctx.Process(target=follow_audit, args=(server.url, reader, seen_file, done_file))
        r.start()
        w.start()
        w.join(120)
        Path(done_file).touch()
        r.join(120)
        assert w.exitcode == 0 and r.exitcode == 0
        ids = json.loads(Path(ids_file).read_text())
        seen = json.loads(Path(seen_file).read_text())
        verify, entries = audit_state(server.url, reader)
    finally:
        server.stop()
    assert verify["ok"]
    assert sorted({e["payload"]["id"] for e in entries}) == sorted(ids) and len(ids) == 100
    assert seen == list(range(1, len(seen) + 1))  # the follower saw a gap-free, ordered sequence
    assert len(seen) == verify["entries"]

"""Benchmark suite ``service``: the HTTP policy decision point under load, on loopback, bounded in time.

Load generator: ``wrk`` (Debian package ``wrk``, 4.x) driving ``POST /v1/decide`` from a Lua script.

- *sustained*: a fixed schedule of ``RATE`` decisions/s (per-connection send times computed in Lua from a
  monotonic clock, so the offered rate does not sag when responses slow down) for 60 s (``--quick``: 10 s);
  reports achieved rate, p50 / p95 / p99 latency, errors (socket errors + non-2xx), and the server's RSS at
  the start and end of the run.
- *saturation*: closed loop, no delay, 16 connections, 10 s (``--quick``: 5 s): the highest throughput.

Latency is wrk's: from sending a request to reading its response (service time; wrk 4 does not correct for
coordinated omission, which the fixed schedule keeps small while the server keeps up). Every acknowledged
decision is committed to the database with its audit entry before the response is sent. The server is ``qsec6g
serve`` (one uvicorn process, default engine, SQLite in WAL mode under a temporary QSEC6G_HOME). Target (issue
#5): 1,000 decisions/s with p99 <= 10 ms and zero errors on 2 cores.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from qsec6g.bench.records import Record

RATE = 1000
CONNECTIONS = 10
SATURATION_CONNECTIONS = 16

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } timespec_t;
int clock_gettime(int clk_id, timespec_t *tp);
]]
local ts = ffi.new("timespec_t")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

wrk.method = "POST"
wrk.body = BODY
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. TOKEN

local interval = INTERVAL_MS  -- ms between sends of this wrk thread (all its connections); 0 = closed loop
local next_send = nil
function delay()
  if interval <= 0 then return 0 end
  local t = now_ms()
  if next_send == nil then next_send = t + math.random() * interval end
  next_send = next_send + interval
  local d = next_send - t
  if d < 0 then return 0 end
  return math.floor(d)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'QSEC6G_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, script: Path, seconds: int, connections: int, timeout_s: int = 2) -> dict[str, Any]:
    """Run wrk (one thread: the other core serves) and parse the JSON line its Lua ``done`` writes."""
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(script),
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"QSEC6G_RESULT (\{.*\})", proc.stdout)
    if proc.returncode != 0 or m is None:
        raise RuntimeError(
            f"wrk failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout[-500:]}"
        )
    result = json.loads(m.group(1))
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def write_script(path: Path, body: dict, token: str, interval_ms: float) -> Path:
    lua = (
        LUA.replace("BODY", json.dumps(json.dumps(body)))
        .replace("TOKEN", json.dumps(token))
        .replace("INTERVAL_MS", repr(float(interval_ms)))
    )
    path.write_text(lua)
    return path


def wait_until_ready(proc: subprocess.Popen, url: str, timeout: float = 120.0, poll: float = 0.2) -> None:
    """Poll ``url``/readyz until it answers 200; ``RuntimeError`` if ``proc`` exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(poll)
    raise RuntimeError(f"server not ready within {timeout:g} s")


class ServerProcess:
    """``qsec6g serve`` (or another command) on a free loopback port, under a temporary QSEC6G_HOME."""

    def __init__(
        self, home: Path, command: list[str] | None = None, extra_env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = (command or [sys.executable, "-m", "qsec6g", "serve", "--log-level", "warning"]) + [
            "--port",
            str(self.port),
        ]
        env = {**os.environ, "QSEC6G_HOME": str(home), **(extra_env or {})}
        env.pop("QSEC6G_DATABASE_URL", None)
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_ready(self.proc, self.url)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def create_operator_key(home: Path) -> str:
    """An operator key with a rate limit far above the offered load (the bench measures the service, not
    429s)."""
    from qsec6g.service import auth  # noqa: PLC0415
    from qsec6g.service.db import Database  # noqa: PLC0415
    from qsec6g.service.settings import ServiceSettings  # noqa: PLC0415

    settings = ServiceSettings(home=home)
    db = Database(settings.url)
    db.upgrade()
    with db.write() as s:
        token = auth.create_key(s, "bench", "operator", "bench", rate_per_second=1e6, burst=1_000_000).token
    db.dispose()
    return token


def sample_body(feature_names: list[str]) -> dict:
    """A fixed, plausible request (all features 1.0 would be unrealistic for log-scaled counts)."""
    typical = {
        "n_flows": 200.0,
        "n_packets": 1600.0,
        "n_bytes": 960000.0,
        "n_dest_ip": 30.0,
        "n_dest_ports": 10.0,
        "dir_ratio_bytes": 0.4,
        "avg_duration": 2.0,
        "avg_ttl": 90.0,
    }
    return {
        "user": {"user_id": "bench-user", "role": "employee", "permissions": ["ran.read"]},
        "device": {"device_id": "ue-bench", "managed": True, "patch_age_days": 7.0, "known_location": True},
        "features": {n: typical.get(n, 1.0) for n in feature_names},
        "segment_id": "mec-apps",
    }


def measure(
    quick: bool, command: list[str] | None = None, extra_env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Start a server, run the sustained and the saturation phases, return the raw figures."""
    if shutil.which("wrk") is None:
        raise RuntimeError("the service bench needs wrk (apt-get install -y wrk)")
    sustained_s, saturation_s = (10, 5) if quick else (60, 10)
    with tempfile.TemporaryDirectory(prefix="qsec6g-bench-") as tmp:
        home = Path(tmp)
        token = create_operator_key(home)
        server = ServerProcess(home, command, extra_env)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            names = httpx.get(f"{server.url}/v1/models", headers=headers, timeout=10).json()["feature_names"]
            body = sample_body(names)
            httpx.post(f"{server.url}/v1/decide", json=body, headers=headers, timeout=10).raise_for_status()
            url = f"{server.url}/v1/decide"
            warm = write_script(home / "warm.lua", body, token, 0.0)
            run_wrk(url, warm, 2, 4)  # warm-up (not reported)
            rss_start, cpu_start = rss_bytes(server.proc.pid), cpu_seconds(server.proc.pid)
            paced = write_script(
                home / "paced.lua", body, token, 1000.0 / RATE
            )  # one wrk thread: one schedule
            sustained = run_wrk(url, paced, sustained_s, CONNECTIONS)
            rss_end, cpu_end = rss_bytes(server.proc.pid), cpu_seconds(server.proc.pid)
            sustained["cpu_ms_per_request"] = 1e3 * (cpu_end - cpu_start) / max(sustained["requests"], 1)
            closed = write_script(home / "closed.lua", body, token, 0.0)
            saturation = run_wrk(url, closed, saturation_s, SATURATION_CONNECTIONS)
            stored = httpx.get(f"{server.url}/v1/audit/verify", headers=headers, timeout=120).json()
        finally:
            server.stop()
    return {
        "sustained": sustained,
        "saturation": saturation,
        "rss_start": rss_start,
        "rss_end": rss_end,
        "sustained_s": sustained_s,
        "saturation_s": saturation_s,
        "audit": stored,
    }


def run(quick: bool, seed: int) -> list[Record]:
    """Records for the suite (``seed`` is unused: the load is a fixed request on a fixed schedule).

    Besides latency, the server's CPU time per decision is reported: on a shared machine the achieved rate and
    tail latency depend on what else runs, the CPU cost per decision much less.
    """
    m = measure(quick)
    sus, sat = m["sustained"], m["saturation"]
    case = f"decide@{RATE}/s x {m['sustained_s']}s"
    extra = {
        "load_generator": "wrk 4 (Lua, paced by CLOCK_MONOTONIC)",
        "connections": CONNECTIONS,
        "server": "qsec6g serve (1 uvicorn process, SQLite WAL)",
        "audit_ok": m["audit"]["ok"],
        "audit_entries": m["audit"]["entries"],
    }
    recs = [
        Record("service", case, "achieved rate", sus["rate"], "decisions/s", extra=extra),
        Record("service", case, "latency p50", sus["p50_us"] / 1e3, "ms"),
        Record("service", case, "latency p95", sus["p95_us"] / 1e3, "ms"),
        Record(
            "service",
            case,
            "latency p99",
            sus["p99_us"] / 1e3,
            "ms",
            peer="target 10 ms",
            ratio=10.0 / max(sus["p99_us"] / 1e3, 1e-9),
        ),
        Record(
            "service", case, "errors", float(sus["errors"]), "requests", extra={"requests": sus["requests"]}
        ),
        Record(
            "service",
            case,
            "server CPU per decision",
            sus["cpu_ms_per_request"],
            "ms",
            extra={
                "note": "user+system CPU of the server process / decisions served; capacity of one core "
                "is about 1000 / this value decisions/s"
            },
        ),
        Record("service", case, "server RSS at start", m["rss_start"] / 2**20, "MiB"),
        Record("service", case, "server RSS at end", m["rss_end"] / 2**20, "MiB"),
        Record(
            "service",
            f"decide saturation x {m['saturation_s']}s",
            "throughput",
            sat["rate"],
            "decisions/s",
            peer=f"target {RATE}/s",
            ratio=sat["rate"] / RATE,
            extra={
                "connections": SATURATION_CONNECTIONS,
                "errors": sat["errors"],
                "p99_ms": sat["p99_us"] / 1e3,
            },
        ),
    ]
    return recs

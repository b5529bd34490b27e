"""Run the service in a subprocess (uvicorn on a free loopback port) with the fake engine, for crash,
concurrency and browser tests. ``python -m tests.service.server --port N`` reads QSEC6G_HOME /
QSEC6G_DATABASE_URL."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from qsec6g.bench.service import free_port, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]


def create_key(env: dict[str, str], role: str) -> str:
    """Create a key in the database the server will use (before or while it runs)."""
    from qsec6g.service import auth  # noqa: PLC0415
    from qsec6g.service.db import Database  # noqa: PLC0415
    from qsec6g.service.settings import ServiceSettings  # noqa: PLC0415

    settings = ServiceSettings.from_env(env)
    db = Database(settings.url)
    db.upgrade()
    with db.write() as s:
        token = auth.create_key(s, f"test-{role}", role, "test").token
    db.dispose()
    return token


class Server:
    """A service subprocess; ``kill()`` sends SIGKILL."""

    def __init__(self, env: dict[str, str], port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, **env, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.service.server", "--port", str(self.port)],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_ready(self.proc, self.url, poll=0.1)
        except RuntimeError:
            self.kill()
            raise

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from tests.service.fake_engine import FakeEngine, ensure_decision_module, load_fake, save_fake  # noqa: PLC0415

    ensure_decision_module()
    import uvicorn  # noqa: PLC0415

    from qsec6g.service.api import create_app  # noqa: PLC0415
    from qsec6g.service.registry import Codec  # noqa: PLC0415

    app = create_app(engine=FakeEngine(), codec=Codec(save_fake, load_fake))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

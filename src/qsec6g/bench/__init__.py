"""Benchmark suites run by ``qsec6g bench <suite> [--quick] --json FILE``.

Each suite is a module in this package exposing ``run(quick: bool, seed: int) -> list[Record]``. A suite measures
its peer (Qiskit, PennyLane, a naive baseline) in the same run and fills ``ratio`` = peer time / our time (or our
throughput / peer throughput), so higher is always better for us. Speed targets live here and in the docs, never in
timed unit tests.
"""

from __future__ import annotations

from qsec6g.bench.records import Record

# suite name -> module implementing it. A part adds its suite here when it lands.
SUITES: dict[str, str] = {
    "kernel": "qsec6g.bench.kernel",
    "qml": "qsec6g.bench.qml",
}

__all__ = ["Record", "SUITES"]

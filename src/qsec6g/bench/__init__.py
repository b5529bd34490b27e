"""Benchmark suites run by ``qsec6g bench <suite> [--quick] --json FILE``.

Each suite is a module in this package exposing ``run(quick: bool, seed: int) -> list[Record]``. A suite measures
its peer (Qiskit, PennyLane, a naive baseline) in the same run and fills ``ratio`` = peer time / our time (or our
throughput / peer throughput), so higher is always better for us. Speed targets live here and in the docs, never in
timed unit tests.
"""

from __future__ import annotations

import pkgutil

from qsec6g.bench.records import Record

_HELPERS = {"records"}

#: suite name -> module implementing it: every module of this package except the shared helpers
SUITES: dict[str, str] = {
    m.name: f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__) if m.name not in _HELPERS
}

__all__ = ["Record", "SUITES"]

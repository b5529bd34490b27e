"""Sub-registers Q_RU ⊗ Q_DU ⊗ Q_CU and the entangling layouts of the twin.

Qubits are split between the RU, DU and CU sub-registers in that order (qubit 0 = most significant bit = first RU
qubit). Layouts, all built from :mod:`qsec6g.quantum.entanglers`:

* ``composite`` (default, the paper's): GHZ links across the sub-register heads (global coordination) and 1-D
  cluster edges inside each sub-register (local dependencies) — :func:`~qsec6g.quantum.entanglers.composite`.
* ``ghz``: one GHZ chain over all qubits (H on qubit 0, CNOT chain).
* ``cluster``: one 1-D cluster over all qubits in register order (no GHZ links).

Applied to the amplitude-encoded telemetry the layout is the entangling unitary ``U_ent``; all three are real
(H, CNOT, CZ) so real telemetry stays real.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from qsec6g.quantum.circuit import Circuit
from qsec6g.quantum.entanglers import composite, ghz, linear_cluster

Layout = Literal["composite", "ghz", "cluster"]
NODES = ("RU", "DU", "CU")


def split_qubits(n: int, sizes: dict[str, int] | None = None) -> dict[str, list[int]]:
    """Qubit lists of the RU / DU / CU sub-registers; default sizes share ``n`` as evenly as possible, RU first."""
    if n < 1:
        raise ValueError("a register needs at least one qubit")
    if sizes is None:
        base, extra = divmod(n, 3)
        sizes = {node: base + (1 if i < extra else 0) for i, node in enumerate(NODES)}
    if sum(sizes.values()) != n or any(v < 0 for v in sizes.values()):
        raise ValueError(f"sub-register sizes {sizes} do not add up to {n} qubits")
    out, start = {}, 0
    for node, size in sizes.items():
        out[node] = list(range(start, start + size))
        start += size
    return out


def entangler(n: int, layout: Layout = "composite", sizes: dict[str, int] | None = None) -> Circuit:
    """The entangling circuit ``U_ent`` on ``n`` qubits."""
    if layout == "composite":
        return composite(split_qubits(n, sizes), num_qubits=n)
    if layout == "ghz":
        return ghz(n)
    if layout == "cluster":
        return linear_cluster(n)
    raise ValueError(f"layout must be composite, ghz or cluster, got {layout!r}")


def entangling_unitary(n: int, layout: Layout = "composite", sizes: dict[str, int] | None = None) -> np.ndarray:
    """Dense real ``U_ent`` (``2**n x 2**n``); states map as ``psi @ U.T``."""
    u = entangler(n, layout, sizes).unitary()
    if np.any(np.abs(u.imag) > 1e-12):
        raise AssertionError("entangling layouts are real by construction")
    return u.real.copy()

"""Qiskit's QAOA as a peer: the QAOA ansatz + ``StatevectorEstimator`` for the same Ising Hamiltonian.

The ansatz comes from ``qiskit.circuit.library.qaoa_ansatz``, the function that replaces the deprecated
``QAOAAnsatz`` class in Qiskit ≥ 2.1 (same circuit, same parameters).

Qiskit numbers qubits little-endian (qubit 0 is the least significant bit of a basis index); ours is the most
significant. Our qubit ``i`` is therefore Qiskit's qubit ``n - 1 - i``, which is character ``i`` (from the left) of
a Pauli label; with that relabelling both statevectors are the same array. The ansatz is transpiled to
``h / rz / rzz / rx`` gates (as ``StatevectorEstimator`` would otherwise exponentiate each ``PauliEvolutionGate``
as a sparse matrix, about 100x slower), so the peer is Qiskit at its fastest for this circuit. Parameter order: ours ``(γ_1..γ_p, β_1..β_p)``, Qiskit's ``(β[0..p-1], γ[0..p-1])``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qsec6g.rrm.qubo import Ising


def ising_operator(ising: Ising) -> Any:
    """The Ising Hamiltonian as a ``SparsePauliOp`` in Qiskit's qubit order (offset as an identity term)."""
    from qiskit.quantum_info import SparsePauliOp

    n = ising.h.size
    labels, coeffs = ["I" * n], [ising.offset]
    for i in range(n):
        labels.append("I" * i + "Z" + "I" * (n - 1 - i))
        coeffs.append(ising.h[i])
    for i in range(n):
        for j in range(i + 1, n):
            if ising.J[i, j] != 0.0:
                s = ["I"] * n
                s[i] = s[j] = "Z"
                labels.append("".join(s))
                coeffs.append(ising.J[i, j])
    return SparsePauliOp(labels, np.asarray(coeffs, dtype=float)).simplify()


class QiskitQaoa:
    """Energies of ``qaoa_ansatz(H, reps=p)`` from ``StatevectorEstimator``, with our parameter order."""

    def __init__(self, ising: Ising, p: int, transpiled: bool = True) -> None:
        """``transpiled=False`` keeps the ansatz's ``PauliEvolutionGate`` s, as a plain
        ``QAOAAnsatz`` + ``StatevectorEstimator`` user would run it (the issue's reference peer)."""
        from qiskit import transpile
        from qiskit.circuit.library import qaoa_ansatz
        from qiskit.primitives import StatevectorEstimator

        self.operator = ising_operator(ising)
        ansatz = qaoa_ansatz(self.operator, reps=p)
        self.ansatz = (transpile(ansatz, basis_gates=["h", "rz", "rzz", "rx"], optimization_level=0)
                       if transpiled else ansatz)
        self.estimator = StatevectorEstimator()
        self.p = p

    def _qiskit_order(self, params: np.ndarray) -> np.ndarray:
        params = np.atleast_2d(np.asarray(params, dtype=float))
        return np.concatenate([params[:, self.p:], params[:, : self.p]], axis=1)

    def energies(self, params: np.ndarray) -> np.ndarray:
        """Energies for a batch ``(m, 2p)`` of parameter vectors ``(γ, β)`` (one estimator call)."""
        job = self.estimator.run([(self.ansatz, self.operator, self._qiskit_order(params))])
        return np.asarray(job.result()[0].data.evs, dtype=float).reshape(-1)

    def gradient(self, params: np.ndarray, step: float = 1e-4, indices: list[int] | None = None) -> np.ndarray:
        """Central differences ``[E(θ + h e_k) - E(θ - h e_k)] / 2h`` (two energies per parameter, the cost of a
        two-term parameter shift; the two-term shift rule itself is not exact for QAOA's multi-frequency
        generators). ``indices`` limits the parameters differentiated."""
        params = np.asarray(params, dtype=float)
        idx = list(range(params.size)) if indices is None else indices
        shifts = np.eye(params.size)[idx] * step
        e = self.energies(np.concatenate([params + shifts, params - shifts]))
        return (e[: len(idx)] - e[len(idx):]) / (2 * step)

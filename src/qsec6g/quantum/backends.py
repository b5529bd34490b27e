"""Simulation backends chosen by name: ``"qsec6g"`` (this kernel) or ``"aer"`` (Qiskit Aer, density matrix).

Both take a circuit (gates and channels) plus an optional gate-attached :class:`NoiseSpec` and return the final
density matrix or measured counts in qsec6g's basis order, so results are directly comparable.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from qsec6g.quantum.circuit import Circuit
from qsec6g.quantum.measurement import sample_counts
from qsec6g.quantum.noise_spec import NoiseSpec, with_noise
from qsec6g.quantum.states import to_density, zero_state


class Backend(Protocol):
    name: str

    def density_matrix(self, circuit: Circuit, noise: NoiseSpec | None = None) -> np.ndarray: ...

    def counts(self, circuit: Circuit, shots: int, seed: int, noise: NoiseSpec | None = None) -> np.ndarray: ...


class KernelBackend:
    """The batched numpy kernel of :mod:`qsec6g.quantum`."""

    name = "qsec6g"

    def density_matrix(self, circuit: Circuit, noise: NoiseSpec | None = None) -> np.ndarray:
        full = with_noise(circuit, noise) if noise else circuit
        return to_density(full.apply(zero_state(circuit.num_qubits)))

    def counts(self, circuit: Circuit, shots: int, seed: int, noise: NoiseSpec | None = None) -> np.ndarray:
        return sample_counts(self.density_matrix(circuit, noise), shots, np.random.default_rng(seed))


class AerBackend:
    """Qiskit Aer's density-matrix simulator (needs the ``qiskit`` extra)."""

    name = "aer"

    def density_matrix(self, circuit: Circuit, noise: NoiseSpec | None = None) -> np.ndarray:
        from qsec6g.quantum.qiskit_interop import aer_density_matrix

        return aer_density_matrix(circuit, noise)

    def counts(self, circuit: Circuit, shots: int, seed: int, noise: NoiseSpec | None = None) -> np.ndarray:
        from qsec6g.quantum.qiskit_interop import aer_counts

        return aer_counts(circuit, shots, seed, noise)


BACKENDS: dict[str, type] = {"qsec6g": KernelBackend, "aer": AerBackend}


def get_backend(name: str) -> Backend:
    """A backend by name (``"qsec6g"`` or ``"aer"``); ``ValueError`` listing the choices otherwise."""
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown backend {name!r}; choose one of {sorted(BACKENDS)}") from None

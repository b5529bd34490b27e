"""The qsec6g quantum kernel: batched statevector / density-matrix simulation.

Leading axis = batch everywhere (``(B, 2**n)`` statevectors, ``(B, 2**n, 2**n)`` density matrices); qubit 0 is the
most significant bit of a basis index. See ``docs/kernel.md``.

Modules: :mod:`~qsec6g.quantum.states`, :mod:`~qsec6g.quantum.gates`, :mod:`~qsec6g.quantum.circuit`,
:mod:`~qsec6g.quantum.channels`, :mod:`~qsec6g.quantum.encoding`, :mod:`~qsec6g.quantum.entanglers`,
:mod:`~qsec6g.quantum.metrics`, :mod:`~qsec6g.quantum.measurement`, :mod:`~qsec6g.quantum.noise_spec`,
:mod:`~qsec6g.quantum.backends`, :mod:`~qsec6g.quantum.qiskit_interop` (optional, needs Qiskit).
"""

from qsec6g.quantum.channels import (
    Channel,
    amplitude_damping,
    bit_flip,
    bit_phase_flip,
    depolarizing,
    generalized_amplitude_damping,
    kraus_channel,
    pauli_channel,
    phase_damping,
    phase_flip,
    thermal_relaxation,
)
from qsec6g.quantum.circuit import Circuit
from qsec6g.quantum.encoding import SlotMap, amplitude_encode, angle_encode, basis_encode
from qsec6g.quantum.entanglers import composite, ghz, graph_state, linear_cluster, prepare
from qsec6g.quantum.measurement import PauliShadow, probabilities, sample_counts
from qsec6g.quantum.metrics import (
    concurrence,
    entanglement_entropy,
    fidelity,
    negativity,
    pauli_expectation,
    purity,
    trace_distance,
    von_neumann_entropy,
)
from qsec6g.quantum.states import density_matrix, partial_trace, statevector, to_density

__all__ = [
    "Channel", "Circuit", "PauliShadow", "SlotMap", "amplitude_damping", "amplitude_encode", "angle_encode",
    "basis_encode", "bit_flip", "bit_phase_flip", "composite", "concurrence", "density_matrix", "depolarizing",
    "entanglement_entropy", "fidelity", "generalized_amplitude_damping", "ghz", "graph_state", "kraus_channel",
    "linear_cluster", "negativity", "partial_trace", "pauli_channel", "pauli_expectation", "phase_damping",
    "phase_flip", "prepare", "probabilities", "purity", "sample_counts", "statevector", "thermal_relaxation",
    "to_density", "trace_distance", "von_neumann_entropy",
]

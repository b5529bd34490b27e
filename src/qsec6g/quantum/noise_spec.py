"""Gate-attached noise: "after every ``h``, apply this channel to each qubit the gate touched".

A :class:`NoiseSpec` is the backend-neutral form of a noise model. :func:`with_noise` inserts it into a circuit for
the qsec6g kernel; :func:`qsec6g.quantum.qiskit_interop.to_noise_model` turns the same spec into a
``qiskit_aer.noise.NoiseModel``, so both backends simulate the same physics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qsec6g.quantum.channels import Channel
from qsec6g.quantum.circuit import Circuit, Gate, NoiseOp


@dataclass(frozen=True)
class NoiseSpec:
    """Single-qubit channels applied i.i.d. to every qubit of a gate, after the gate, keyed by gate name."""

    after_gate: Mapping[str, Channel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, ch in self.after_gate.items():
            if ch.num_qubits != 1:
                raise ValueError(f"noise after {name!r} must be a single-qubit channel (applied to each qubit)")
            if ch.batch is not None:
                raise ValueError(f"noise after {name!r} has batched parameters; a noise spec needs scalars")


def with_noise(circuit: Circuit, spec: NoiseSpec) -> Circuit:
    """A copy of ``circuit`` with the spec's channels inserted after each matching gate."""
    out = Circuit(circuit.num_qubits)
    for op in circuit:
        out.append(op)
        if isinstance(op, Gate) and op.name in spec.after_gate:
            for q in op.qubits:
                out.append(NoiseOp(spec.after_gate[op.name], (q,)))
    return out

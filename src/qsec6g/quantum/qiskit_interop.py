"""Qiskit interop: export circuits and noise to Qiskit / Qiskit Aer, and run them there.

Qubit order: qsec6g's qubit ``q`` becomes Qiskit qubit ``n - 1 - q``. Because Qiskit is little-endian and qsec6g
big-endian, this makes basis indices identical on both sides: a count for index ``i`` here is the Qiskit count of
bitstring ``format(i, f"0{n}b")``, and density matrices agree entry by entry. Multi-qubit matrices (unitaries,
Kraus operators) are handed to Qiskit with their qubit list reversed for the same reason.

Qiskit is an optional dependency (``pip install qsec6g[qiskit]``); importing this module without it fails with a
message that says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qsec6g.quantum.channels import Channel
from qsec6g.quantum.circuit import Circuit, Gate, NoiseOp
from qsec6g.quantum.noise_spec import NoiseSpec

try:
    import qiskit
    from qiskit.circuit.library import UGate, UnitaryGate
    from qiskit.quantum_info import Kraus
    from qiskit_aer import AerSimulator
    from qiskit_aer.noise import NoiseModel, QuantumError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("Qiskit interop needs the 'qiskit' extra: pip install 'qsec6g[qiskit]'") from exc

_NAMED_1Q = {"h": "h", "x": "x", "y": "y", "z": "z", "s": "s", "t": "t", "rx": "rx", "ry": "ry", "rz": "rz"}
_NAMED_2Q = {"cx": "cx", "cz": "cz", "swap": "swap"}


def _qargs(qubits: Sequence[int], n: int) -> list[int]:
    """Qiskit qubits for a matrix on ``qubits`` (first = most significant): mapped and reversed."""
    return [n - 1 - q for q in reversed(qubits)]


def to_qiskit_error(channel: Channel) -> QuantumError:
    """A Qiskit Aer ``QuantumError`` for a (non-batched) channel, qubit order converted."""
    if channel.batch is not None:
        raise ValueError("a channel with batched parameters has no single Qiskit equivalent")
    return QuantumError(Kraus([np.asarray(k) for k in channel.kraus]))


def to_qiskit(circuit: Circuit, measure: bool = False) -> qiskit.QuantumCircuit:
    """Export a circuit; channels become Aer ``QuantumError`` instructions at their place in the circuit."""
    n = circuit.num_qubits
    qc = qiskit.QuantumCircuit(n)
    for op in circuit:
        if isinstance(op, NoiseOp):
            qc.append(to_qiskit_error(op.channel), _qargs(op.qubits, n))
            continue
        assert isinstance(op, Gate)
        mapped = [n - 1 - q for q in op.qubits]
        if op.name in _NAMED_1Q:
            getattr(qc, _NAMED_1Q[op.name])(*op.params, *mapped)
        elif op.name in _NAMED_2Q:
            getattr(qc, _NAMED_2Q[op.name])(*mapped)
        elif op.name == "u3":
            qc.append(UGate(*op.params), mapped)
        else:
            qc.append(UnitaryGate(op.matrix, label=op.name), _qargs(op.qubits, n))
    if measure:
        qc.measure_all()
    return qc


def to_noise_model(spec: NoiseSpec) -> NoiseModel:
    """A Qiskit Aer noise model equivalent to ``spec`` (the channel on each qubit a gate touches, after it).

    Keys are qsec6g gate names; ``u3`` is Qiskit's ``u``. Gates given by their matrix (``unitary_gate``,
    ``controlled_gate``) all export as Qiskit ``unitary`` instructions of unknown width, so noise keyed on them has
    no NoiseModel form: ``ValueError`` (attach such noise with ``Circuit.channel`` instead).
    """
    model = NoiseModel()
    for name, ch in spec.after_gate.items():
        if name not in _NAMED_1Q and name not in _NAMED_2Q and name != "u3":
            raise ValueError(
                f"noise after gate {name!r} has no Aer NoiseModel form (only named gates: "
                f"{sorted([*_NAMED_1Q, *_NAMED_2Q, 'u3'])}); add the channel to the circuit with Circuit.channel"
            )
        err = to_qiskit_error(ch)
        full = err.tensor(err) if name in _NAMED_2Q else err
        model.add_all_qubit_quantum_error(full, ["u" if name == "u3" else _NAMED_1Q.get(name, name)])
    return model


def aer_density_matrix(circuit: Circuit, spec: NoiseSpec | None = None) -> np.ndarray:
    """Final density matrix from ``AerSimulator(method="density_matrix")``, as a ``(1, d, d)`` batch."""
    qc = to_qiskit(circuit)
    qc.save_density_matrix()
    sim = AerSimulator(method="density_matrix", noise_model=to_noise_model(spec) if spec else None)
    result = sim.run(qc, shots=1).result()
    return np.asarray(result.data(0)["density_matrix"])[None, :, :]


def aer_counts(circuit: Circuit, shots: int, seed: int, spec: NoiseSpec | None = None) -> np.ndarray:
    """Counts per basis index (qsec6g order) from ``shots`` Aer density-matrix shots, ``(1, 2**n)``."""
    n = circuit.num_qubits
    qc = to_qiskit(circuit, measure=True)
    sim = AerSimulator(method="density_matrix", noise_model=to_noise_model(spec) if spec else None, seed_simulator=seed)
    counts = sim.run(qc, shots=shots).result().get_counts()
    out = np.zeros((1, 2**n), dtype=np.int64)
    for key, value in counts.items():
        out[0, int(key.replace(" ", ""), 2)] = value
    return out

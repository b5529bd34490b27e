"""Qiskit export and the two backends: same unitaries, same density matrices (1e-10), same count distributions."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.quantum_info import Operator
from scipy.stats import chi2_contingency, chisquare

from qsec6g.quantum import channels as ch
from qsec6g.quantum.backends import get_backend
from qsec6g.quantum.circuit import Circuit, Gate, NoiseOp
from qsec6g.quantum.measurement import probabilities
from qsec6g.quantum.noise_spec import NoiseSpec, with_noise
from qsec6g.quantum.qiskit_interop import to_noise_model, to_qiskit, to_qiskit_error
from tests.quantum.reference import ATOL, random_kraus, random_subset, random_unitary

SPEC = NoiseSpec({"h": ch.depolarizing(0.05), "cx": ch.amplitude_damping(0.08), "u3": ch.phase_damping(0.1),
                  "rx": ch.thermal_relaxation(40.0, 30.0, 3.0)})


def _random_circuit(n: int, depth: int, rng: np.random.Generator, noise: bool) -> Circuit:
    """Random gates (named, u3, matrix-defined, controlled) and, if ``noise``, channels on 1-3 qubits."""
    c = Circuit(n)
    kinds = ["h", "rx", "ry", "rz", "u3", "s", "t", "y", "unitary"] + (["cx", "cz", "swap", "cu", "u2"] if n > 1 else [])
    kinds += ["chan1", "chan2", "chan3"][: min(n, 3)] if noise else []
    for _ in range(depth):
        kind = kinds[int(rng.integers(len(kinds)))]
        q = int(rng.integers(n))
        a = rng.uniform(-np.pi, np.pi, size=3)
        if kind in ("h", "s", "t", "y"):
            getattr(c, kind)(q)
        elif kind in ("rx", "ry", "rz"):
            getattr(c, kind)(float(a[0]), q)
        elif kind == "u3":
            c.u3(*map(float, a), q)
        elif kind == "unitary":
            c.unitary_gate(random_unitary(1, rng), [q])
        elif kind in ("cx", "cz", "swap"):
            getattr(c, kind)(*random_subset(rng, n, 2))
        elif kind == "cu":
            x, y = random_subset(rng, n, 2)
            c.controlled_gate(random_unitary(1, rng), [x], [y])
        elif kind == "u2":
            c.unitary_gate(random_unitary(2, rng), random_subset(rng, n, 2))
        else:
            k = int(kind[-1])
            c.channel(ch.kraus_channel(random_kraus(k, rng, rank=2)), random_subset(rng, n, k))
    return c


@pytest.mark.parametrize("n", range(1, 7))
def test_exported_circuit_has_the_same_unitary(n: int) -> None:
    circuit = _random_circuit(n, 5 * n, np.random.default_rng(n), noise=False)
    np.testing.assert_allclose(Operator(to_qiskit(circuit)).data, circuit.unitary(), atol=ATOL)
    measured = to_qiskit(circuit, measure=True)
    assert measured.count_ops().get("measure") == n


@pytest.mark.parametrize("n", range(1, 6))
def test_backends_give_the_same_density_matrices(n: int) -> None:
    rng = np.random.default_rng(20 + n)
    ours, aer = get_backend("qsec6g"), get_backend("aer")
    assert (ours.name, aer.name) == ("qsec6g", "aer")
    circuit = _random_circuit(n, 4 * n + 3, rng, noise=True)
    circuit.h(0).u3(0.3, -0.2, 1.1, n - 1).rx(0.7, 0)
    if n > 1:
        circuit.cx(n - 1, 0)
    assert circuit.has_noise
    for spec in (None, SPEC):
        np.testing.assert_allclose(ours.density_matrix(circuit, spec), aer.density_matrix(circuit, spec), atol=ATOL)
    # the spec really adds noise (both backends see it)
    assert np.max(np.abs(ours.density_matrix(circuit, SPEC) - ours.density_matrix(circuit))) > 1e-3


@pytest.mark.parametrize("n", [2, 4])
def test_backends_give_the_same_count_distributions(n: int) -> None:
    circuit = _random_circuit(n, 6 * n, np.random.default_rng(30 + n), noise=True)
    circuit.h(0).cx(0, n - 1)
    ours = get_backend("qsec6g").counts(circuit, 20_000, seed=1, noise=SPEC)[0]
    aer = get_backend("aer").counts(circuit, 20_000, seed=2, noise=SPEC)[0]
    np.testing.assert_array_equal(ours, get_backend("qsec6g").counts(circuit, 20_000, seed=1, noise=SPEC)[0])
    assert ours.sum() == aer.sum() == 20_000
    seen = (ours + aer) > 0
    assert chi2_contingency(np.stack([ours[seen], aer[seen]])).pvalue > 1e-3
    # and Aer's counts fit our Born probabilities
    probs = probabilities(get_backend("qsec6g").density_matrix(circuit, SPEC))[0]
    keep = probs > 1e-12
    assert aer[~keep].sum() == 0
    assert chisquare(aer[keep], 20_000 * probs[keep] / probs[keep].sum()).pvalue > 1e-3


def test_with_noise_inserts_the_channel_after_each_matching_gate_on_each_qubit() -> None:
    noisy = with_noise(Circuit(3).h(1).cx(0, 2).rz(0.1, 1), SPEC)
    names = [(op.name, op.qubits) for op in noisy]
    assert names == [("h", (1,)), ("depolarizing", (1,)), ("cx", (0, 2)), ("amplitude_damping", (0,)),
                     ("amplitude_damping", (2,)), ("rz", (1,))]
    assert isinstance(noisy.ops[0], Gate) and isinstance(noisy.ops[1], NoiseOp)


def test_interop_rejects_what_it_cannot_express() -> None:
    with pytest.raises(ValueError, match="batched parameters"):
        to_qiskit_error(ch.bit_flip([0.1, 0.2]))
    with pytest.raises(ValueError, match="no Aer NoiseModel form"):
        to_noise_model(NoiseSpec({"cu": ch.bit_flip(0.1)}))
    with pytest.raises(ValueError, match="single-qubit channel"):
        NoiseSpec({"cx": ch.depolarizing(0.1, 2)})
    with pytest.raises(ValueError, match="batched parameters"):
        NoiseSpec({"h": ch.bit_flip([0.1, 0.2])})
    with pytest.raises(ValueError, match="unknown backend 'cirq'; choose one of"):
        get_backend("cirq")

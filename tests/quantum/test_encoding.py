"""Encodings: amplitude (normalised, zero-padded, slot map), angle (vs Qiskit rotations), basis; bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from hypothesis.extra.numpy import arrays
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qsec6g.quantum.encoding import SlotMap, amplitude_encode, angle_encode, basis_encode, num_qubits_for
from tests.quantum.reference import ATOL


@pytest.mark.parametrize(("d", "n"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (8, 3), (9, 4), (33, 6)])
def test_amplitude_encoding_normalises_and_zero_pads(d: int, n: int) -> None:
    x = np.random.default_rng(d).normal(size=(3, d))
    psi = amplitude_encode(x)
    assert num_qubits_for(d) == n
    assert psi.shape == (3, 2**n)
    np.testing.assert_allclose(np.linalg.norm(psi, axis=1), 1.0, atol=ATOL)
    np.testing.assert_allclose(psi[:, :d], x / np.linalg.norm(x, axis=1, keepdims=True), atol=ATOL)
    assert not np.any(psi[:, d:])


@settings(max_examples=40, deadline=None)
@given(x=arrays(np.float64, hs.integers(1, 12),
                elements=hs.floats(-1e300, 1e300, allow_nan=False, allow_subnormal=True)).filter(lambda v: np.any(v)))
def test_amplitude_encoding_of_any_finite_nonzero_vector_is_a_unit_vector_along_it(x: np.ndarray) -> None:
    psi = amplitude_encode(x)[0]
    assert np.linalg.norm(psi) == pytest.approx(1.0, abs=1e-12)
    direction = x / np.max(np.abs(x))
    direction = direction / np.linalg.norm(direction)
    np.testing.assert_allclose(psi[: x.size], direction, atol=1e-12)


def test_amplitude_encoding_keeps_complex_amplitudes() -> None:
    x = np.array([1 + 1j, 2, -1j])
    np.testing.assert_allclose(amplitude_encode(x)[0, :3], x / np.linalg.norm(x), atol=ATOL)


def test_slot_map_attributes_weight_to_sub_registers() -> None:
    slots = SlotMap.from_sizes({"RU": 3, "DU": 2, "CU": 1})
    assert dict(slots.slots) == {"RU": (0, 3), "DU": (3, 5), "CU": (5, 6)}
    x = np.random.default_rng(0).normal(size=(2, 6))
    psi = amplitude_encode(x, slots)
    w = slots.weights(psi)
    total = np.sum(x**2, axis=1)
    np.testing.assert_allclose(w["RU"], np.sum(x[:, :3] ** 2, axis=1) / total, atol=ATOL)
    np.testing.assert_allclose(w["CU"], x[:, 5] ** 2 / total, atol=ATOL)
    np.testing.assert_allclose(sum(w.values()), 1.0, atol=ATOL)  # padding carries no weight
    np.testing.assert_array_equal(slots.indices("DU"), [3, 4])
    with pytest.raises(KeyError, match="no slot named"):
        slots.indices("XX")
    with pytest.raises(ValueError, match="covers 6 features, data has 5"):
        amplitude_encode(x[:, :5], slots)
    with pytest.raises(ValueError, match="gap or overlap"):
        amplitude_encode(x, SlotMap({"a": (0, 3), "b": (2, 6)}))
    with pytest.raises(ValueError, match="at least one feature"):
        SlotMap.from_sizes({"a": 0})


def _qiskit_rotations(x: np.ndarray, rotation: str, reps: int) -> np.ndarray:
    d = x.size
    qc = QuantumCircuit(d)
    for i, angle in enumerate(x):
        q = d - 1 - i  # feature i on our qubit i
        if rotation == "rz":
            qc.h(q)
        for _ in range(reps):
            getattr(qc, rotation)(float(angle), q)
    return Statevector(qc).data


@pytest.mark.parametrize("rotation", ["rx", "ry", "rz"])
@pytest.mark.parametrize("reps", [1, 3])
def test_angle_encoding_matches_qiskit_rotations(rotation: str, reps: int) -> None:
    x = np.random.default_rng(reps).uniform(-np.pi, np.pi, size=(2, 4))
    psi = angle_encode(x, rotation=rotation, repetitions=reps)
    for b in range(2):
        np.testing.assert_allclose(psi[b], _qiskit_rotations(x[b], rotation, reps), atol=ATOL)


def test_basis_encoding_puts_bit_zero_on_qubit_zero() -> None:
    psi = basis_encode([[1, 0, 0], [0, 1, 1]])
    assert np.argmax(np.abs(psi[0])) == 0b100
    assert np.argmax(np.abs(psi[1])) == 0b011
    with pytest.raises(ValueError, match="0 or 1"):
        basis_encode([0, 2])
    with pytest.raises(ValueError, match="non-empty"):
        basis_encode(np.zeros((1, 0)))


@pytest.mark.parametrize("encode", [amplitude_encode, angle_encode])
def test_non_finite_features_raise_naming_the_problem_and_position(encode) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=r"NaN value \(row 1, feature 2\)"):
        encode([[1.0, 2.0, 3.0], [1.0, 2.0, np.nan]])
    with pytest.raises(ValueError, match=r"infinite value \(row 0, feature 0\)"):
        encode([-np.inf, 1.0])
    with pytest.raises(ValueError, match="non-empty"):
        encode(np.zeros((2, 0)))


def test_zero_vector_raises_naming_the_row() -> None:
    with pytest.raises(ValueError, match=r"all-zero feature vector \(row 1\)"):
        amplitude_encode([[1.0, 0.0], [0.0, 0.0]])


def test_angle_encoding_rejects_bad_options() -> None:
    with pytest.raises(ValueError, match="rx, ry or rz"):
        angle_encode([0.1], rotation="rw")
    with pytest.raises(ValueError, match="repetitions"):
        angle_encode([0.1], repetitions=0)

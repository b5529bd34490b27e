"""CPTP channels: every factory against its Qiskit / Qiskit Aer definition, every application path, batching,
composition order, and input validation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from qiskit.quantum_info import Kraus, Operator
from qiskit_aer.noise import (
    amplitude_damping_error,
    depolarizing_error,
    pauli_error,
    phase_damping_error,
    thermal_relaxation_error,
)

from qsec6g.quantum import channels as ch
from qsec6g.quantum import gates as g
from qsec6g.quantum import states as st
from tests.quantum.reference import ATOL, qiskit_evolve, qiskit_kraus_evolve, random_kraus, random_subset


def _depol_lambda(p: float, k: int) -> float:
    """Qiskit's depolarising parameter for our ``p`` (docstring of :mod:`qsec6g.quantum.channels`)."""
    return p * 4**k / (4**k - 1)


# (name, k, our channel, Qiskit reference channel) — references come from Qiskit / Aer's own definitions
FACTORIES: list[tuple[str, int, Callable[[], ch.Channel], Callable[[], object]]] = [
    ("bit_flip", 1, lambda: ch.bit_flip(0.23), lambda: pauli_error([("X", 0.23), ("I", 0.77)])),
    ("phase_flip", 1, lambda: ch.phase_flip(0.31), lambda: pauli_error([("Z", 0.31), ("I", 0.69)])),
    ("bit_phase_flip", 1, lambda: ch.bit_phase_flip(0.4), lambda: pauli_error([("Y", 0.4), ("I", 0.6)])),
    ("depolarizing_1q", 1, lambda: ch.depolarizing(0.3), lambda: depolarizing_error(_depol_lambda(0.3, 1), 1)),
    ("depolarizing_1q_full", 1, lambda: ch.depolarizing(1.0), lambda: depolarizing_error(_depol_lambda(1.0, 1), 1)),
    ("depolarizing_2q", 2, lambda: ch.depolarizing(0.35, 2), lambda: depolarizing_error(_depol_lambda(0.35, 2), 2)),
    ("depolarizing_3q", 3, lambda: ch.depolarizing(0.5, 3), lambda: depolarizing_error(_depol_lambda(0.5, 3), 3)),
    ("amplitude_damping", 1, lambda: ch.amplitude_damping(0.37), lambda: amplitude_damping_error(0.37)),
    ("amplitude_damping_full", 1, lambda: ch.amplitude_damping(1.0), lambda: amplitude_damping_error(1.0)),
    ("generalized_amplitude_damping", 1, lambda: ch.generalized_amplitude_damping(0.4, 0.25),
     lambda: amplitude_damping_error(0.4, excited_state_population=0.25)),
    ("phase_damping", 1, lambda: ch.phase_damping(0.45), lambda: phase_damping_error(0.45)),
    ("thermal_relaxation", 1, lambda: ch.thermal_relaxation(50.0, 70.0, 12.0),
     lambda: thermal_relaxation_error(50.0, 70.0, 12.0)),
    ("thermal_relaxation_t2_eq_2t1", 1, lambda: ch.thermal_relaxation(30.0, 60.0, 25.0),
     lambda: thermal_relaxation_error(30.0, 60.0, 25.0)),
    ("thermal_relaxation_excited", 1, lambda: ch.thermal_relaxation(40.0, 20.0, 9.0, 0.3),
     lambda: thermal_relaxation_error(40.0, 20.0, 9.0, excited_state_population=0.3)),
    ("pauli_2q", 2, lambda: ch.pauli_channel({"XY": 0.1, "ZI": 0.15, "YZ": 0.05}),
     lambda: pauli_error([("XY", 0.1), ("ZI", 0.15), ("YZ", 0.05), ("II", 0.7)])),
    ("pauli_3q", 3, lambda: ch.pauli_channel({"XYZ": 0.2, "IIX": 0.1}),
     lambda: pauli_error([("XYZ", 0.2), ("IIX", 0.1), ("III", 0.7)])),
]
FACTORY_IDS = [f[0] for f in FACTORIES]


@pytest.mark.parametrize(
    ("name", "k", "ours", "ref", "n"),
    [pytest.param(*f, n, id=f"{f[0]}-n{n}") for f in FACTORIES for n in range(f[1], 7)],
)
def test_factory_matches_qiskit(name: str, k: int, ours: Callable, ref: Callable, n: int) -> None:
    rng = np.random.default_rng(10 * FACTORY_IDS.index(name) + n)
    chan, qk = ours(), ref()
    rho = st.random_density(n, batch=2, rng=rng)
    qs = random_subset(rng, n, k)
    out = chan.apply(rho, qs)
    for b in range(2):
        np.testing.assert_allclose(out[b], qiskit_evolve(rho[b], qk, qs), atol=ATOL)
    # the channel's own Kraus operators, applied by Qiskit, give the same map (the Kraus form is right too)
    np.testing.assert_allclose(out[0], qiskit_kraus_evolve(rho[0], chan.kraus, qs), atol=ATOL)


@pytest.mark.parametrize(("k", "n"), [(k, n) for k in (1, 2, 3) for n in range(k, 7)])
def test_user_kraus_matches_qiskit(k: int, n: int) -> None:
    rng = np.random.default_rng(10 * n + k)
    kraus = random_kraus(k, rng)
    chan = ch.kraus_channel(kraus)
    rho = st.random_density(n, rng=rng)
    psi = st.random_statevector(n, rng=rng)
    qs = random_subset(rng, n, k)
    np.testing.assert_allclose(chan.apply(rho, qs)[0], qiskit_kraus_evolve(rho[0], kraus, qs), atol=ATOL)
    # statevectors are converted to density matrices first
    ref = qiskit_kraus_evolve(np.outer(psi[0], psi[0].conj()), kraus, qs)
    np.testing.assert_allclose(chan.apply(psi, qs)[0], ref, atol=ATOL)


@pytest.mark.parametrize("k", [2, 3])
def test_depolarizing_twirl_fast_path_equals_kraus_sum(k: int) -> None:
    rng = np.random.default_rng(k)
    fast = ch.depolarizing(0.42, k)
    assert fast.twirl is not None  # the k >= 2 factory uses the partial-trace path
    slow = ch.Channel(fast.kraus, "explicit")
    rho = st.random_density(5, batch=2, rng=rng)
    qs = random_subset(rng, 5, k)
    np.testing.assert_allclose(fast.apply(rho, qs), slow.apply(rho, qs), atol=ATOL)


def test_depolarizing_is_a_contraction_towards_the_maximally_mixed_state() -> None:
    rho = st.random_density(2, rng=np.random.default_rng(0))
    lam = _depol_lambda(0.6, 2)
    np.testing.assert_allclose(ch.depolarizing(0.6, 2).apply(rho), (1 - lam) * rho + lam * np.eye(4) / 4, atol=ATOL)


@pytest.mark.parametrize("n", range(1, 7))
def test_iid_per_qubit_noise_matches_qiskit_sequence(n: int) -> None:
    """The twin's noise layer: bit flip, phase flip and amplitude damping on every qubit."""
    rng = np.random.default_rng(40 + n)
    rho = st.random_density(n, rng=rng)
    layer = ch.amplitude_damping(0.2) @ ch.phase_flip(0.1) @ ch.bit_flip(0.05)
    ref = rho[0]
    for q in range(n):
        for err in (pauli_error([("X", 0.05), ("I", 0.95)]), pauli_error([("Z", 0.1), ("I", 0.9)]),
                    amplitude_damping_error(0.2)):
            ref = qiskit_evolve(ref, err, [q])
    np.testing.assert_allclose(layer.apply_each(rho)[0], ref, atol=ATOL)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])  # fused superoperator up to 4 qubits, qubit by qubit above
def test_apply_each_equals_sequential_apply(n: int) -> None:
    rng = np.random.default_rng(50 + n)
    rho = st.random_density(n, batch=3, rng=rng)
    qs = random_subset(rng, n, n - 1)
    for chan in (ch.kraus_channel(random_kraus(1, rng)), ch.generalized_amplitude_damping([0.1, 0.5, 0.9], 0.2)):
        seq = rho
        for q in qs:
            seq = chan.apply(seq, [q])
        np.testing.assert_allclose(chan.apply_each(rho, qs), seq, atol=ATOL)
    full = rho
    chan = ch.phase_damping(0.3)
    for q in range(n):
        full = chan.apply(full, [q])
    np.testing.assert_allclose(chan.apply_each(rho), full, atol=ATOL)


BATCHED: list[tuple[str, int, Callable[[np.ndarray], ch.Channel]]] = [
    ("bit_flip", 1, ch.bit_flip),
    ("phase_flip", 1, ch.phase_flip),
    ("bit_phase_flip", 1, ch.bit_phase_flip),
    ("depolarizing_1q", 1, ch.depolarizing),
    ("depolarizing_2q", 2, lambda p: ch.depolarizing(p, 2)),
    ("depolarizing_3q", 3, lambda p: ch.depolarizing(p, 3)),
    ("amplitude_damping", 1, ch.amplitude_damping),
    ("gad", 1, lambda p: ch.generalized_amplitude_damping(p, 1 - p)),
    ("phase_damping", 1, ch.phase_damping),
    ("thermal_relaxation", 1, lambda p: ch.thermal_relaxation(10.0, 5.0 + 10 * p, 4.0 * p)),
    ("pauli_2q", 2, lambda p: ch.pauli_channel({"XZ": p / 2, "YY": p / 3})),
    ("depol_then_damping", 1, lambda p: ch.amplitude_damping(p) @ ch.depolarizing(p)),
    ("tensor_2q", 2, lambda p: ch.amplitude_damping(p).tensor(ch.phase_flip(0.2))),
]


@pytest.mark.parametrize(("name", "k", "factory"), BATCHED, ids=[b[0] for b in BATCHED])
def test_batched_parameters_equal_per_item_channels(name: str, k: int, factory: Callable) -> None:
    rng = np.random.default_rng(len(name))
    params = np.array([0.0, 0.35, 0.8])
    batched = factory(params)
    assert batched.batch == 3
    n = 4
    qs = random_subset(rng, n, k)
    rho = st.random_density(n, batch=3, rng=rng)
    one = st.random_density(n, batch=1, rng=rng)
    out, out_one = batched.apply(rho, qs), batched.apply(one, qs)  # a batch of one broadcasts
    for b, p in enumerate(params):
        scalar = factory(float(p))
        assert scalar.batch is None
        np.testing.assert_allclose(out[b], scalar.apply(rho[b : b + 1], qs)[0], atol=ATOL)
        np.testing.assert_allclose(out_one[b], scalar.apply(one, qs)[0], atol=ATOL)
        if k == 1:
            np.testing.assert_allclose(batched.apply_each(rho)[b], scalar.apply_each(rho[b : b + 1])[0], atol=ATOL)


def test_batched_user_kraus_equals_per_item() -> None:
    rng = np.random.default_rng(9)
    for k in (1, 2, 3):
        sets = [random_kraus(k, rng, rank=2) for _ in range(2)]
        batched = ch.kraus_channel([np.stack([s[i] for s in sets]) for i in range(2)])
        rho = st.random_density(4, batch=2, rng=rng)
        qs = random_subset(rng, 4, k)
        out = batched.apply(rho, qs)
        for b in range(2):
            np.testing.assert_allclose(out[b], qiskit_kraus_evolve(rho[b], sets[b], qs), atol=ATOL)


def test_composition_order_is_first_applied_on_the_right() -> None:
    rho = st.random_density(1, rng=np.random.default_rng(11))
    damp, had = ch.amplitude_damping(0.6), ch.unitary_channel(g.H)
    damp_then_h = had @ damp  # E2 @ E1 = E1 first
    expected = had.apply(damp.apply(rho))
    other = damp.apply(had.apply(rho))
    assert np.max(np.abs(expected - other)) > 0.05  # the two orders really differ
    np.testing.assert_allclose(damp_then_h.apply(rho), expected, atol=ATOL)
    np.testing.assert_allclose(damp.then(had).apply(rho), expected, atol=ATOL)
    np.testing.assert_allclose(damp_then_h.compose(ch.identity_channel()).apply(rho), expected, atol=ATOL)
    # Qiskit: a.compose(b) applies a first
    ref = Kraus(list(damp.kraus)).compose(Operator(g.H))
    np.testing.assert_allclose(damp_then_h.apply(rho)[0], qiskit_evolve(rho[0], ref, [0]), atol=ATOL)


def test_pauli_composition_keeps_the_fast_path_and_is_exact() -> None:
    rng = np.random.default_rng(12)
    a = ch.pauli_channel({"XZ": 0.2, "YI": 0.1})
    b = ch.pauli_channel({"ZZ": 0.3, "IX": 0.05})
    comp = b @ a
    assert comp.pauli is not None
    assert sum(float(v) for v in comp.pauli.values()) == pytest.approx(1.0, abs=1e-12)
    rho = st.random_density(3, rng=rng)
    np.testing.assert_allclose(comp.apply(rho, [2, 0]), b.apply(a.apply(rho, [2, 0]), [2, 0]), atol=ATOL)
    generic = ch.Channel([x @ y for x in b.kraus for y in a.kraus], "generic")
    np.testing.assert_allclose(comp.apply(rho, [2, 0]), generic.apply(rho, [2, 0]), atol=ATOL)


def test_tensor_product_acts_on_the_listed_qubits_in_order() -> None:
    rng = np.random.default_rng(13)
    a, b = ch.amplitude_damping(0.5), ch.kraus_channel(random_kraus(1, rng))
    rho = st.random_density(3, rng=rng)
    np.testing.assert_allclose(a.tensor(b).apply(rho, [2, 0]), b.apply(a.apply(rho, [2]), [0]), atol=ATOL)


def test_choi_matrix_is_positive_and_trace_preserving() -> None:
    chan = ch.kraus_channel(random_kraus(2, np.random.default_rng(14)))
    choi = chan.choi()
    assert np.min(np.linalg.eigvalsh(choi)) > -ATOL
    # tracing out the output factor (second) leaves the identity on the input
    ptr = np.einsum("iaja->ij", choi.reshape(4, 4, 4, 4))
    np.testing.assert_allclose(ptr, np.eye(4), atol=ATOL)


# --------------------------------------------------------------------------------------------- properties
def _any_channel(kind: int, p: float, q: float, seed: int) -> ch.Channel:
    return [
        lambda: ch.bit_flip(p), lambda: ch.phase_flip(p), lambda: ch.bit_phase_flip(p), lambda: ch.depolarizing(p),
        lambda: ch.depolarizing(p, 2), lambda: ch.amplitude_damping(p),
        lambda: ch.generalized_amplitude_damping(p, q), lambda: ch.phase_damping(p),
        lambda: ch.thermal_relaxation(1.0, 0.05 + 1.95 * q, 3 * p),
        lambda: ch.pauli_channel({"X": p * q, "Y": p * (1 - q) / 2, "Z": p * (1 - q) / 2}),
        lambda: ch.kraus_channel(random_kraus(1 + seed % 2, np.random.default_rng(seed))),
    ][kind]()


@settings(max_examples=40, deadline=None)
@given(
    kind=hs.integers(0, 10),
    p=hs.floats(0.0, 1.0),
    q=hs.floats(0.0, 1.0),
    n=hs.integers(2, 4),
    seed=hs.integers(0, 2**16),
    each=hs.booleans(),
)
def test_channels_preserve_trace_hermiticity_and_positivity(kind: int, p: float, q: float, n: int, seed: int,
                                                            each: bool) -> None:
    rng = np.random.default_rng(seed)
    chan = _any_channel(kind, p, q, seed)
    rho = st.random_density(n, batch=2, rank=int(rng.integers(1, 2**n + 1)), rng=rng)
    if each and chan.num_qubits == 1:
        out = chan.apply_each(rho)
    else:
        out = chan.apply(rho, random_subset(rng, n, chan.num_qubits))
    np.testing.assert_allclose(np.trace(out, axis1=1, axis2=2), 1.0, atol=1e-10)
    np.testing.assert_allclose(out, np.conj(np.swapaxes(out, 1, 2)), atol=1e-10)
    assert np.min(np.linalg.eigvalsh(out)) > -1e-10


# ------------------------------------------------------------------------------------------------ bad input
def test_non_cptp_kraus_set_shows_the_deviation() -> None:
    with pytest.raises(ValueError, match=r"not trace preserving: max \|sum K\^dag K - I\| = 0\.21"):
        ch.kraus_channel([1.1 * np.eye(2)])
    k0, k1 = ch.amplitude_damping(0.3).kraus
    with pytest.raises(ValueError, match="not trace preserving"):
        ch.kraus_channel([k0])
    with pytest.raises(ValueError, match="NaN or infinite"):
        ch.kraus_channel([np.array([[np.nan, 0], [0, 1]])])
    with pytest.raises(ValueError, match="square|power of two"):
        ch.kraus_channel([np.eye(3)])
    with pytest.raises(ValueError, match="at least one"):
        ch.kraus_channel([])


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda v: ch.bit_flip(v), "bit-flip probability"),
        (lambda v: ch.phase_flip(v), "phase-flip probability"),
        (lambda v: ch.bit_phase_flip(v), "bit-phase-flip probability"),
        (lambda v: ch.depolarizing(v, 2), "depolarising probability"),
        (lambda v: ch.amplitude_damping(v), "damping gamma"),
        (lambda v: ch.generalized_amplitude_damping(0.1, v), "excited-state population"),
        (lambda v: ch.phase_damping(v), "phase-damping lambda"),
        (lambda v: ch.pauli_channel({"XY": v}), "probability of XY"),
    ],
)
@pytest.mark.parametrize("value", [1.5, -0.2, float("nan"), [0.1, float("nan")], [0.2, 1.5]])
def test_out_of_range_parameters_raise_naming_the_parameter(make: Callable, name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        make(value)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda v: ch.thermal_relaxation(v, 1.0, 1.0), "t1"),
        (lambda v: ch.thermal_relaxation(10.0, v, 1.0), "t2"),
        (lambda v: ch.thermal_relaxation(1.0, 1.0, v), "dt"),
    ],
)
@pytest.mark.parametrize("value", [-0.2, float("nan"), float("inf"), [1.0, float("nan")], [1.0, -1.0]])
def test_bad_thermal_relaxation_times_raise_naming_the_time(make: Callable, name: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        make(value)


def test_thermal_relaxation_needs_t2_at_most_twice_t1() -> None:
    with pytest.raises(ValueError, match="t2 <= 2 t1"):
        ch.thermal_relaxation(10.0, 20.5, 1.0)
    ch.thermal_relaxation(10.0, 20.0, 1.0)


def test_pauli_probabilities_must_sum_to_one() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        ch.pauli_channel({"X": 0.7, "Z": 0.6})
    with pytest.raises(ValueError, match="invalid Pauli string"):
        ch.pauli_channel({"Q": 0.1})
    with pytest.raises(ValueError, match="different lengths"):
        ch.pauli_channel({"X": 0.1, "XX": 0.1})


def test_wrong_qubits_and_shapes_raise() -> None:
    rho = st.random_density(3, batch=2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="out of range"):
        ch.bit_flip(0.1).apply(rho, [3])
    with pytest.raises(ValueError, match="repeated"):
        ch.depolarizing(0.1, 2).apply(rho, [1, 1])
    with pytest.raises(ValueError, match="given 1 qubits"):
        ch.depolarizing(0.1, 2).apply(rho, [0])
    with pytest.raises(ValueError, match="explicit qubit list"):
        ch.bit_flip(0.1).apply(rho)
    with pytest.raises(ValueError, match="does not match state batch"):
        ch.bit_flip([0.1, 0.2, 0.3]).apply(rho, [0])
    with pytest.raises(ValueError, match="single-qubit"):
        ch.depolarizing(0.1, 2).apply_each(rho)
    with pytest.raises(ValueError, match="out of range"):
        ch.bit_flip(0.1).apply_each(rho, [0, 7])


def _structured_channel(kind: int, p: float, k: int, batch: int | None, seed: int) -> ch.Channel:
    """Channels that exercise each application path; ``batch`` gives batched parameters (``None``: scalar)."""
    par = p if batch is None else np.linspace(0.0, p, batch)
    rng = np.random.default_rng(seed)
    builders = [
        lambda: ch.depolarizing(par, k),  # twirl (k >= 2) or flip masks (k = 1)
        lambda: ch.pauli_channel({"X" * k: par / 2, "Z" * k: par / 3}),  # Pauli masks (k >= 2)
        lambda: ch.depolarizing(par, k) @ ch.depolarizing(par / 2, k),  # composed Pauli, no twirl
        lambda: ch.Channel([np.sqrt(1 - p) * np.eye(2**k), np.sqrt(p) * random_kraus(k, rng, 1)[0]], "mix"),
        lambda: ch.amplitude_damping(par).tensor(ch.identity_channel(k - 1)) if k > 1 else ch.amplitude_damping(par),
    ]
    return builders[kind]()


@settings(max_examples=40, deadline=None)
@given(kind=hs.integers(0, 4), p=hs.floats(0.0, 1.0), k=hs.integers(1, 3), n=hs.integers(3, 5),
       batched=hs.booleans(), seed=hs.integers(0, 2**16))
def test_every_application_path_equals_qiskit_on_the_channels_own_kraus(kind: int, p: float, k: int, n: int,
                                                                         batched: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    chan = _structured_channel(kind, p, k, 2 if batched else None, seed)
    rho = st.random_density(n, batch=2, rng=rng)
    qs = random_subset(rng, n, k)
    out = chan.apply(rho, qs)
    for b in range(2):
        kraus = [kk[b] if kk.ndim == 3 else kk for kk in chan.kraus]
        np.testing.assert_allclose(out[b], qiskit_kraus_evolve(rho[b], kraus, qs), atol=ATOL)


def test_algebra_rejects_mismatched_widths() -> None:
    with pytest.raises(ValueError, match="different numbers of qubits"):
        ch.depolarizing(0.1, 2) @ ch.bit_flip(0.1)

import numpy as np
import pytest
from scipy.stats import norm

from qsec6g.quantum import channels as ch
from qsec6g.quantum.gates import rz
from qsec6g.quantum.states import random_density, random_statevector, to_density
from qsec6g.twin import adversary as adv
from qsec6g.twin import defence as dfn


def test_indicator_maps_closed_forms():
    assert np.isclose(adv.gamma_from_idle(np.log(2)), 0.5)
    assert np.isclose(adv.p_bit_flip_from_evm(0.5), norm.sf(np.sqrt(2 / 0.25)))
    params = adv.channel_params_from_indicators(np.array([[0.1, 0.3, 0.4]]))
    assert np.isclose(params["p_depol_max"][0], max(params["gamma"][0], params["p_pf"][0], params["p_bf"][0]))


def test_phase_flip_map_equals_average_of_gaussian_phase_kicks():
    sigma = 0.7
    rho = to_density(random_statevector(1, rng=3))
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)  # Gauss-Hermite quadrature of N(0, 1)
    weights = weights / weights.sum()
    avg = sum(w * rz(sigma * x) @ rho[0] @ rz(sigma * x).conj().T for x, w in zip(nodes, weights))
    pf = ch.phase_flip(float(adv.p_phase_flip_from_jitter(sigma))).apply(rho)[0]
    np.testing.assert_allclose(avg, pf, atol=1e-12)


def test_sampling_laws():
    p = adv.sample_p(20000, 1)
    g = adv.sample_gamma(20000, 1)
    assert p.min() >= 0.05 and p.max() <= 0.5 and abs(p.mean() - 0.275) < 0.005
    assert g.min() >= 0.05 and g.max() <= 0.5 and abs(np.median(g) - 0.3) < 0.01
    np.testing.assert_array_equal(adv.sample_gamma(5, 9), adv.sample_gamma(5, 9))


def test_scenario_table_and_fixed_channel_order():
    assert list(adv.SCENARIOS) == [f"S{i}" for i in range(1, 10)]
    assert adv.SCENARIOS["S9"].draw(4, 0).p_bf.shape == (4,)
    prm = adv.NoiseParams(gamma=0.2, p_bf=0.1, p_pf=0.05, p_depol=0.03)
    rho = random_density(1, rng=2)
    manual = ch.depolarizing(0.03).apply(ch.phase_flip(0.05).apply(ch.bit_flip(0.1).apply(
        ch.amplitude_damping(0.2).apply(rho))))
    np.testing.assert_allclose(prm.channel().apply(rho), manual, atol=1e-12)
    assert adv.family_for("sync_drift") == "PF" and adv.family_for("beam_jamming") == "BF+DEP"
    assert adv.family_for("normal", thermal_stress=True) == "AD"
    with pytest.raises(ValueError, match="unknown scenario"):
        adv.scenario("S10")


def test_cloning_probe_shrinks_by_two_thirds_and_accounts_information():
    probe = adv.CloningProbe()
    rho = to_density(np.array([[1, 0]], dtype=complex))
    out = probe.on_state(rho, np.array([True]), np.random.default_rng(0), 1, {"RU": [0]})
    np.testing.assert_allclose(np.real(out[0, 0, 0] - out[0, 1, 1]), 2 / 3)  # Bloch vector shrunk by η = 2/3
    x = 5 / 6
    assert np.isclose(probe.info_bits, 1 + x * np.log2(x) + (1 - x) * np.log2(1 - x))


def test_every_attack_has_a_distinct_ground_truth_label():
    labels = [cls().label for cls in adv.ATTACKS.values()]
    assert len(set(labels)) == len(labels) and adv.AttackType.NONE not in labels


def _single_qubit_partial_collapse(alpha, beta, gamma, p):
    rho = to_density(np.array([[alpha, beta]], dtype=complex))
    mw = dfn.weak_measurement_diag(np.array([p]), 1)
    pr = dfn.reversal_strength(np.array([p]), np.array([gamma]))
    out = ch.amplitude_damping(gamma).apply(dfn.scale(rho, mw))
    out, p_ok = dfn.normalise(dfn.scale(out, dfn.reversal_diag(pr, 1)))
    psi = np.array([alpha, beta], dtype=complex)
    return float(np.real(psi.conj() @ out[0] @ psi)), float(p_ok[0])


def test_partial_collapse_protects_against_amplitude_damping():
    alpha, beta, gamma = np.sqrt(0.3), np.sqrt(0.7), 0.4
    psi = np.array([alpha, beta], dtype=complex)
    f_plain = float(np.real(psi.conj() @ ch.amplitude_damping(gamma).apply(to_density(psi[None]))[0] @ psi))
    fids, probs = zip(*(_single_qubit_partial_collapse(alpha, beta, gamma, p) for p in (0.3, 0.6, 0.9, 0.99)))
    assert all(f > f_plain for f in fids)
    assert all(np.diff(fids) > 0) and all(np.diff(probs) < 0)  # stronger measurement: better, rarer
    # closed forms for p_r = p + γ(1-p) (Kim et al. 2012): only the jump branch survives as an error
    for p in (0.3, 0.6, 0.9):
        f, ok = _single_qubit_partial_collapse(alpha, beta, gamma, p)
        a2, b2 = abs(alpha) ** 2, abs(beta) ** 2
        assert np.isclose(ok, (1 - p) * (1 - gamma) * (1 + (1 - p) * gamma * b2))
        assert np.isclose(f, (1 + (1 - p) * gamma * a2 * b2) / (1 + (1 - p) * gamma * b2))


def test_partial_collapse_without_damping_is_undone_exactly():
    psi = random_statevector(2, rng=4).real
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    rho = to_density(psi.astype(complex))
    p = np.array([0.5])
    out = dfn.scale(dfn.scale(rho, dfn.weak_measurement_diag(p, 2)), dfn.reversal_diag(dfn.reversal_strength(p, np.zeros(1)), 2))
    np.testing.assert_allclose(dfn.normalise(out)[0], rho, atol=1e-12)


def test_purification_raises_fidelity_and_fixes_the_reference():
    psi = random_statevector(3, rng=5).real
    psi /= np.linalg.norm(psi, axis=1, keepdims=True)
    v = dfn.reference_frame(psi)
    np.testing.assert_allclose(v[0] @ np.eye(8)[0], psi[0], atol=1e-12)
    np.testing.assert_allclose(v[0] @ v[0].T, np.eye(8), atol=1e-12)
    pure = to_density(psi.astype(complex))
    out, p_ok = dfn.purify(pure, psi)
    np.testing.assert_allclose(out, pure, atol=1e-12) and np.testing.assert_allclose(p_ok, 1.0)
    for p in (0.02, 0.08):
        noisy = ch.depolarizing(p).apply_each(ch.bit_flip(p).apply_each(pure))
        f0 = np.real(np.einsum("bi,bij,bj->b", psi, noisy, psi))
        out, p_ok = dfn.purify(noisy, psi)
        f1 = np.real(np.einsum("bi,bij,bj->b", psi, out, psi))
        assert f0 > 0.5 and f1 > f0 and 0 < p_ok < 1
        np.testing.assert_allclose(np.trace(out[0]), 1.0)
        assert np.linalg.eigvalsh(out[0]).min() > -1e-12


def test_action_costs():
    assert dfn.action_cost(dfn.Action.NOOP, 3).units == 0
    assert dfn.action_cost(dfn.Action.REINIT, 3).cnots == 6
    assert dfn.action_cost(dfn.Action.PURIFY, 3).registers == 2

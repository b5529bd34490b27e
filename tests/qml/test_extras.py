"""Intercept-resend, fidelity kernel, privacy attacks and the PRB policy environment."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qsec6g.qml import intercept as IR
from qsec6g.qml import kernel_svm as KS
from qsec6g.qml import policy as PO
from qsec6g.qml import privacy as PV
from qsec6g.qml.circuits import DTYPE, QuantumClassifier


def test_intercept_resend_fidelity_matches_the_bb84_closed_form() -> None:
    # one qubit |0>: Z-basis interception leaves it intact, X-basis gives |+> or |-> (fidelity 1/2) → mean 3/4
    psi = np.zeros((20000, 2), complex)
    psi[:, 0] = 1
    out, hit, fid = IR.intercept_resend(psi, 1.0, 0)
    assert hit.all() and abs(fid.mean() - 0.75) < 0.01
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0)
    same, hit0, fid0 = IR.intercept_resend(psi[:10], 0.0, 0)
    assert not hit0.any() and np.allclose(same, psi[:10]) and np.allclose(fid0, 1)
    assert IR.detection_probability(0.75, 2) == pytest.approx(1 - 0.75**2)
    with pytest.raises(ValueError, match="fraction"):
        IR.intercept_resend(psi, 1.5)


def test_fidelity_kernel_matches_statevector_overlaps() -> None:
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(5, 11)), rng.normal(size=(4, 11))
    K = KS.fidelity_kernel(A, B)
    a = np.pad(A, ((0, 0), (0, 5)))
    b = np.pad(B, ((0, 0), (0, 5)))
    ref = (a @ b.T / np.outer(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))) ** 2
    np.testing.assert_allclose(K, ref, atol=1e-12)
    Ka = KS.fidelity_kernel(A[:, :3], A[:, :3], "angle")
    th = np.pi / (1 + np.exp(-A[:, :3]))
    ref_a = np.prod(np.cos((th[:, None, :] - th[None, :, :]) / 2) ** 2, axis=2)
    np.testing.assert_allclose(Ka, ref_a, atol=1e-12)


def test_kernel_svm_learns_and_poisoning_flips_the_budget() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int)
    m = KS.QuantumKernelSVM(encoding="angle").fit(X, y)
    assert (m.predict(X) == y).mean() > 0.85
    yp = KS.poison_labels(m, X, y, 0.1, True, rng)
    assert (yp != y).sum() == 30


def test_membership_auc_detects_an_overfit_model_and_not_a_random_one() -> None:
    rng = np.random.default_rng(2)
    Xin, Xout = rng.normal(size=(60, 11)), rng.normal(size=(60, 11))
    yin, yout = rng.integers(0, 2, 60), rng.integers(0, 2, 60)
    from qsec6g.qml.models import MLP, train

    over = MLP(11, hidden=64)
    train(over, Xin, yin, epochs=120, lr=0.03, batch_size=60)
    assert PV.membership_auc(over, Xin, yin, Xout, yout) > 0.8
    fresh = MLP(11, seed=5)
    assert abs(PV.membership_auc(fresh, Xin, yin, Xout, yout) - 0.5) < 0.2


def test_prb_environment_reward_and_policy_attack() -> None:
    env = PO.PRBEnv(demand=np.array([[1e6, 1e6], [2e6, 0.0]]), se=np.array([[2.0, 2.0], [2.0, 2.0]]), n_prb=10)
    # capacity 10·180k·2 = 3.6 Mbit/s; equal shares serve both users at step 0: reward 2 × 2 Mbit/s
    r, t = env.outcome(np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([0, 1]))
    assert r[0] == pytest.approx(4.0) and t[0] == pytest.approx(2e6)
    assert t[1] == pytest.approx(1.8e6) and r[1] == pytest.approx(1 * 1.8)  # only the 0-demand user is served
    pol = PO.MLPPolicy(4, 2)
    obs = torch.as_tensor(env.observations(), dtype=DTYPE)
    assert torch.equal(PO.attack_observations(pol, obs, 0.0), obs)
    adv = PO.attack_observations(pol, obs, 0.3, steps=3)
    assert (adv - obs).abs().max() <= 0.3 + 1e-12
    top = pol(obs).argmax(1)
    ce = torch.nn.functional.cross_entropy
    assert ce(pol(adv), top) > ce(pol(obs), top)
    q = PO.PQCPolicy(4, 2)
    assert q(obs).shape == (2, 2)
    assert isinstance(q.circuit, QuantumClassifier)


def test_reinforce_improves_on_a_toy_environment() -> None:
    rng = np.random.default_rng(3)
    se = np.stack([rng.uniform(1, 2, 200), rng.uniform(4, 6, 200)], 1)  # user 1 always far better
    env = PO.PRBEnv(demand=np.full((200, 2), 5e6), se=se, n_prb=10)
    pol = PO.MLPPolicy(4, 2)
    curve = PO.train_policy(pol, env, steps=80, lr=0.05)
    assert np.mean(curve[-10:]) > np.mean(curve[:10])

"""VQC gradients (finite differences, PennyLane), encodings, noise, and the evasion attacks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from qsec6g.qml.attacks import fgsm, make_attack, pgd, pgd_state, robustness_curve
from qsec6g.qml.circuits import DTYPE, GateNoise, QuantumClassifier, amplitude_encode
from qsec6g.qml.models import LogisticRegression, train


def _model(n=4, enc="amplitude", f=11, noise=None, seed=0):
    proj = np.random.default_rng(seed).normal(size=(f, n)) if enc == "angle" else None
    return QuantumClassifier(f, n, 2, enc, proj=proj, noise=noise, seed=seed)


def _toy(n=300, f=11, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, f))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, y


@pytest.mark.parametrize("enc", ["amplitude", "angle"])
def test_input_and_weight_gradients_match_finite_differences(enc: str) -> None:
    m = _model(enc=enc)
    x = torch.randn(3, 11, dtype=DTYPE, generator=torch.Generator().manual_seed(1))
    assert torch.autograd.gradcheck(lambda t: m(t), (x.clone().requires_grad_(True),))
    w0 = m.weights.detach().clone().requires_grad_(True)
    call = torch.func.functional_call
    assert torch.autograd.gradcheck(lambda w: call(m, {"weights": w}, (x,)), (w0,))


@pytest.mark.parametrize("n,enc,f", [(4, "amplitude", 16), (5, "angle", 5), (6, "angle", 6)])
def test_outputs_and_gradients_match_pennylane(n: int, enc: str, f: int) -> None:
    pytest.importorskip("pennylane")
    from qsec6g.bench.qml import _pennylane_model

    m = QuantumClassifier(f, n, 2, enc, seed=3)
    x = torch.randn(5, f, dtype=DTYPE, generator=torch.Generator().manual_seed(2)).requires_grad_(True)
    _, _, pl_forward = _pennylane_model(m, n, enc)
    w = m.weights.detach().clone().requires_grad_(True)
    ours, theirs = m(x), pl_forward(x, w)
    assert torch.allclose(ours, theirs, atol=1e-10)
    gx, gw = torch.autograd.grad(ours.sum(), (x, m.weights))
    px, pw = torch.autograd.grad(theirs.sum(), (x, w))
    assert torch.allclose(gx, px, atol=1e-10) and torch.allclose(gw, pw, atol=1e-10)


def test_amplitude_encoding_is_normalised_and_padded() -> None:
    s = amplitude_encode(torch.tensor([[3.0, 4.0], [0.0, 0.0]], dtype=DTYPE), 2)
    assert torch.allclose(s, torch.tensor([[0.6, 0.8, 0, 0], [1, 0, 0, 0]], dtype=DTYPE))
    with pytest.raises(ValueError, match="do not fit"):
        amplitude_encode(torch.zeros(1, 17, dtype=DTYPE), 4)


def test_full_depolarising_noise_erases_the_signal() -> None:
    x = torch.randn(4, 11, dtype=DTYPE)
    clean, noisy = _model(), _model(noise=GateNoise(p=1.0))
    noisy.load_state_dict(clean.state_dict())
    z = noisy.expvals(noisy.encode(x))
    assert torch.allclose(z, torch.zeros_like(z), atol=1e-12)
    weak = _model(noise=GateNoise(p=0.01, gamma=0.01))
    weak.load_state_dict(clean.state_dict())
    d = (weak(x) - clean(x)).abs().max().item()
    assert 0 < d < 0.1


def test_density_path_with_vanishing_noise_equals_statevector() -> None:
    sv, dm = _model(), _model(noise=GateNoise(p=1e-12))
    assert sv.noise is None and dm.noise is not None
    x = torch.randn(4, 11, dtype=DTYPE)
    assert torch.allclose(sv(x), dm(x), atol=1e-9)


def test_bad_constructor_inputs() -> None:
    with pytest.raises(ValueError, match="encoding"):
        QuantumClassifier(4, 2, 1, "basis")
    with pytest.raises(ValueError, match="qubits"):
        QuantumClassifier(20, 4, 1, "amplitude")
    with pytest.raises(ValueError, match="noise"):
        GateNoise(p=1.5)


@pytest.fixture(scope="module")
def trained():
    X, y = _toy()
    m = _model()
    train(m, X, y, epochs=8, lr=0.05)
    lr = LogisticRegression(11)
    train(lr, X, y, epochs=30, lr=0.05)
    return m, lr, X, y


def test_fgsm_eps_zero_is_a_no_op_and_attacks_raise_the_loss(trained) -> None:
    m, lr, X, y = trained
    x, yt = torch.as_tensor(X[:100]), torch.as_tensor(y[:100])
    assert torch.equal(fgsm(m, x, yt, 0.0), x)
    assert torch.equal(pgd(m, x, yt, 0.0), x)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    for model in (m, lr):
        base = bce(model(x), yt.to(DTYPE)).item()
        for norm in ("linf", "l2"):
            lf = bce(model(fgsm(model, x, yt, 0.3, norm)), yt.to(DTYPE)).item()
            lp = bce(model(pgd(model, x, yt, 0.3, 10, norm)), yt.to(DTYPE)).item()
            assert lf > base and lp >= lf - 1e-9


def test_pgd_stays_in_the_ball(trained) -> None:
    m, _, X, y = trained
    x, yt = torch.as_tensor(X[:50]), torch.as_tensor(y[:50])
    xa = pgd(m, x, yt, 0.2, 5, "linf", random_start=True, gen=torch.Generator().manual_seed(0))
    assert (xa - x).abs().max() <= 0.2 + 1e-12
    xa = pgd(m, x, yt, 0.5, 5, "l2")
    assert (xa - x).norm(dim=1).max() <= 0.5 + 1e-9


def test_state_attack_keeps_states_normalised_and_hurts(trained) -> None:
    m, _, X, y = trained
    x, yt = torch.as_tensor(X[:100]), torch.as_tensor(y[:100])
    psi = pgd_state(m, x, yt, 0.3)
    assert torch.allclose(psi.norm(dim=1), torch.ones(100, dtype=DTYPE))
    with torch.no_grad():
        acc_clean = ((m(x) > 0).long() == yt).double().mean()
        acc_adv = ((m.forward_state(psi) > 0).long() == yt).double().mean()
    assert acc_adv < acc_clean


def test_robustness_curve_is_monotone_for_pgd(trained) -> None:
    m, _, X, y = trained
    rows = robustness_curve(m, X[:150], y[:150], [0.0, 0.2, 0.5, 1.0], make_attack("pgd_linf", 10), n_boot=50)
    acc = [r["robust_accuracy"] for r in rows]
    assert acc[0] == rows[0]["clean_accuracy"] and acc[-1] < acc[0]
    assert all(a >= b - 0.02 for a, b in zip(acc, acc[1:]))
    assert all(r["ci_low"] <= r["robust_accuracy"] <= r["ci_high"] for r in rows)


def test_attack_argument_errors(trained) -> None:
    m, _, X, y = trained
    x, yt = torch.as_tensor(X[:5]), torch.as_tensor(y[:5])
    with pytest.raises(ValueError, match="eps"):
        fgsm(m, x, yt, -0.1)
    with pytest.raises(ValueError, match="norm"):
        pgd(m, x, yt, 0.1, norm="l1")
    with pytest.raises(ValueError, match="unknown attack"):
        make_attack("cw_l2")
    assert math.isfinite(float(m(x).detach().sum()))

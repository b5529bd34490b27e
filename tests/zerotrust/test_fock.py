"""Truncated-Fock CV simulation against closed forms (coherent and squeezed states, unitarity)."""

import math

import numpy as np
import torch

from qsec6g.zerotrust import fock

C = 12


def vacuum(c: int = C) -> torch.Tensor:
    v = torch.zeros(c, dtype=torch.complex128)
    v[0] = 1
    return v


def test_coherent_state_photon_statistics_are_poisson():
    alpha = torch.tensor([0.4, 1.0, 1.5], dtype=torch.float64)
    d = fock.displacement(alpha, C)
    for i, a in enumerate(alpha.tolist()):
        p = (d[i] @ vacuum()).abs() ** 2
        poisson = [math.exp(-a * a) * a ** (2 * n) / math.factorial(n) for n in range(C)]
        np.testing.assert_allclose(p.numpy(), poisson, atol=1e-10)
        np.testing.assert_allclose((p * torch.arange(C)).sum().item(), a * a, atol=1e-4)   # ⟨n⟩ = |α|²
    closed = fock.coherent_state(alpha, C)
    np.testing.assert_allclose(closed.numpy(), (d @ vacuum()).numpy(), atol=1e-10)


def test_squeezed_vacuum_photon_number_distribution():
    for r in (0.2, 0.5):
        p = (fock.squeezing(torch.tensor(r, dtype=torch.float64), C) @ vacuum()).abs() ** 2
        for n in range(C):
            if n % 2:
                assert p[n] < 1e-14
            else:
                m = n // 2
                exact = math.factorial(n) / (2**m * math.factorial(m)) ** 2 * math.tanh(r) ** n / math.cosh(r)
                assert abs(p[n].item() - exact) < 1e-10


def test_unitarity_up_to_truncation_and_photon_number_conservation():
    d = fock.displacement(torch.tensor(0.5, dtype=torch.float64), C)
    low = (d.conj().T @ d)[:4, :4]                              # low-photon block is unitary to float precision
    np.testing.assert_allclose(low.numpy(), np.eye(4), atol=1e-8)
    leak = 1 - (d.conj().T @ d)[C - 1, C - 1].real.item()      # the top Fock state leaks out of the space
    assert leak > 1e-3
    bs = fock.beamsplitter(torch.tensor(0.7, dtype=torch.float64), torch.tensor(0.3, dtype=torch.float64), 5)
    np.testing.assert_allclose((bs.conj().T @ bs).numpy(), np.eye(25), atol=1e-12)
    n_tot = torch.tensor([i + j for i in range(5) for j in range(5)], dtype=torch.complex128)
    np.testing.assert_allclose((bs @ torch.diag(n_tot) - torch.diag(n_tot) @ bs).abs().max().item(), 0, atol=1e-12)
    one_zero = torch.zeros(25, dtype=torch.complex128)
    one_zero[1 * 5 + 0] = 1
    out = bs @ one_zero
    np.testing.assert_allclose(abs(out[5].item()) ** 2, math.cos(0.7) ** 2, atol=1e-12)   # |1,0⟩ stays w.p. cos²θ


def test_mode_observables_match_closed_forms():
    alpha = torch.tensor([0.8, -0.3], dtype=torch.float64)
    state = fock.product(fock.coherent_state(alpha, C)[None])
    obs = fock.mode_observables(state, 2, C)[0]
    np.testing.assert_allclose(obs[:2].numpy(), (alpha**2).numpy(), atol=1e-6)     # ⟨n⟩ = α²
    np.testing.assert_allclose(obs[2:].numpy(), (2 * alpha).numpy(), atol=1e-6)    # ⟨x⟩ = 2 Re α (ħ = 2)
    assert abs(fock.norm(state).item() - 1) < 1e-6

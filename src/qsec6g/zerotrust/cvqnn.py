"""Continuous-variable quantum neural network (CV-QNN) detector, as described in the QNN-ZTF paper.

Per sample: features → displacement encoding (each mode k starts in the coherent state |α_k⟩ with
α_k = alpha_max · tanh(z_k); z = standardised features or their top-M PCA components) → L layers of

    interferometer U1 → squeezing S(r) → interferometer U2 → displacement D(α) → Kerr K(κ)

(Killoran et al., "Continuous-variable quantum neural networks", 2019) → ⟨n_k⟩ and ⟨x_k⟩ of every mode → linear
head → class logits. Simulated in a truncated Fock space (:mod:`qsec6g.zerotrust.fock`, cutoff c per mode);
parameters are shared by the batch, so each training step builds one (c^M, c^M) layer matrix per layer and
applies it to the whole batch with one matrix product.
"""

from __future__ import annotations

import numpy as np
import torch

from qsec6g.zerotrust import fock
from qsec6g.zerotrust.torch_estimator import TorchClassifier
from qsec6g.zerotrust.vqc import pca_projection


class CVLayerStack(torch.nn.Module):
    """L trainable CV layers on M modes; ``forward(state (B, c^M)) -> state``."""

    def __init__(self, n_modes: int, cutoff: int, n_layers: int, init_scale: float = 0.1) -> None:
        super().__init__()
        self.m, self.c = n_modes, cutoff
        n_bs = n_modes * (n_modes - 1) // 2
        shape = lambda *s: torch.nn.Parameter(init_scale * torch.randn(n_layers, *s))
        self.bs1_theta, self.bs1_phi, self.rot1 = shape(n_bs), shape(n_bs), shape(n_modes)
        self.bs2_theta, self.bs2_phi, self.rot2 = shape(n_bs), shape(n_bs), shape(n_modes)
        self.squeeze, self.disp, self.kerr = shape(n_modes), shape(n_modes), shape(n_modes)

    def layer_matrix(self, l: int) -> torch.Tensor:
        """The (c^M, c^M) matrix of layer ``l`` (truncated, so only approximately unitary)."""
        c = self.c
        u1 = fock.interferometer(self.bs1_theta[l], self.bs1_phi[l], self.rot1[l], c)
        u2 = fock.interferometer(self.bs2_theta[l], self.bs2_phi[l], self.rot2[l], c)
        s = _kron_all(fock.squeezing(self.squeeze[l], c))
        d = _kron_all(fock.displacement(self.disp[l], c))
        k = fock.product(fock.phase_diag(self.kerr[l], c, power=2)[None])[0]
        return k[:, None] * (d @ (u2 @ (s @ u1)))

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        for l in range(self.bs1_theta.shape[0]):
            state = state @ self.layer_matrix(l).T
        return state


def _kron_all(ops: torch.Tensor) -> torch.Tensor:
    out = ops[0]
    for k in range(1, ops.shape[0]):
        out = torch.kron(out, ops[k])
    return out


class CVQNNModule(torch.nn.Module):
    def __init__(self, n_modes: int, cutoff: int, n_layers: int, n_out: int, alpha_max: float,
                 proj: np.ndarray | None) -> None:
        super().__init__()
        self.m, self.c, self.alpha_max = n_modes, cutoff, alpha_max
        self.register_buffer("proj", None if proj is None else torch.as_tensor(proj, dtype=torch.float32))
        self.layers = CVLayerStack(n_modes, cutoff, n_layers)
        self.head = torch.nn.Linear(2 * n_modes, n_out)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        if self.proj is not None:
            x = x @ self.proj
        alpha = self.alpha_max * torch.tanh(x)                               # (B, M)
        per_mode = fock.coherent_state(alpha.reshape(-1), self.c).reshape(x.shape[0], self.m, self.c)
        return fock.product(per_mode)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        state = self.layers(self.encode(x))
        return self.head(fock.mode_observables(state, self.m, self.c))


class CVQNNClassifier(TorchClassifier):
    """scikit-learn CV-QNN detector (M modes, Fock cutoff c per mode, L layers)."""

    def __init__(
        self, n_modes: int = 2, cutoff: int = 6, n_layers: int = 2, alpha_max: float = 1.0, epochs: int = 30,
        batch_size: int = 256, lr: float = 0.05, seed: int = 0,
    ) -> None:
        super().__init__(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
        self.n_modes = n_modes
        self.cutoff = cutoff
        self.n_layers = n_layers
        self.alpha_max = alpha_max

    def _build_module(self, Xs: np.ndarray, n_out: int) -> CVQNNModule:
        m = min(self.n_modes, Xs.shape[1])
        proj = pca_projection(Xs, m) if Xs.shape[1] > m else None
        return CVQNNModule(m, self.cutoff, self.n_layers, n_out, self.alpha_max, proj)

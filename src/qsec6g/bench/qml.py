"""Benchmark suite ``qml``: gradients of the VQC w.r.t. inputs and parameters (batched) vs PennyLane, and the
time of a full PGD robustness curve.

Cases
- ``grad_<enc>_<n>q``: loss = Σ BCE(head(⟨Z⟩), y) over a batch of B samples, backward to the inputs and to the
  circuit weights. Ours: :class:`qsec6g.qml.circuits.QuantumClassifier` (fused unitary, float64/complex128).
  Peer: the same circuit in PennyLane ``default.qubit`` (interface torch, diff_method="backprop", parameter
  broadcasting over the batch), same weights; the max gradient difference is recorded as a correctness check.
  Per-sample parameter-shift (PennyLane, weights only) is timed on a few samples and scaled to B, for reference.
- ``pgd_curve_4q``: 10 ε values × 20-step ℓ∞ PGD × 1000 samples on the 4-qubit amplitude VQC (target ≤ 60 s).

Both sides run single-threaded (``torch.set_num_threads(1)`` and ``threadpool_limits(1)``), recorded in ``extra``.
"""

from __future__ import annotations

import math

import numpy as np

from qsec6g.bench.records import Record
from qsec6g.timing import median_seconds

SUITE = "qml"


def _pennylane_model(model, n: int, encoding: str):
    import pennylane as qml
    import torch

    dev = qml.device("default.qubit", wires=n)

    @qml.qnode(dev, interface="torch", diff_method="backprop")
    def circuit(x, weights):
        if encoding == "amplitude":
            qml.AmplitudeEmbedding(x, wires=range(n), pad_with=0.0, normalize=True)
        else:
            for k in range(n):
                qml.RY(math.pi * torch.sigmoid(x[..., k]), wires=k)
        for layer in range(weights.shape[0]):
            for k in range(n):
                qml.Rot(weights[layer, k, 0], weights[layer, k, 1], weights[layer, k, 2], wires=k)
            for k in range(n):
                qml.CNOT(wires=[k, (k + 1) % n])
        return [qml.expval(qml.PauliZ(k)) for k in range(n)]

    def forward(x, weights):
        z = torch.stack(circuit(x, weights), -1)
        return model.head(z)[:, 0]

    return qml, circuit, forward


def _grad_case(n: int, encoding: str, batch: int, quick: bool, seed: int) -> list[Record]:
    import torch

    from qsec6g.qml.circuits import DTYPE, QuantumClassifier

    gen = torch.Generator().manual_seed(seed)
    f = 2**n if encoding == "amplitude" else n
    model = QuantumClassifier(f, n, 3, encoding, seed=seed)
    x = torch.randn(batch, f, generator=gen, dtype=DTYPE)
    y = (torch.rand(batch, generator=gen) > 0.5).to(DTYPE)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def ours():
        xr = x.clone().requires_grad_(True)
        model.zero_grad()
        bce(model(xr), y, reduction="sum").backward()
        return xr.grad, model.weights.grad

    qml, circuit, pl_forward = _pennylane_model(model, n, encoding)

    def peer():
        xr = x.clone().requires_grad_(True)
        w = model.weights.detach().clone().requires_grad_(True)
        bce(pl_forward(xr, w), y, reduction="sum").backward()
        return xr.grad, w.grad

    gx, gw = ours()
    px, pw = peer()
    diff = max(float((gx - px).abs().max()), float((gw - pw).abs().max()))
    repeat = 3 if quick else 10
    t_ours = median_seconds(ours, repeat=repeat, warmup=1)
    t_peer = median_seconds(peer, repeat=repeat, warmup=1)

    # per-sample parameter-shift (weights only), for reference
    ps_node = qml.QNode(circuit.func, circuit.device, interface="torch", diff_method="parameter-shift")
    k_ps = 2 if quick else 5

    def param_shift():
        for i in range(k_ps):
            w = model.weights.detach().clone().requires_grad_(True)
            z = torch.stack(ps_node(x[i], w), -1)
            bce(model.head(z[None])[:, 0], y[i:i + 1], reduction="sum").backward()

    t_ps = median_seconds(param_shift, repeat=1, warmup=0) / k_ps * batch
    case = f"grad_{encoding}_{n}q"
    extra = {"batch": batch, "layers": 3, "threads": 1, "max_abs_grad_diff_vs_pennylane": diff,
             "pennylane": qml.__version__, "torch": torch.__version__}
    return [
        Record(SUITE, case, "grad_time", t_ours, "s", "pennylane default.qubit backprop+broadcast",
               t_peer / t_ours, extra),
        Record(SUITE, case, "grad_time_param_shift_est", t_ps, "s", "ours", t_ps / t_ours,
               {**extra, "timed_samples": k_ps, "note": "per-sample parameter-shift scaled to the batch"}),
    ]


def _pgd_case(quick: bool, seed: int) -> list[Record]:
    import time

    import torch

    from qsec6g.qml.attacks import make_attack, robustness_curve
    from qsec6g.qml.circuits import DTYPE, QuantumClassifier

    gen = torch.Generator().manual_seed(seed)
    n_samples = 200 if quick else 1000
    model = QuantumClassifier(16, 4, 3, "amplitude", seed=seed)
    x = torch.randn(n_samples, 16, generator=gen, dtype=DTYPE).numpy()
    with torch.no_grad():
        y = (model(torch.as_tensor(x)) > 0).long().numpy()
    t0 = time.perf_counter()
    rows = robustness_curve(model, x, y, list(np.linspace(0.0, 1.0, 10)), make_attack("pgd_linf", steps=20))
    secs = time.perf_counter() - t0
    return [Record(SUITE, "pgd_curve_4q", "wall_time", secs, "s", "target 60 s", 60.0 / secs,
                   {"eps_values": 10, "steps": 20, "samples": n_samples, "threads": 1,
                    "robust_accuracy_at_max_eps": rows[-1]["robust_accuracy"]})]


def run(quick: bool, seed: int) -> list[Record]:
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    batch = 200 if quick else 1000
    with threadpool_limits(1):
        out = _grad_case(4, "amplitude", batch, quick, seed)
        out += _grad_case(8, "angle", batch, quick, seed)
        out += _pgd_case(quick, seed)
    return out

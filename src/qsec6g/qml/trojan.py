"""Circuit-level attacks on a deployed VQC and their detection.

Trojan gate: after the variational layers the untrusted compiler appends RX(α(x)) on every wire with
α(x) = π·clip((x_f − τ) / w, 0, 1) — a data-controlled rotation that is exactly the identity while feature f stays
below τ (all clean traffic when τ lies beyond the training range) and flips every ⟨Z_k⟩ (RX(π) ∝ X) once the
trigger x_f ≥ τ + w is present. Parameter tampering: Gaussian noise of std σ added to the circuit weights.
:func:`untrusted_compile` is the compiler pass that inserts either.

Detection: :func:`inspect_circuit` diffs the compiled gate list against the declared one (undeclared gates,
data-dependent gates outside the encoding block); :func:`weights_digest` catches tampered parameters;
:func:`output_statistics` compares the compiled model with a reference simulation of the declared circuit on random
wide-range probe inputs (the share of probes whose decision differs).
"""

from __future__ import annotations

import copy
import hashlib
import math

import numpy as np
import torch

from qsec6g.qml.circuits import DTYPE, QuantumClassifier
from qsec6g.quantum import torch_backend as tb


class TrojanedClassifier(torch.nn.Module):
    """``base`` with the trigger-activated RX layer appended before readout (see module docstring)."""

    def __init__(self, base: QuantumClassifier, feature: int, threshold: float, width: float = 0.5) -> None:
        super().__init__()
        if not 0 <= feature < base.n_features:
            raise ValueError(f"trigger feature {feature} out of range [0, {base.n_features})")
        if width <= 0:
            raise ValueError(f"width must be > 0, got {width}")
        self.base, self.feature, self.threshold, self.width = base, feature, threshold, width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = self.base
        out = b.evolve(b.encode(x))
        psi = torch.complex(*out) if isinstance(out, tuple) else out
        alpha = math.pi * ((x[:, self.feature] - self.threshold) / self.width).clamp(0, 1)
        gate = tb.rx(alpha)
        for w in range(b.n):
            psi = tb.apply_1q(psi, gate, w, b.n)
        return b.head(tb.probabilities(psi) @ b.zs)[:, 0]

    def gate_list(self) -> list[tuple[str, tuple[int, ...], str]]:
        return self.base.gate_list() + [("RX(x)", (w,), "variational") for w in range(self.base.n)]


def tamper(model: QuantumClassifier, sigma: float, seed: int = 0) -> QuantumClassifier:
    """A copy of ``model`` with N(0, σ²) noise added to every circuit weight (radians)."""
    out = copy.deepcopy(model)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        out.weights.add_(sigma * torch.randn(out.weights.shape, generator=gen, dtype=DTYPE))
    return out


def untrusted_compile(model: QuantumClassifier, trojan_feature: int | None = None, trojan_threshold: float = 4.0,
                      tamper_sigma: float = 0.0, seed: int = 0) -> torch.nn.Module:
    """The malicious compiler pass: optionally tampers with the weights, optionally inserts the trojan gate."""
    out: torch.nn.Module = tamper(model, tamper_sigma, seed) if tamper_sigma > 0 else copy.deepcopy(model)
    if trojan_feature is not None:
        out = TrojanedClassifier(out, trojan_feature, trojan_threshold)
    return out


def inspect_circuit(compiled: torch.nn.Module, declared: QuantumClassifier) -> list[str]:
    """Findings (empty = clean): gates absent from the declared circuit, data-dependent gates outside encoding."""
    want, got = declared.gate_list(), compiled.gate_list()
    findings = []
    if len(got) != len(want) or any(g != w for g, w in zip(got, want)):
        extra = got[len(want):] if got[:len(want)] == want else [g for g in got if g not in want]
        findings.append(f"compiled circuit differs from the declared one ({len(got)} vs {len(want)} ops; "
                        f"undeclared: {extra[:4]})")
    for name, wires, role in got:
        if "(x)" in name and role != "encoding":
            findings.append(f"data-dependent gate {name} on wires {wires} outside the encoding block")
    return findings


def weights_digest(model: torch.nn.Module) -> str:
    """SHA-256 of all parameters (float64 bytes) — compare with the digest published at training time."""
    h = hashlib.sha256()
    for p in model.parameters():
        h.update(p.detach().to(torch.float64).numpy().tobytes())
    return h.hexdigest()


def output_statistics(compiled: torch.nn.Module, reference: torch.nn.Module, n_features: int, n_probes: int = 2000,
                      probe_scale: float = 3.0, seed: int = 0) -> dict[str, float]:
    """Decision disagreement and mean |Δ logit| between the compiled model and the declared reference on
    N(0, probe_scale²) probes (standardised units)."""
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.normal(0.0, probe_scale, (n_probes, n_features)), dtype=DTYPE)
    with torch.no_grad():
        a, b = compiled(x), reference(x)
    return {"disagreement": float(((a > 0) != (b > 0)).double().mean()),
            "mean_abs_logit_diff": float((a - b).abs().mean())}


def trigger_success(model: torch.nn.Module, X: np.ndarray, feature: int, value: float) -> float:
    """Share of rows whose decision flips when ``feature`` is set to ``value`` (the trigger)."""
    from qsec6g.qml.federated import add_trigger
    from qsec6g.qml.models import predict

    return float((predict(model, X) != predict(model, add_trigger(X, feature, value))).mean())

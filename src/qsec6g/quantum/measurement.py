"""Measurement: Born probabilities, seeded shot sampling, and observables estimated from shots alone.

Shot sampling draws counts in the computational basis (``10**4`` shots by default). To estimate fidelity, purity,
trace distance and entropy of an unknown state with respect to a known pure reference from measured data only,
:class:`PauliShadow` implements classical shadows with uniformly random single-qubit Pauli bases (Huang, Kueng,
Preskill, Nature Physics 16, 1050 (2020)). Each shot yields the snapshot
``ρ̂ = ⊗_q (3 U_q^† |o_q><o_q| U_q - I)``, an unbiased estimator of ρ. Shots are kept grouped as counts per
(basis setting, outcome), so every estimator is a weighted sum, vectorised over the batch.

* Fidelity to a pure reference: mean of ``<ψ|ρ̂|ψ>`` (unbiased), normal confidence interval from its variance.
* Purity: the U-statistic ``(N² tr(ρ̄²) - N 5**n) / (N(N-1))`` (unbiased), bootstrap interval.
* Trace distance and entropy: plug-in values on ρ̄ projected to the nearest physical state (Smolin, Gambetta,
  Smith, PRL 108, 070502 (2012)); biased for few shots, bootstrap interval. For a pure reference the
  Fuchs–van de Graaf bounds ``1 - F <= D <= sqrt(1 - F)`` are also given.

Grouping needs ``3**n * 2**n`` cells per state, so shadows are supported up to ``n = MAX_SHADOW_QUBITS`` qubits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtri

from qsec6g.quantum._tensor import check_qubits
from qsec6g.quantum.gates import SDG, H
from qsec6g.quantum.metrics import entropy_of_spectrum
from qsec6g.quantum.states import is_density, n_qubits, num_qubits_of, to_density
from qsec6g.seeding import SeedLike, make_rng

DEFAULT_SHOTS = 10_000
MAX_SHADOW_QUBITS = 8


def probabilities(state: np.ndarray) -> np.ndarray:
    """Born probabilities in the computational basis, ``(B, 2**n)``, clipped at 0 and renormalised."""
    p = np.abs(state) ** 2 if not is_density(state) else np.real(np.diagonal(state, axis1=-2, axis2=-1))
    p = np.maximum(p, 0.0)
    return p / p.sum(axis=-1, keepdims=True)


def sample_counts(state: np.ndarray, shots: int = DEFAULT_SHOTS, rng: SeedLike = None) -> np.ndarray:
    """Counts per basis index from ``shots`` measurements of each state, ``(B, 2**n)`` int64."""
    if shots < 1:
        raise ValueError(f"shots must be >= 1, got {shots}")
    p = probabilities(state)
    gen = make_rng(rng)
    if p.shape[0] == 1:  # numpy's 1-D multinomial is several times faster than its broadcasting form
        return gen.multinomial(shots, p[0])[None, :]
    return gen.multinomial(shots, p)


def sample_outcomes(state: np.ndarray, shots: int = DEFAULT_SHOTS, rng: SeedLike = None) -> np.ndarray:
    """Individual outcomes (basis indices) in random order, ``(B, shots)``."""
    gen = make_rng(rng)
    counts = sample_counts(state, shots, gen)
    d = counts.shape[1]
    return np.stack([gen.permutation(np.repeat(np.arange(d), row)) for row in counts])


def marginal_counts(counts: np.ndarray, keep: list[int]) -> np.ndarray:
    """Counts of the qubits ``keep`` (in that order) from full counts ``(B, 2**n)``."""
    n = num_qubits_of(counts.shape[1])
    keep = list(check_qubits(keep, n))
    t = counts.reshape((counts.shape[0],) + (2,) * n)
    drop = tuple(1 + q for q in range(n) if q not in keep)
    m = t.sum(axis=drop)
    order = np.argsort(np.argsort(keep))  # m's axes are kept qubits in ascending order
    return np.transpose(m, (0,) + tuple(1 + int(i) for i in order)).reshape(counts.shape[0], -1)


@dataclass(frozen=True)
class Estimate:
    """A batch of estimates with standard errors and a two-sided confidence interval."""

    value: np.ndarray
    stderr: np.ndarray
    low: np.ndarray
    high: np.ndarray
    confidence: float
    shots: int


def _normal_ci(value: np.ndarray, stderr: np.ndarray, confidence: float, shots: int, lo: float, hi: float) -> Estimate:
    z = ndtri(0.5 + confidence / 2)
    return Estimate(value, stderr, np.clip(value - z * stderr, lo, hi), np.clip(value + z * stderr, lo, hi), confidence, shots)


# Basis-change unitaries: measuring X = H then Z; Y = H S^dag then Z; Z = identity.
_BASES = np.stack([H, H @ SDG, np.eye(2, dtype=np.complex128)])
# M[s, o, j, k] = U_s[o, j] conj(U_s[o, k]):   p(o | s) = sum_jk M[s, o, j, k] rho[j, k]
_M = np.einsum("soj,sok->sojk", _BASES, np.conj(_BASES))
# Snapshot factor A[s, o, r, c] = 3 U_s^dag|o><o|U_s - I, entries [r, c]
_A = 3.0 * np.einsum("sor,soc->sorc", np.conj(_BASES), _BASES) - np.eye(2)[None, None]


def _contract_local(rho: np.ndarray, local: np.ndarray) -> np.ndarray:
    """``out[b, s, o] = sum_{j,k} prod_q local[s_q, o_q, j_q, k_q] rho[b, j, k]`` → ``(B, 3**n, 2**n)``."""
    b = rho.shape[0]
    n = n_qubits(rho)
    t = rho.reshape((b,) + (2,) * (2 * n))
    for q in range(n):  # consume the (row q, col q) pair, append (s_q, o_q) at the end
        t = np.tensordot(t, local, axes=([1, 1 + n - q], [2, 3]))
    # t axes: (b, s0, o0, s1, o1, ...)
    t = t.transpose((0,) + tuple(range(1, 2 * n, 2)) + tuple(range(2, 2 * n + 1, 2)))
    return t.reshape(b, 3**n, 2**n)


def _expand_local(weights: np.ndarray, local: np.ndarray, n: int) -> np.ndarray:
    """``sum_{s,o} weights[b, s, o] ⊗_q local[s_q, o_q]`` → ``(B, 2**n, 2**n)``."""
    b = weights.shape[0]
    t = weights.reshape((b,) + (3,) * n + (2,) * n).astype(np.complex128)
    for q in range(n):  # consume (s_q, o_q), append (r_q, c_q)
        t = np.tensordot(t, local, axes=([1, 1 + n - q], [0, 1]))
    t = t.transpose((0,) + tuple(range(1, 2 * n, 2)) + tuple(range(2, 2 * n + 1, 2)))
    return t.reshape(b, 2**n, 2**n)


def project_to_density(rho: np.ndarray) -> np.ndarray:
    """Nearest density matrices (in the 2-norm) to Hermitian unit-trace matrices: eigenvalues projected onto the
    probability simplex."""
    herm = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    w, v = np.linalg.eigh(herm)
    mu = _simplex_projection(w)
    return (v * mu[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def _simplex_projection(w: np.ndarray) -> np.ndarray:
    u = np.sort(w, axis=-1)[..., ::-1]
    css = np.cumsum(u, axis=-1) - 1.0
    idx = np.arange(1, w.shape[-1] + 1)
    cond = u - css / idx > 0
    rho_idx = w.shape[-1] - 1 - np.argmax(cond[..., ::-1], axis=-1)
    theta = np.take_along_axis(css, rho_idx[..., None], axis=-1) / (rho_idx[..., None] + 1)
    return np.clip(w - theta, 0.0, None)


@lru_cache(maxsize=16)
def _uniform_settings(n: int) -> np.ndarray:
    return np.full(3**n, 1.0 / 3**n)


class PauliShadow:
    """Classical shadows from random single-qubit Pauli measurements on ``n`` qubits (``n <= 8``)."""

    def __init__(self, n: int) -> None:
        if not 1 <= n <= MAX_SHADOW_QUBITS:
            raise ValueError(f"classical shadows are supported for 1..{MAX_SHADOW_QUBITS} qubits, got {n}")
        self.n = n

    def setting_probabilities(self, state: np.ndarray) -> np.ndarray:
        """``p[b, s, o]``: probability of outcome ``o`` when measuring in setting ``s`` (base-3 digits, X=0 Y=1 Z=2)."""
        p = np.real(_contract_local(to_density(state), _M))
        p = np.clip(p, 0.0, None)
        return p / p.sum(axis=-1, keepdims=True)

    def sample(self, state: np.ndarray, shots: int = DEFAULT_SHOTS, rng: SeedLike = None) -> np.ndarray:
        """Counts ``(B, 3**n, 2**n)`` of (setting, outcome) pairs over ``shots`` shots per state."""
        if n_qubits(state) != self.n:
            raise ValueError(f"shadow set up for {self.n} qubits, state has {n_qubits(state)}")
        if shots < 2:
            raise ValueError("classical shadows need at least 2 shots")
        gen = make_rng(rng)
        b = state.shape[0]
        per_setting = gen.multinomial(shots, _uniform_settings(self.n), size=b)
        return gen.multinomial(per_setting, self.setting_probabilities(state))

    # -- estimators -------------------------------------------------------------------------------------------
    def mean_snapshot(self, counts: np.ndarray) -> np.ndarray:
        """The linear-inversion estimate ``ρ̄ = mean of snapshots`` (Hermitian, unit trace, maybe not PSD)."""
        shots = counts.sum(axis=(1, 2), keepdims=True)
        return _expand_local(counts / shots, _A, self.n)

    def fidelity(self, counts: np.ndarray, reference: np.ndarray, confidence: float = 0.95) -> Estimate:
        """Fidelity ``<ψ|ρ|ψ>`` to a pure reference (statevector batch), unbiased, with a normal CI."""
        f = np.real(_contract_local(to_density(reference), _A))  # (Bref, S, O) single-snapshot values
        n_shots = counts.sum(axis=(1, 2)).astype(float)
        mean = np.sum(counts * f, axis=(1, 2)) / n_shots
        var = np.sum(counts * (f - mean[:, None, None]) ** 2, axis=(1, 2)) / (n_shots - 1)
        return _normal_ci(mean, np.sqrt(var / n_shots), confidence, int(n_shots[0]), 0.0, 1.0)

    def _purity_value(self, counts: np.ndarray) -> np.ndarray:
        n_shots = counts.sum(axis=(1, 2)).astype(float)
        rho = self.mean_snapshot(counts)
        tr2 = np.real(np.einsum("bij,bji->b", rho, rho))
        return (n_shots**2 * tr2 - n_shots * 5.0**self.n) / (n_shots * (n_shots - 1))

    def _bootstrap(self, counts: np.ndarray, stat, resamples: int, rng: SeedLike) -> np.ndarray:  # noqa: ANN001
        gen = make_rng(rng)
        b, s, o = counts.shape
        n_shots = counts.sum(axis=(1, 2))
        flat = counts.reshape(b, -1) / n_shots[:, None]
        reps = np.stack([gen.multinomial(n_shots, flat).reshape(b, s, o) for _ in range(resamples)], axis=1)
        return stat(reps.reshape(b * resamples, s, o)).reshape(b, resamples)

    def _with_bootstrap(self, counts: np.ndarray, stat, confidence: float, resamples: int, rng: SeedLike,  # noqa: ANN001
                        lo: float, hi: float) -> Estimate:
        value = stat(counts)
        boot = self._bootstrap(counts, stat, resamples, rng)
        a = (1 - confidence) / 2
        return Estimate(value, boot.std(axis=1, ddof=1), np.clip(np.quantile(boot, a, axis=1), lo, hi),
                        np.clip(np.quantile(boot, 1 - a, axis=1), lo, hi), confidence, int(counts[0].sum()))

    def purity(self, counts: np.ndarray, confidence: float = 0.95, resamples: int = 200, rng: SeedLike = 0) -> Estimate:
        """Purity ``tr ρ²`` (unbiased U-statistic), bootstrap CI over resampled shots."""
        return self._with_bootstrap(counts, self._purity_value, confidence, resamples, rng, 0.0, 1.0)

    def trace_distance(self, counts: np.ndarray, reference: np.ndarray, confidence: float = 0.95,
                       resamples: int = 200, rng: SeedLike = 0) -> Estimate:
        """Trace distance of the projected estimate to the reference state, bootstrap CI (plug-in, biased up)."""
        ref = to_density(reference)

        def stat(c: np.ndarray) -> np.ndarray:
            diff = project_to_density(self.mean_snapshot(c)) - ref
            return 0.5 * np.sum(np.abs(np.linalg.eigvalsh(diff)), axis=-1)

        return self._with_bootstrap(counts, stat, confidence, resamples, rng, 0.0, 1.0)

    def entropy(self, counts: np.ndarray, base: float = 2.0, confidence: float = 0.95, resamples: int = 200,
                rng: SeedLike = 0) -> Estimate:
        """Von Neumann entropy of the projected estimate (plug-in), bootstrap CI; bits by default."""

        def stat(c: np.ndarray) -> np.ndarray:
            return entropy_of_spectrum(np.linalg.eigvalsh(project_to_density(self.mean_snapshot(c))), base)

        return self._with_bootstrap(counts, stat, confidence, resamples, rng, 0.0, float(self.n))


def fuchs_van_de_graaf_bounds(fid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on the trace distance to a pure state from the fidelity: ``1 - F <= D <= sqrt(1 - F)``."""
    f = np.clip(fid, 0.0, 1.0)
    return 1.0 - f, np.sqrt(1.0 - f)

"""Linear precoding, Gray-mapped modulations and Monte-Carlo BER / spectral efficiency for ``y = HWs + n``.

Power convention: ``snr`` is the total transmit power over the noise power at a UE, for a unit-gain channel
entry. Precoder columns ``w_k`` have unit norm and each of the ``K`` streams gets power ``snr / K``, so
``SINR_k = (snr/K)|h_k w_k|² / ((snr/K) Σ_{j≠k} |h_k w_j|² + 1)``. The receiver of stream ``k`` knows its
effective gain ``h_k w_k`` (ideal channel estimation at the UE) and treats interference as noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
from scipy import integrate, special

from qsec6g.errors import UserInputError

PRECODERS = ("MRT", "ZF", "MMSE")


def precoder(h: np.ndarray, kind: str, snr: float = 1.0) -> np.ndarray:
    """Unit-norm precoder columns ``W`` ``(draws, antennas, users)`` for channels ``h`` ``(draws, users, antennas)``.

    MRT ``W ∝ Hᴴ``; ZF ``W ∝ Hᴴ(HHᴴ)⁻¹``; MMSE (regularised ZF) ``W ∝ Hᴴ(HHᴴ + (K/snr) I)⁻¹``.
    """
    hh = np.conj(np.swapaxes(h, -1, -2))
    k = h.shape[-2]
    if kind == "MRT":
        w = hh
    elif kind in ("ZF", "MMSE"):
        gram = h @ hh
        if kind == "MMSE":
            gram = gram + (k / snr) * np.eye(k)
        w = hh @ np.linalg.inv(gram)
    else:
        raise UserInputError(f"unknown precoder '{kind}' (use one of {', '.join(PRECODERS)})")
    return w / np.linalg.norm(w, axis=-2, keepdims=True)


def effective_gains(h: np.ndarray, w: np.ndarray, snr: float) -> np.ndarray:
    """``G = sqrt(snr/K) H W`` ``(draws, users, streams)``: ``G[k, j]`` is stream ``j``'s amplitude at user ``k``."""
    return np.sqrt(snr / w.shape[-1]) * (h @ w)


def sinr(g: np.ndarray) -> np.ndarray:
    """Per-stream SINR ``(draws, users)`` from effective gains (unit noise power)."""
    power = np.abs(g) ** 2
    signal = np.diagonal(power, axis1=-2, axis2=-1)
    return signal / (power.sum(axis=-1) - signal + 1.0)


@dataclass(frozen=True)
class Modulation:
    """Gray-mapped BPSK or square M-QAM with unit average symbol energy."""

    name: str
    bits_per_symbol: int

    @property
    def _axis_bits(self) -> int:
        return 1 if self.bits_per_symbol == 1 else self.bits_per_symbol // 2

    @property
    def _scale(self) -> float:
        levels = 1 << self._axis_bits
        energy = (levels**2 - 1) / 3.0  # mean of (2i - L + 1)^2 over one axis
        return 1.0 / np.sqrt(energy if self.bits_per_symbol == 1 else 2.0 * energy)

    def _pam(self, bits: np.ndarray) -> np.ndarray:
        """Gray bits ``(..., m)`` → PAM levels ``2i - (L - 1)``."""
        m = bits.shape[-1]
        binary = np.bitwise_xor.accumulate(bits, axis=-1)  # Gray → binary
        idx = binary @ (1 << np.arange(m - 1, -1, -1))
        return 2.0 * idx - ((1 << m) - 1)

    def _unpam(self, x: np.ndarray) -> np.ndarray:
        m = self._axis_bits
        levels = 1 << m
        idx = np.clip(np.rint((x + levels - 1) / 2.0), 0, levels - 1).astype(np.int64)
        gray = idx ^ (idx >> 1)
        return ((gray[..., None] >> np.arange(m - 1, -1, -1)) & 1).astype(np.int8)

    def modulate(self, bits: np.ndarray) -> np.ndarray:
        """Bits ``(..., symbols, bits_per_symbol)`` → complex symbols ``(..., symbols)``."""
        if self.bits_per_symbol == 1:
            return (1.0 - 2.0 * bits[..., 0]).astype(complex)
        half = self._axis_bits
        return self._scale * (self._pam(bits[..., :half]) + 1j * self._pam(bits[..., half:]))

    def demodulate(self, symbols: np.ndarray) -> np.ndarray:
        """Nearest-point (hard) decisions → bits ``(..., symbols, bits_per_symbol)``."""
        if self.bits_per_symbol == 1:
            return (symbols.real < 0).astype(np.int8)[..., None]
        s = symbols / self._scale
        return np.concatenate([self._unpam(s.real), self._unpam(s.imag)], axis=-1)


MODULATIONS = {"BPSK": Modulation("BPSK", 1), "QPSK": Modulation("QPSK", 2), "16QAM": Modulation("16QAM", 4)}


def modulation(name: str) -> Modulation:
    try:
        return MODULATIONS[name.upper().replace("-", "")]
    except KeyError:
        raise UserInputError(f"unknown modulation '{name}' (use one of {', '.join(MODULATIONS)})") from None


def monte_carlo_ber(rng: np.random.Generator, g: np.ndarray, mod: Modulation, symbols: int) -> np.ndarray:
    """Bit error rate per draw and user ``(draws, users)`` over ``symbols`` random symbols per stream.

    ``y = G s + n`` with ``n ~ CN(0, 1)``; user ``k`` equalises by ``G[k, k]`` and slices.
    """
    draws, users, streams = g.shape
    bits = rng.integers(0, 2, size=(draws, streams, symbols, mod.bits_per_symbol), dtype=np.int8)
    s = mod.modulate(bits)
    noise = (rng.standard_normal((draws, users, symbols)) + 1j * rng.standard_normal((draws, users, symbols)))
    y = g @ s + noise / np.sqrt(2.0)
    est = y / np.diagonal(g, axis1=-2, axis2=-1)[..., None]
    errors = mod.demodulate(est) != bits[:, :users]
    return errors.mean(axis=(-1, -2))


def ber_bpsk_mrc(snr_per_branch: np.ndarray | float, branches: int) -> np.ndarray:
    """Closed-form BPSK BER with ``L``-branch maximal-ratio combining over i.i.d. Rayleigh fading (Proakis, 5th
    ed., eq. 13.4-15): ``P_b = ((1-μ)/2)^L Σ_{k<L} C(L-1+k, k) ((1+μ)/2)^k``, ``μ = sqrt(γ̄/(1+γ̄))``.
    MRT from ``L`` antennas to one single-antenna user is the same channel."""
    g = np.asarray(snr_per_branch, dtype=float)
    mu = np.sqrt(g / (1.0 + g))
    terms = sum(comb(branches - 1 + k, k) * ((1 + mu) / 2) ** k for k in range(branches))
    return ((1 - mu) / 2) ** branches * terms


def zf_sum_rate_expected(snr: float, antennas: int, users: int) -> float:
    """Expected ZF sum rate (bit/s/Hz) over i.i.d. Rayleigh with equal power per stream.

    Each stream's gain ``1/[(HHᴴ)⁻¹]_kk`` is Gamma(``N-K+1``, 1), so ``E = K ∫ log2(1 + (snr/K) g) f(g) dg``.
    """
    shape = antennas - users + 1
    if shape < 1:
        raise UserInputError(f"ZF needs antennas >= users, got {antennas} < {users}")
    density = lambda x: np.log2(1 + snr / users * x) * np.exp((shape - 1) * np.log(x) - x - special.gammaln(shape))  # noqa: E731
    value, _ = integrate.quad(density, 0, np.inf, limit=200)
    return users * value


def zf_sum_rate_high_snr(snr: float, antennas: int, users: int) -> float:
    """High-SNR limit of :func:`zf_sum_rate_expected`: ``K [log2(snr/K) + ψ(N-K+1)/ln 2]``."""
    return users * (np.log2(snr / users) + special.digamma(antennas - users + 1) / np.log(2))

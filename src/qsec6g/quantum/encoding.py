"""Classical data → quantum states: amplitude, angle and basis encodings.

Amplitude encoding ℓ2-normalises a feature vector of length ``d`` and zero-pads it to ``2**ceil(log2 d)``
amplitudes (qubit 0 = most significant bit). A :class:`SlotMap` names contiguous index ranges (e.g. the RU, DU and CU
blocks of the CQDT twin) so that amplitudes stay attributable to sub-registers after padding.

Zero, NaN or infinite input raises ``ValueError`` naming the problem and the offending row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qsec6g.quantum.gates import rx, ry, rz
from qsec6g.quantum.states import statevector


def _rows(x: np.ndarray | Sequence[float]) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64) if not np.iscomplexobj(x) else np.asarray(x, dtype=np.complex128)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"features must be a non-empty vector or a (B, d) batch, got shape {arr.shape}")
    finite = np.isfinite(arr)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        kind = "NaN" if np.isnan(arr[row, col]) else "infinite"
        raise ValueError(f"features contain a {kind} value (row {row}, feature {col})")
    return arr


def num_qubits_for(d: int) -> int:
    """Qubits needed to amplitude-encode ``d`` features: ``ceil(log2 d)`` (at least 1)."""
    if d < 1:
        raise ValueError("need at least one feature")
    return max(1, int(np.ceil(np.log2(d))))


@dataclass(frozen=True)
class SlotMap:
    """Named, contiguous amplitude-index ranges: ``{"RU": (0, 4), "DU": (4, 6), ...}`` (half-open)."""

    slots: Mapping[str, tuple[int, int]]

    @classmethod
    def from_sizes(cls, sizes: Mapping[str, int]) -> "SlotMap":
        """Consecutive blocks of the given sizes, in the mapping's order."""
        out, start = {}, 0
        for name, size in sizes.items():
            if size < 1:
                raise ValueError(f"slot {name!r} must have at least one feature")
            out[name] = (start, start + size)
            start += size
        return cls(out)

    @property
    def num_features(self) -> int:
        return max(stop for _, stop in self.slots.values())

    def validate(self) -> None:
        """Slots must be non-empty, non-overlapping and cover ``0..num_features-1`` without gaps."""
        ranges = sorted(self.slots.values())
        pos = 0
        for start, stop in ranges:
            if start != pos or stop <= start:
                raise ValueError(f"slot map has a gap or overlap at index {pos}: {dict(self.slots)}")
            pos = stop

    def indices(self, name: str) -> np.ndarray:
        """Amplitude indices reserved for slot ``name``."""
        if name not in self.slots:
            raise KeyError(f"no slot named {name!r}; slots: {sorted(self.slots)}")
        start, stop = self.slots[name]
        return np.arange(start, stop)

    def weights(self, state: np.ndarray) -> dict[str, np.ndarray]:
        """Probability weight of each slot's index range in a statevector batch, ``{name: (B,)}``."""
        probs = np.abs(state) ** 2
        return {name: probs[:, start:stop].sum(axis=1) for name, (start, stop) in self.slots.items()}


def amplitude_encode(x: np.ndarray | Sequence[float], slot_map: SlotMap | None = None) -> np.ndarray:
    """ℓ2-normalised, zero-padded amplitude encoding: ``(B, d)`` features → ``(B, 2**ceil(log2 d))`` states."""
    arr = _rows(x)
    if slot_map is not None:
        slot_map.validate()
        if slot_map.num_features != arr.shape[1]:
            raise ValueError(f"slot map covers {slot_map.num_features} features, data has {arr.shape[1]}")
    scale = np.abs(arr).max(axis=1)
    if not scale.all():
        zero = np.flatnonzero(scale == 0)
        raise ValueError(f"cannot amplitude-encode an all-zero feature vector (row {int(zero[0])})")
    arr = arr / scale[:, None]  # so that squaring neither overflows (|x| ~ 1e200) nor underflows (~ 1e-200)
    d = arr.shape[1]
    dim = 2 ** num_qubits_for(d)
    out = np.zeros((arr.shape[0], dim), dtype=np.complex128)
    out[:, :d] = arr / np.linalg.norm(arr, axis=1)[:, None]
    return out


def angle_encode(x: np.ndarray | Sequence[float], rotation: str = "ry", repetitions: int = 1) -> np.ndarray:
    """One qubit per feature, ``R(x_i)|0>`` (``rotation`` in rx/ry/rz), the rotation repeated ``repetitions`` times.

    ``rz`` acts on ``|+>`` (``RZ(x) H |0>``), since on ``|0>`` it would only add a global phase.

    Returns the product statevector batch ``(B, 2**d)``; feature 0 sits on qubit 0. Angles are in radians.
    """
    arr = np.real(_rows(x))
    gate = {"rx": rx, "ry": ry, "rz": rz}.get(rotation.lower())
    if gate is None:
        raise ValueError(f"rotation must be rx, ry or rz, got {rotation!r}")
    if repetitions < 1:
        raise ValueError("repetitions must be >= 1")
    b, d = arr.shape
    theta = arr * repetitions
    if rotation.lower() == "rz":
        col = np.stack([np.exp(-0.5j * theta), np.exp(0.5j * theta)], axis=-1) / np.sqrt(2)
    elif rotation.lower() == "rx":
        col = np.stack([np.cos(theta / 2), -1j * np.sin(theta / 2)], axis=-1)
    else:
        col = np.stack([np.cos(theta / 2), np.sin(theta / 2)], axis=-1).astype(np.complex128)
    out = col[:, 0, :]
    for i in range(1, d):
        out = np.einsum("bi,bj->bij", out, col[:, i, :]).reshape(b, -1)
    return out


def basis_encode(bits: np.ndarray | Sequence[int]) -> np.ndarray:
    """Bit strings ``(B, n)`` of 0/1 → computational basis states ``(B, 2**n)`` (bit 0 on qubit 0)."""
    arr = np.asarray(bits)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"bits must be a non-empty vector or a (B, n) batch, got shape {arr.shape}")
    if not np.all(np.isin(arr, (0, 1))):
        raise ValueError("basis encoding needs bits equal to 0 or 1")
    n = arr.shape[1]
    idx = arr.astype(np.int64) @ (1 << np.arange(n - 1, -1, -1))
    out = np.zeros((arr.shape[0], 2**n), dtype=np.complex128)
    out[np.arange(arr.shape[0]), idx] = 1.0
    return statevector(out)

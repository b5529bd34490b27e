"""Telemetry → amplitude vector, exactly as the CQDT paper's Eq. 11, for a batch of parallel streams.

For each stream and step: ``z = (x − μ_t) / σ_t`` with the running mean and standard deviation of that stream's
features so far (Welford; the current row included, σ floored at ``std_floor``), ``z ← clip(z, −c, c)``, then
per-feature min–max onto [0, 1] over the clipped range ``[−c, c]`` — so ``u = (z + c) / 2c`` — and finally one
global ℓ2 normalisation of the whole vector (done by :func:`qsec6g.quantum.encoding.amplitude_encode`). The register
has ``n = ⌈log2 d⌉`` qubits for ``d`` features; amplitude indices are reserved per sub-register (RU, DU, CU) by a
:class:`~qsec6g.quantum.encoding.SlotMap` in feature order, the tail up to ``2**n`` is zero padding.

``u`` is floored at ``eps`` (1e-3) so a row at the lower clip bound everywhere still encodes (an all-zero vector has
no amplitude encoding). Missing values (NaN) are either imputed — with the stream's running mean (``"mean"``) or the
last observed value (``"last"``) — or refused with a :class:`~qsec6g.errors.DataError` (``"error"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from qsec6g.errors import DataError
from qsec6g.quantum.encoding import SlotMap, amplitude_encode, num_qubits_for
from qsec6g.twin.telemetry import FEATURES, SLOTS

Imputation = Literal["error", "mean", "last"]


def slot_map_for(features: Sequence[str], slots: dict[str, tuple[str, ...]] = SLOTS) -> SlotMap:
    """The RU/DU/CU amplitude-index ranges of a feature list (features must be grouped by node, RU first)."""
    owner = {f: node for node, names in slots.items() for f in names}
    unknown = [f for f in features if f not in owner]
    if unknown:
        raise DataError(f"features {unknown} belong to no RU/DU/CU slot")
    sizes: dict[str, int] = {}
    for f in features:
        node = owner[f]
        if sizes and node != list(sizes)[-1] and node in sizes:
            raise DataError(f"features of slot {node} are not contiguous in {list(features)}")
        sizes[node] = sizes.get(node, 0) + 1
    return SlotMap.from_sizes(sizes)


@dataclass
class Preprocessor:
    """Running Eq. 11 preprocessing of ``batch`` parallel telemetry streams of ``len(features)`` features."""

    features: tuple[str, ...] = FEATURES
    slots: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(SLOTS))
    clip: float = 3.0
    imputation: Imputation = "mean"
    std_floor: float = 1e-6
    eps: float = 1e-3
    batch: int = 1
    count: np.ndarray = field(init=False, repr=False)
    mean: np.ndarray = field(init=False, repr=False)
    m2: np.ndarray = field(init=False, repr=False)
    last: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.clip <= 0:
            raise ValueError("clip bound c must be positive")
        if self.imputation not in ("error", "mean", "last"):
            raise ValueError(f"imputation must be error, mean or last, got {self.imputation!r}")
        self.slot_map = slot_map_for(self.features, self.slots)
        self.reset()

    @property
    def num_features(self) -> int:
        return len(self.features)

    @property
    def num_qubits(self) -> int:
        return num_qubits_for(self.num_features)

    def reset(self, mask: np.ndarray | None = None) -> None:
        """Forget the running statistics of all streams (or of the streams where ``mask`` is true)."""
        shape = (self.batch, self.num_features)
        if mask is None:
            self.count, self.mean, self.m2 = np.zeros(self.batch), np.zeros(shape), np.zeros(shape)
            self.last = np.full(shape, np.nan)
            return
        self.count[mask], self.mean[mask], self.m2[mask], self.last[mask] = 0, 0.0, 0.0, np.nan

    def _impute(self, x: np.ndarray) -> np.ndarray:
        bad = np.isnan(x)
        if not bad.any():
            return x
        if np.isinf(x).any():
            raise DataError("telemetry contains infinite values")
        if self.imputation == "error":
            row, col = np.argwhere(bad)[0]
            raise DataError(f"telemetry value missing (stream {row}, feature {self.features[col]!r}); "
                            "set imputation to 'mean' or 'last' to fill it")
        fill = self.mean if self.imputation == "mean" else self.last
        fill = np.where(self.count[:, None] == 0, np.nan, fill)  # nothing seen yet: nothing to impute from
        out = np.where(bad, fill, x)
        if np.isnan(out).any():  # nothing seen yet for that stream: no value to impute from
            row, col = np.argwhere(np.isnan(out))[0]
            raise DataError(f"cannot impute feature {self.features[col]!r} of stream {row}: no earlier value")
        return out

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Update the running statistics with one row per stream ``(B, d)`` and return the ``[eps, 1]`` vectors."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.batch, self.num_features):
            raise DataError(f"expected telemetry of shape {(self.batch, self.num_features)}, got {x.shape}")
        if np.isinf(x).any():
            raise DataError("telemetry contains infinite values")
        x = self._impute(x)
        self.count = self.count + 1
        delta = x - self.mean
        self.mean = self.mean + delta / self.count[:, None]
        self.m2 = self.m2 + delta * (x - self.mean)
        self.last = x
        std = np.sqrt(self.m2 / np.maximum(self.count[:, None] - 1, 1))
        std = np.where(self.count[:, None] > 1, np.maximum(std, self.std_floor), 1.0)
        z = np.clip((x - self.mean) / std, -self.clip, self.clip)
        return np.maximum((z + self.clip) / (2 * self.clip), self.eps)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """:meth:`transform` then global ℓ2 amplitude encoding: ``(B, 2**n)`` real-amplitude statevectors."""
        return amplitude_encode(self.transform(x), self.slot_map)


def encode_episode(features: np.ndarray, names: Sequence[str] = FEATURES, **kwargs: object) -> np.ndarray:
    """Encode whole episodes ``(B, T, d)`` step by step; returns statevectors ``(B, T, 2**n)``."""
    b, t, _ = features.shape
    pre = Preprocessor(tuple(names), batch=b, **kwargs)  # type: ignore[arg-type]
    return np.stack([pre.encode(features[:, i]) for i in range(t)], axis=1)

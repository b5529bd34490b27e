"""Shared helpers for the QKD tests."""

from __future__ import annotations

import numpy as np

from qsec6g.qkd.protocols import Detections


def sifted_qber(det: Detections, cls: int = 0) -> tuple[float, int]:
    """(error rate, number) of sifted bits of intensity class ``cls``."""
    m = (det.cls == cls) & det.same_basis
    n = int(m.sum())
    return float(np.mean(det.alice_bit[m] != det.bob_bit[m])), n


def within_sigmas(observed: float, expected: float, n: int, sigmas: float = 4.0) -> bool:
    """|observed - expected| within ``sigmas`` binomial standard deviations of n trials."""
    sd = np.sqrt(max(expected * (1 - expected), 1e-12) / n)
    return abs(observed - expected) <= sigmas * sd

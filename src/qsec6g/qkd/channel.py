"""Channel and detector model: loss, misalignment / depolarising flips, and dark counts of two threshold detectors.

Conventions: Bob has one detector per bit value in each basis setting (passive or active choice, 50/50). A photon
measured in its own basis hits the right detector unless flipped, with flip probability e_det combined with half the
depolarising probability; in the other basis it hits either detector at random. Each detector also fires on its
own with probability p_d = 1 - sqrt(1 - Y0), so that an empty pulse clicks with probability Y0 exactly. A double
click is assigned a random bit (squashing convention). Afterpulsing and dead time are not modelled.
"""

from __future__ import annotations

import numpy as np

from qsec6g.qkd.params import DeviceParams


def compose_flips(*probs: float) -> float:
    """Probability of an odd number of independent flips with the given probabilities."""
    total = 0.0
    for p in probs:
        total = total * (1.0 - p) + p * (1.0 - total)
    return total


def photon_flip_prob(device: DeviceParams) -> float:
    """Probability that a photon measured in its own basis hits the wrong detector."""
    return compose_flips(device.misalignment, device.depolarising / 2.0)


def dark_detector_prob(dark_count_prob: float) -> float:
    """Per-detector dark-click probability p_d with 1 - (1 - p_d)^2 = Y0."""
    return 1.0 - float(np.sqrt(1.0 - dark_count_prob))


def expected_click_prob(signal_click: float, dark_count_prob: float) -> float:
    """P(at least one detector clicks) for a pulse whose photons click with probability ``signal_click``."""
    return 1.0 - (1.0 - signal_click) * (1.0 - dark_count_prob)


def expected_error_prob(signal_click: float, flip: float, dark_count_prob: float) -> float:
    """P(click and wrong bit) for a sifted pulse (same basis), double clicks counting half, as simulated."""
    pd = dark_detector_prob(dark_count_prob)
    s, e = signal_click, flip
    return s * (1 - e) * pd / 2 + s * e * (1 - pd / 2) + (1 - s) * (pd - pd * pd / 2)


def merge_dark_counts(
    rng: np.random.Generator, n: int, signal_idx: np.ndarray, signal_bit: np.ndarray, p_dark: float
) -> tuple[np.ndarray, np.ndarray]:
    """Add dark clicks of both detectors to signal clicks among ``n`` pulses.

    ``signal_idx`` (sorted) are pulses whose photon hit detector ``signal_bit``. Dark clicks are drawn sparsely
    (a binomial count per detector, then positions). Returns the sorted indices of all clicked pulses and Bob's
    bit for each: the detector that fired, or a random bit on a double click.
    """
    if p_dark == 0.0:
        return signal_idx, signal_bit
    dark = [np.unique(rng.integers(0, n, rng.binomial(n, p_dark))) for _ in range(2)]
    idx = np.union1d(np.union1d(signal_idx, dark[0]), dark[1])
    fired = np.zeros((2, idx.size), dtype=bool)
    pos = np.searchsorted(idx, signal_idx)
    fired[signal_bit.astype(np.intp), pos] = True
    for d in (0, 1):
        fired[d, np.searchsorted(idx, dark[d])] = True
    coin = rng.integers(0, 2, idx.size, dtype=np.uint8)
    bit = np.where(fired[0] & fired[1], coin, fired[1].astype(np.uint8))
    return idx, bit

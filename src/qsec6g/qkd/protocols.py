"""Prepare - transmit - measure, vectorised over pulses: ideal BB84, decoy-state BB84 and BBM92.

Each chunk of pulses is simulated with whole-array numpy operations: one random byte per pulse supplies the
basis and bit choices (Alice, Bob, Eve) and the tie-breaking coins; uniform draws choose the intensity class,
which pulses Eve attacks, and whether Bob's detector gets a photon. Everything after the click decision runs on
the few detected pulses only. Bases: 0 = Z (rectilinear), 1 = X (diagonal).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp

import numpy as np

from qsec6g.qkd.attacks import Attack, honest_click_prob
from qsec6g.qkd.channel import dark_detector_prob, merge_dark_counts, photon_flip_prob
from qsec6g.qkd.params import DeviceParams, SourceParams
from qsec6g.qkd.sources import IntensityClasses, decoy_source, single_photon


@dataclass
class Detections:
    """What a run leaves behind: pulses sent per class and, per detected pulse, class, bits and basis match."""

    classes: IntensityClasses
    sent: np.ndarray  # (C,) pulses sent per intensity class
    cls: np.ndarray  # (D,) int8 class of each detected pulse (BBM92: coincidences)
    alice_bit: np.ndarray  # (D,) uint8
    bob_bit: np.ndarray  # (D,) uint8
    same_basis: np.ndarray  # (D,) bool, kept by sifting

    @property
    def pulses(self) -> int:
        return int(self.sent.sum())


def _collect(classes: IntensityClasses, parts: list[tuple[np.ndarray, ...]], sent: np.ndarray) -> Detections:
    """Join the per-chunk (class, Alice bit, Bob bit, same basis) columns."""
    cols = [np.concatenate(c) for c in zip(*parts)] if parts else [np.empty(0)] * 4
    return Detections(classes, sent, cols[0].astype(np.int8), cols[1].astype(np.uint8), cols[2].astype(np.uint8),
                      cols[3].astype(bool))


# One random byte per pulse; each bit is an independent fair coin:
# bit 0 Alice's bit, 1 Alice's basis, 2 Bob's basis, 3 Eve's basis, 4 Eve's outcome in the wrong basis,
# 5 Bob's outcome in the wrong basis, 6 Alice's outcome (BBM92).
def _bits(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.frombuffer(rng.bytes(n), dtype=np.uint8)


def _measure(
    rng: np.random.Generator, photon_basis: np.ndarray, photon_bit: np.ndarray, bob_basis: np.ndarray,
    randomised: np.ndarray, coin: np.ndarray, flip: float,
) -> np.ndarray:
    """Detector hit by each detected photon: its bit (maybe flipped) in its own basis, else a random one."""
    flips = (rng.random(photon_bit.size) < flip).astype(np.uint8)
    random_outcome = (bob_basis != photon_basis) | randomised
    return np.where(random_outcome, coin, photon_bit ^ flips)


def _eve_intercepts(
    attack: Attack, attacked: np.ndarray, basis: np.ndarray, bit: np.ndarray, eve_byte: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """State after intercept-resend: Eve's basis and the bit she saw (true if her basis matched, else random)."""
    eve_basis = np.zeros_like(basis) if attack.fixed_basis else (eve_byte >> 3) & 1
    eve_bit = np.where(eve_basis == basis, bit, (eve_byte >> 4) & 1)
    return np.where(attacked, eve_basis, basis), np.where(attacked, eve_bit, bit)


def simulate_bb84(
    classes: IntensityClasses, device: DeviceParams, attack: Attack, pulses: int, rng: np.random.Generator,
    chunk: int = 1 << 21,
) -> Detections:
    """Prepare-and-measure BB84 with the given source classes (single photons or decoy intensities)."""
    eta = device.transmittance()
    mu_signal = classes.mus[0]
    p_honest = np.array([honest_click_prob(mu, eta) for mu in classes.mus])
    p_attacked = np.array(
        [attack.attacked_click_prob(mu, eta, device.detector_efficiency, mu_signal) for mu in classes.mus]
    )
    flip, p_dark = photon_flip_prob(device), dark_detector_prob(device.dark_count_prob)
    sent = np.zeros(len(classes.probs), dtype=np.int64)
    parts = []
    for start in range(0, pulses, chunk):
        n = min(chunk, pulses - start)
        byte = _bits(rng, n)
        cls = classes.sample(rng.random(n, dtype=np.float32)) if len(classes.probs) > 1 else np.zeros(n, np.int8)
        sent += np.bincount(cls, minlength=len(sent))
        attacked = _attack_mask(rng, attack, n)
        p_click = p_honest[cls] if attacked is None else np.where(attacked, p_attacked[cls], p_honest[cls])
        sig = np.flatnonzero(rng.random(n) < p_click)
        b = byte[sig]
        basis, bit = (b >> 1) & 1, b & 1
        hit = attacked[sig] if attacked is not None else np.zeros(sig.size, dtype=bool)
        if attack.resends:
            basis, bit = _eve_intercepts(attack, hit, basis, bit, b)
        randomised = hit if attack.depolarises else np.zeros(sig.size, dtype=bool)
        detector = _measure(rng, basis, bit, (b >> 2) & 1, randomised, (b >> 5) & 1, flip)
        idx, bob_bit = merge_dark_counts(rng, n, sig, detector, p_dark)
        d = byte[idx]
        parts.append((cls[idx], d & 1, bob_bit, ((d >> 1) & 1) == ((d >> 2) & 1)))
    return _collect(classes, parts, sent)


def _attack_mask(rng: np.random.Generator, attack: Attack, n: int) -> np.ndarray | None:
    if attack.fraction <= 0.0:
        return None
    if attack.fraction >= 1.0:
        return np.ones(n, dtype=bool)
    return rng.random(n, dtype=np.float32) < np.float32(attack.fraction)


def pair_click_probs(pair_mu: float, eta: float) -> np.ndarray:
    """Per-arm click probability given (no pair, one pair, two or more pairs); multi-pair summed over Poisson."""
    p0, p1 = exp(-pair_mu), pair_mu * exp(-pair_mu)
    multi = 1.0 - p0 - p1
    click_any = 1.0 - exp(-pair_mu * eta)  # sum_k P(k) (1 - (1 - eta)^k), Poisson thinning
    click_multi = (click_any - p1 * eta) / multi if multi > 0 else 0.0
    return np.array([0.0, eta, click_multi])


def simulate_bbm92(
    pair_mu: float, device: DeviceParams, attack: Attack, pulses: int, rng: np.random.Generator, chunk: int = 1 << 21
) -> Detections:
    """Entanglement-based BBM92: a |Phi+> pair source midway, each arm half the fibre, Eve on Bob's arm.

    Both parties measure in random Z / X bases; same-basis outcomes are equal for one pair (up to misalignment,
    put on Bob's side). Approximation: with two or more pairs Bob's outcome is taken as uncorrelated (error 1/2).
    Eve's intercept-resend or noise acts on Bob's photon; a PNS attack does not apply (no key in photon number).
    """
    eta_arm = device.transmittance(device.distance_km / 2.0)
    p_arm = pair_click_probs(pair_mu, eta_arm)
    edges = np.cumsum([exp(-pair_mu), pair_mu * exp(-pair_mu)])
    flip, p_dark = photon_flip_prob(device), dark_detector_prob(device.dark_count_prob)
    classes = IntensityClasses(names=("pair",), mus=(pair_mu,), probs=(1.0,))
    parts = []
    for start in range(0, pulses, chunk):
        n = min(chunk, pulses - start)
        byte = _bits(rng, n)
        pairs = (rng.random(n)[:, None] >= edges).sum(axis=1).astype(np.int8)  # 0, 1, >=2 pairs
        p_click = p_arm[pairs]
        alice_sig = np.flatnonzero(rng.random(n) < p_click)
        bob_sig = np.flatnonzero(rng.random(n) < p_click)
        a = byte[alice_sig]
        alice_idx, alice_bit = merge_dark_counts(rng, n, alice_sig, (a >> 6) & 1, p_dark)
        b = byte[bob_sig]
        attacked = _attack_mask(rng, attack, n)
        hit = attacked[bob_sig] if attacked is not None else np.zeros(bob_sig.size, dtype=bool)
        basis, bit = (b >> 1) & 1, (b >> 6) & 1  # Alice's basis and outcome define Bob's photon
        if attack.resends:
            basis, bit = _eve_intercepts(attack, hit, basis, bit, b)
        randomised = (pairs[bob_sig] >= 2) | (hit if attack.depolarises else False)
        detector = _measure(rng, basis, bit, (b >> 2) & 1, randomised, (b >> 5) & 1, flip)
        bob_idx, bob_bit = merge_dark_counts(rng, n, bob_sig, detector, p_dark)
        both, ia, ib = np.intersect1d(alice_idx, bob_idx, assume_unique=True, return_indices=True)
        d = byte[both]
        parts.append((np.zeros(both.size, np.int8), alice_bit[ia], bob_bit[ib], ((d >> 1) & 1) == ((d >> 2) & 1)))
    return _collect(classes, parts, np.array([pulses], dtype=np.int64))


def simulate(
    protocol: str, source: SourceParams, device: DeviceParams, attack: Attack, pulses: int,
    rng: np.random.Generator, chunk: int = 1 << 21,
) -> Detections:
    """Dispatch on the protocol name ('bb84-ideal', 'bb84-decoy', 'bbm92')."""
    if protocol == "bbm92":
        return simulate_bbm92(source.pair_mu, device, attack, pulses, rng, chunk)
    classes = single_photon() if protocol == "bb84-ideal" else decoy_source(source)
    return simulate_bb84(classes, device, attack, pulses, rng, chunk)

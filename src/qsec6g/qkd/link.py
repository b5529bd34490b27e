"""A whole QKD run: pulses -> sifting -> estimation -> abort decision -> Cascade -> verification -> privacy
amplification.

The classical post-processing uses a public random generator derived from the run seed (sample positions,
Cascade permutations, hash seeds): in a real link these are agreed over the authenticated classical channel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from math import ceil
from typing import Any

import numpy as np

from qsec6g.qkd.attacks import parse_attack
from qsec6g.qkd.cascade import cascade
from qsec6g.qkd.estimation import (
    ClassStats, DecoyBounds, class_stats, clopper_pearson, decoy_bounds_from_stats, sampling_deviation,
)
from qsec6g.qkd.events import EventBus, QkdAlarm
from qsec6g.qkd.hashing import privacy_amplify, toeplitz_seed, verify_keys
from qsec6g.qkd.keyrate import binary_entropy, finite_key_length
from qsec6g.qkd.params import LinkConfig
from qsec6g.qkd.protocols import simulate
from qsec6g.seeding import spawn

MIN_CASCADE_QBER = 0.005  # block size floor when the sample shows (almost) no errors


@dataclass
class LinkReport:
    """Outcome of one run. Lengths in bits; rates per pulse and per second at the configured repetition rate."""

    protocol: str
    attack: str
    distance_km: float
    pulses: int
    raw_bits: int  # detections (BBM92: coincidences)
    sifted_bits: int  # key-class bits with matching bases
    sample_bits: int  # disclosed for QBER estimation
    qber: float
    qber_ci: tuple[float, float]
    confidence: float
    key_bits: int = 0  # sifted bits left for the key
    leak_ec_bits: int = 0
    f_ec: float = float("nan")
    verified: bool = False
    final_bits: int = 0
    keys_match: bool = False
    aborted: bool = False
    abort_reason: str = ""
    alarm: bool = False
    decoy: dict[str, float] = field(default_factory=dict)
    rep_rate_hz: float = 0.0

    @property
    def retention(self) -> float:
        """Final key bits / sifted bits."""
        return self.final_bits / self.sifted_bits if self.sifted_bits else 0.0

    @property
    def skr_per_pulse(self) -> float:
        return self.final_bits / self.pulses

    @property
    def skr_per_second(self) -> float:
        return self.skr_per_pulse * self.rep_rate_hz

    def to_dict(self) -> dict[str, Any]:
        """Flat JSON-ready dict: report fields, CI bounds, derived rates and ``decoy_*`` statistics."""
        d = asdict(self)
        d["qber_ci_low"], d["qber_ci_high"] = d.pop("qber_ci")
        d.update(retention=self.retention, skr_per_pulse=self.skr_per_pulse, skr_per_second=self.skr_per_second)
        for k, v in d.pop("decoy").items():
            d[f"decoy_{k}"] = v
        return d


@dataclass
class LinkResult:
    """The report, the final key (Alice's copy, uint8 bits; empty on abort) and the per-class statistics."""

    report: LinkReport
    key: np.ndarray
    stats: list[ClassStats] = field(default_factory=list)


def run_link(config: LinkConfig, seed: int, bus: EventBus | None = None, link_id: str = "qkd") -> LinkResult:
    """Simulate and post-process one run; publish a :class:`QkdAlarm` on ``bus`` when eavesdropping is detected."""
    quantum_rng, public_rng = spawn(seed, 2)
    attack = parse_attack(config.attack)
    post, dev = config.post, config.device
    det = simulate(config.protocol, config.source, dev, attack, config.pulses, quantum_rng, config.chunk_pulses)
    stats = class_stats(det)
    key_mask = (det.cls == 0) & det.same_basis
    alice, bob = det.alice_bit[key_mask], det.bob_bit[key_mask]
    n_sifted = alice.size
    # parameter estimation on a random public sample of the sifted key
    k = int(round(post.sample_fraction * n_sifted))
    sample = public_rng.choice(n_sifted, size=k, replace=False) if k else np.empty(0, np.intp)
    errors = int(np.count_nonzero(alice[sample] != bob[sample]))
    qber = errors / k if k else 0.0
    keep = np.ones(n_sifted, dtype=bool)
    keep[sample] = False
    alice, bob = alice[keep], bob[keep]
    report = LinkReport(
        protocol=config.protocol, attack=attack.spec(), distance_km=dev.distance_km, pulses=det.pulses,
        raw_bits=int(det.cls.size), sifted_bits=n_sifted, sample_bits=k, qber=qber,
        qber_ci=clopper_pearson(errors, k, post.confidence), confidence=post.confidence, key_bits=alice.size,
        rep_rate_hz=dev.rep_rate_hz,
    )
    n_single, e_single = float(alice.size), qber
    if config.protocol == "bb84-decoy":
        bounds = decoy_bounds_from_stats(stats, post.decoy_sigmas)
        optimistic = decoy_bounds_from_stats(stats, -post.pns_sigmas)  # gains moved towards a larger Y1
        report.decoy = _decoy_summary(stats, bounds, config)
        report.decoy["y1_optimistic"] = optimistic.y1_lower
        n_single = alice.size * bounds.q1_lower / stats[0].gain if stats[0].gain else 0.0
        e_single = bounds.e1_upper
    reason, alarm = _abort_reason(report, config)
    if reason:
        return _abort(report, stats, reason, alarm, bus, link_id, post.qber_threshold)
    # error correction, verification, privacy amplification
    n_frames = ceil(alice.size / post.cascade_frame_bits)
    frames = ceil(alice.size / n_frames)  # equal frames of at most cascade_frame_bits, padding < n_frames bits
    pad = n_frames * frames - alice.size
    a_frames = np.concatenate([alice, np.zeros(pad, np.uint8)]).reshape(n_frames, frames)
    b_frames = np.concatenate([bob, np.zeros(pad, np.uint8)]).reshape(n_frames, frames)
    rec = cascade(a_frames, b_frames, max(qber, MIN_CASCADE_QBER), public_rng, post.cascade_passes)
    bob_corrected = rec.corrected.ravel()[: alice.size]
    report.leak_ec_bits = int(rec.leaked_bits.sum())
    true_qber = float(np.mean(alice != bob))  # known to the simulator only: used to report f_EC
    if true_qber > 0:
        report.f_ec = float(report.leak_ec_bits / (alice.size * binary_entropy(true_qber)))
    report.verified, _ = verify_keys(alice, bob_corrected, post.eps_cor, public_rng)
    if not report.verified:
        return _abort(report, stats, "verification failed: keys differ after Cascade")
    deviation = sampling_deviation(alice.size, k, post.eps_pe)
    length = finite_key_length(n_single, e_single, deviation, report.leak_ec_bits, post.eps_sec, post.eps_cor)
    if length == 0:
        return _abort(report, stats, "no secret key: finite-key length is zero")
    seed_bits = toeplitz_seed(public_rng, alice.size, length)
    key = privacy_amplify(alice, length, seed_bits)
    report.final_bits = length
    report.keys_match = bool(np.array_equal(key, privacy_amplify(bob_corrected, length, seed_bits)))
    return LinkResult(report, key, stats)


def _decoy_summary(stats: list[ClassStats], b: DecoyBounds, config: LinkConfig) -> dict[str, float]:
    dev = config.device
    eta = dev.transmittance()
    return {
        "q_signal": stats[0].gain, "q_decoy": stats[1].gain, "q_vacuum": stats[2].gain,
        "e_signal": stats[0].qber, "e_decoy": stats[1].qber, "y1_lower": b.y1_lower, "e1_upper": b.e1_upper,
        "q1_lower": b.q1_lower, "y1_calibrated": dev.dark_count_prob + eta - dev.dark_count_prob * eta,
    }


def _abort_reason(report: LinkReport, config: LinkConfig) -> tuple[str, str | None]:
    """(reason, alarm kind 'qber' / 'pns' or None when it is no sign of eavesdropping); empty reason = go on."""
    post = config.post
    if report.sample_bits == 0 or report.key_bits == 0:
        return "too few detections to estimate the QBER", None
    if report.qber > post.qber_threshold:
        above = f"QBER {report.qber:.2%} exceeds threshold {post.qber_threshold:.2%}"
        if report.qber_ci[0] > post.qber_threshold:
            return f"{above} (eavesdropping suspected)", "qber"
        return f"{above} (sample too small to call it eavesdropping)", None
    if report.decoy:
        y1, y1_cal = report.decoy["y1_optimistic"], report.decoy["y1_calibrated"]
        if y1 < post.pns_yield_ratio * y1_cal:
            return (f"decoy estimate Y1 <= {y1:.3g} (+{post.pns_sigmas:g} sigma) is below {post.pns_yield_ratio:g} x "
                    f"calibrated {y1_cal:.3g} (photon-number splitting suspected)"), "pns"
    return "", None


def _abort(report: LinkReport, stats: list[ClassStats], reason: str, alarm: str | None = None,
           bus: EventBus | None = None, link_id: str = "", threshold: float = 0.0) -> LinkResult:
    """Mark the run aborted; on an eavesdropping alarm publish a :class:`QkdAlarm` of kind ``alarm``."""
    report.aborted, report.abort_reason, report.alarm = True, reason, alarm is not None
    if alarm is not None and bus is not None:
        bus.publish(QkdAlarm(link_id=link_id, reason=alarm, qber=report.qber, threshold=threshold, detail=reason))
    return LinkResult(report, np.empty(0, np.uint8), stats)

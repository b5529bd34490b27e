"""Validated parameters of a QKD link: source, channel + detectors, post-processing, and a whole run.

Defaults are the GYS device parameters used by Ma, Qi, Zhao & Lo, "Practical decoy state for quantum key
distribution", PRA 72, 012326 (2005), Table I (from Gobby, Yuan & Shields, APL 84, 3762 (2004)):
fibre loss 0.21 dB/km, detector efficiency 4.5 %, dark-count probability Y0 = 1.7e-6 per pulse, misalignment
error 3.3 %, error-correction inefficiency f = 1.22 (used by the analytic rate; the simulator measures its own
Cascade leakage), 2 MHz repetition rate. Probabilities are in [0, 1], distances in km, losses in dB.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from qsec6g.config import StrictModel

Protocol = Literal["bb84-ideal", "bb84-decoy", "bbm92"]
PROTOCOLS: tuple[str, ...] = ("bb84-ideal", "bb84-decoy", "bbm92")

Probability = Field(ge=0.0, le=1.0)


class DeviceParams(StrictModel):
    """Fibre / free-space channel and Bob's detectors (threshold detectors, no afterpulsing)."""

    distance_km: float = Field(0.0, ge=0.0, description="Fibre length Alice-Bob (BBM92: source in the middle).")
    fibre_loss_db_per_km: float = Field(0.21, ge=0.0, description="Attenuation alpha in dB/km (GYS: 0.21).")
    extra_loss_db: float = Field(0.0, ge=0.0, description="Fixed extra loss in dB (free-space link, connectors).")
    detector_efficiency: float = Field(0.045, gt=0.0, le=1.0, description="eta_det including Bob's optics.")
    dark_count_prob: float = Field(1.7e-6, ge=0.0, le=1.0, description="Y0: click probability per pulse, no light.")
    misalignment: float = Field(0.033, ge=0.0, le=0.5, description="e_det: P(photon hits the wrong detector).")
    depolarising: float = Field(0.0, ge=0.0, le=1.0, description="Channel depolarising probability p (adds p/2 QBER).")
    rep_rate_hz: float = Field(2.0e6, gt=0.0, description="Pulse repetition rate (GYS: 2 MHz), for bit/s.")

    def transmittance(self, distance_km: float | None = None) -> float:
        """Channel x detector transmittance eta = 10^(-(alpha L + extra)/10) * eta_det."""
        d = self.distance_km if distance_km is None else distance_km
        return 10.0 ** (-(self.fibre_loss_db_per_km * d + self.extra_loss_db) / 10.0) * self.detector_efficiency


class SourceParams(StrictModel):
    """Alice's source. Decoy BB84: signal mu, weak decoy nu, vacuum; BBM92: mean pairs per pulse."""

    mu: float = Field(0.48, gt=0.0, description="Signal mean photon number (near-optimal for GYS, see docs).")
    nu: float = Field(0.05, gt=0.0, description="Weak-decoy mean photon number.")
    p_signal: float = Field(0.8, gt=0.0, le=1.0)
    p_decoy: float = Field(0.1, ge=0.0, le=1.0)
    p_vacuum: float = Field(0.1, ge=0.0, le=1.0)
    pair_mu: float = Field(0.05, gt=0.0, description="BBM92: mean number of photon pairs per pulse.")

    @model_validator(mode="after")
    def _check(self) -> "SourceParams":
        total = self.p_signal + self.p_decoy + self.p_vacuum
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"p_signal + p_decoy + p_vacuum must be 1 (got {total:.6g})")
        if self.nu >= self.mu:
            raise ValueError(f"nu must be smaller than mu (got nu={self.nu}, mu={self.mu})")
        return self


class PostProcessingParams(StrictModel):
    """Parameter estimation, abort rules, Cascade and the security parameters of the finite-key bound."""

    sample_fraction: float = Field(0.1, gt=0.0, lt=1.0, description="Sifted share disclosed to estimate QBER.")
    qber_threshold: float = Field(
        0.11, gt=0.0, le=0.5,
        description="Abort when the estimated QBER exceeds this; raise an alarm when even the CI's lower end does.",
    )
    pns_yield_ratio: float = Field(
        0.8, ge=0.0, le=1.0,
        description="PNS alarm when an optimistic decoy estimate of Y1 is below this share of the calibrated Y1.",
    )
    pns_sigmas: float = Field(3.0, ge=0.0, description="Std. deviations the gains move for the optimistic Y1.")
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="Two-sided level of the reported QBER interval.")
    cascade_passes: int = Field(8, ge=1, le=32)
    cascade_frame_bits: int = Field(16384, ge=64, description="Cascade frame length (bits reconciled together).")
    eps_pe: float = Field(1e-10, gt=0.0, lt=1.0, description="Failure probability of the phase-error estimate.")
    eps_sec: float = Field(1e-10, gt=0.0, lt=1.0, description="Secrecy parameter of privacy amplification.")
    eps_cor: float = Field(1e-15, gt=0.0, lt=1.0, description="Correctness: verification tag of ceil(log2 1/eps) bits.")
    decoy_sigmas: float = Field(
        0.0, ge=0.0, description="Confidence (in normal sigmas) of Poisson limits on the decoy gains (0 = asymptotic).",
    )


class LinkConfig(StrictModel):
    """One QKD run: protocol, attack spec (see ``attacks.parse_attack``), pulses and all device parameters."""

    protocol: Protocol = "bb84-decoy"
    attack: str = "none"
    pulses: int = Field(1_000_000, ge=1_000, le=2_000_000_000)
    chunk_pulses: int = Field(1 << 21, ge=1 << 10, description="Pulses simulated per vectorised chunk (memory bound).")
    source: SourceParams = SourceParams()
    device: DeviceParams = DeviceParams()
    post: PostProcessingParams = PostProcessingParams()

"""Synthetic O-RAN RU / DU / CU telemetry: normal operation and the three CQDT use cases.

One row per twin step (default 250 ms, the Colosseum logging period). Features, in slot order:

===========  =================  ======  =====================================================================
slot         feature            unit    normal operation (AR(1) around the mean, per episode)
===========  =================  ======  =====================================================================
RU           ``prb_util``       %       55 ± 8, clipped to [0, 100]
RU           ``snr_db``         dB      20 ± 1.5
RU           ``evm_pct``        %       100 / sqrt(SNR_lin) (≈ 10 % at 20 dB) × (1 + 5 % noise)
RU           ``beam_index``     index   slow random walk over 0..31 (a beam change every ~20 steps)
DU           ``sched_load``     %       0.9 × prb_util + 5 ± 3
DU           ``harq_retx``      %       100 · Q(sqrt(2·SNR_lin) / 3) + 2 ± 0.5 (grows as SNR falls)
DU           ``harq_fail``      %       harq_retx / 10
CU           ``cp_latency_ms``  ms      10 ± 1
CU           ``up_latency_ms``  ms      5 ± 0.5
CU           ``policy_state``   id      0 (the operator's policy)
===========  =================  ======  =====================================================================

Use cases (``UseCase``), each starting at a random onset step and ramping to full strength over ``ramp`` steps:

* ``sync_drift`` — timing / synchronisation drift: the rms timing jitter grows from 1 ps to 40 ps, so the phase
  jitter σφ = 2π·f_c·σ_t (f_c = 3.5 GHz) grows from 0.02 to 0.88 rad; EVM rises by the jitter (EVM² += σφ²), HARQ retransmissions follow, CU control-plane
  latency rises as the fronthaul re-times (+8 ms at full strength). Indicator Δt/T1 sweeps from 0.01 to 0.7.
* ``policy_poisoning`` — orchestration / policy poisoning at the DU / CU: ``policy_state`` switches to a rogue id,
  the scheduler over-allocates (PRB use → 95 %, load → 98 %), user-plane latency triples, HARQ failures double.
* ``beam_jamming`` — beam manipulation / jamming at the RU: SNR falls by 12 dB (interference), EVM follows,
  the beam index hops every step, HARQ retransmissions and failures rise, PRB use rises by retransmissions.

Besides the features each step carries physical *indicators* that :mod:`qsec6g.twin.adversary` maps onto channel
parameters: ``dt_over_t1`` (idle time over relaxation time), ``sigma_phi`` (phase-jitter std, rad) and ``evm``
(fraction, not %). ``missing_rate`` blanks features to NaN at random (dropped telemetry), for testing imputation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
from scipy.special import erfc

from qsec6g.seeding import SeedLike, make_rng

#: feature names per O-RAN node, in slot order
SLOTS: dict[str, tuple[str, ...]] = {
    "RU": ("prb_util", "snr_db", "evm_pct", "beam_index"),
    "DU": ("sched_load", "harq_retx", "harq_fail"),
    "CU": ("cp_latency_ms", "up_latency_ms", "policy_state"),
}
FEATURES: tuple[str, ...] = tuple(f for names in SLOTS.values() for f in names)
#: the 8 continuous features (drops the categorical beam index and policy id): an n = 3 register
COMPACT_FEATURES: tuple[str, ...] = (
    "prb_util", "snr_db", "evm_pct", "sched_load", "harq_retx", "harq_fail", "cp_latency_ms", "up_latency_ms",
)
INDICATORS: tuple[str, ...] = ("dt_over_t1", "sigma_phi", "evm")
#: carrier frequency used to turn timing jitter into phase jitter (Hz)
CARRIER_HZ = 3.5e9


class UseCase(str, Enum):
    """What the telemetry of an episode shows (``normal`` = no attack)."""

    NORMAL = "normal"
    SYNC_DRIFT = "sync_drift"
    POLICY_POISONING = "policy_poisoning"
    BEAM_JAMMING = "beam_jamming"


def q_function(x: np.ndarray | float) -> np.ndarray:
    """Gaussian tail ``Q(x) = P(N(0,1) > x) = erfc(x / √2) / 2``."""
    return 0.5 * erfc(np.asarray(x, dtype=np.float64) / np.sqrt(2.0))


@dataclass(frozen=True)
class Telemetry:
    """A batch of episodes: ``features (B, T, F)``, ``indicators (B, T, 3)``, ``attack_active (B, T)`` bool."""

    features: np.ndarray
    indicators: np.ndarray
    attack_active: np.ndarray
    use_case: tuple[UseCase, ...]
    feature_names: tuple[str, ...] = FEATURES

    def select(self, names: tuple[str, ...]) -> np.ndarray:
        """Features restricted to ``names`` (in that order), ``(B, T, len(names))``."""
        idx = [self.feature_names.index(n) for n in names]
        return self.features[..., idx]


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float = 0.8) -> np.ndarray:
    """Unit-variance AR(1) noise along axis 1."""
    e = rng.normal(size=shape)
    out = np.empty(shape)
    out[:, 0] = e[:, 0]
    scale = np.sqrt(1 - phi**2)
    for t in range(1, shape[1]):
        out[:, t] = phi * out[:, t - 1] + scale * e[:, t]
    return out


def generate(
    use_case: UseCase | str | list[UseCase | str],
    episodes: int,
    steps: int,
    rng: SeedLike = None,
    *,
    onset: tuple[float, float] = (0.1, 0.4),
    ramp: int = 5,
    severity: float = 1.0,
    missing_rate: float = 0.0,
) -> Telemetry:
    """Generate ``episodes`` × ``steps`` telemetry rows of one use case (or one per episode, given a list).

    ``onset`` is the range of the attack start as a fraction of the episode; ``severity`` in [0, 1] scales every
    attack shift; ``missing_rate`` is the probability that a feature value is reported as NaN.
    """
    gen = make_rng(rng)
    cases = [UseCase(use_case)] * episodes if isinstance(use_case, (str, UseCase)) else [UseCase(u) for u in use_case]
    if len(cases) != episodes:
        raise ValueError(f"{len(cases)} use cases given for {episodes} episodes")
    if steps < 1 or episodes < 1:
        raise ValueError("need at least one episode and one step")
    if not 0.0 <= severity <= 1.0 or not 0.0 <= missing_rate < 1.0:
        raise ValueError("severity must lie in [0, 1] and missing_rate in [0, 1)")
    b, t = episodes, steps
    start = (gen.uniform(*onset, size=b) * t).astype(int)
    tt = np.arange(t)[None, :]
    strength = np.clip((tt - start[:, None] + 1) / max(ramp, 1), 0.0, 1.0) * severity  # (B, T) in [0, 1]
    is_case = {u: np.array([c is u for c in cases])[:, None] for u in UseCase}
    active = (strength > 0) & ~is_case[UseCase.NORMAL]
    s_sync = strength * is_case[UseCase.SYNC_DRIFT]
    s_pol = strength * is_case[UseCase.POLICY_POISONING]
    s_jam = strength * is_case[UseCase.BEAM_JAMMING]

    snr_db = 20.0 + 1.5 * _ar1(gen, (b, t)) - 12.0 * s_jam
    snr_lin = 10 ** (snr_db / 10)
    # sync drift: rms timing jitter grows from 1 ps (ambient) to 40 ps at f_c = 3.5 GHz: sigma_phi = 2 pi f_c sigma_t
    jitter_s = (1e-12 + 39e-12 * s_sync) * np.abs(1 + 0.05 * gen.normal(size=(b, t)))
    sigma_phi = 2 * np.pi * CARRIER_HZ * jitter_s
    evm = np.sqrt(1.0 / snr_lin + sigma_phi**2) * (1 + 0.05 * gen.normal(size=(b, t)))
    prb = np.clip(55 + 8 * _ar1(gen, (b, t)) + 40 * s_pol + 15 * s_jam, 0, 100)
    sched = np.clip(0.9 * prb + 5 + 3 * gen.normal(size=(b, t)) + 8 * s_pol, 0, 100)
    retx = 100 * q_function(np.sqrt(2 * snr_lin) / 3) + 2 + 0.5 * gen.normal(size=(b, t)) + 5 * s_sync
    fail = retx / 10 * (1 + s_pol) + 0.2 * gen.normal(size=(b, t))
    cp = 10 + _ar1(gen, (b, t)) + 8 * s_sync + 2 * s_pol
    up = 5 + 0.5 * _ar1(gen, (b, t)) + 10 * s_pol
    beam = np.cumsum(gen.random((b, t)) < 0.05, axis=1) % 32
    hop = gen.integers(0, 32, size=(b, t))
    beam = np.where(s_jam > 0, hop, beam)
    policy = np.where(s_pol > 0, 3.0, 0.0)
    # idle time over T1: ambient 0.01, drift stretches the idle window to 0.7 (the top of the paper's sweep)
    dt_t1 = 0.01 + 0.69 * s_sync

    cols = {
        "prb_util": prb, "snr_db": snr_db, "evm_pct": 100 * evm, "beam_index": beam.astype(float),
        "sched_load": sched, "harq_retx": np.clip(retx, 0, 100), "harq_fail": np.clip(fail, 0, 100),
        "cp_latency_ms": np.clip(cp, 0.1, None), "up_latency_ms": np.clip(up, 0.1, None), "policy_state": policy,
    }
    feats = np.stack([cols[f] for f in FEATURES], axis=-1)
    if missing_rate > 0:
        feats[gen.random(feats.shape) < missing_rate] = np.nan
    ind = np.stack([dt_t1, sigma_phi, evm], axis=-1)
    return Telemetry(feats, ind, active, tuple(cases))

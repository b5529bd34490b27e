"""Decoy-state key rate vs distance against the published two-decoy GLLP formula (GYS devices, Ma et al. 2005)."""

from __future__ import annotations

from math import exp, log2

import numpy as np
import pytest

from qsec6g.qkd.attacks import honest_click_prob, parse_attack
from qsec6g.qkd.channel import compose_flips, expected_click_prob, expected_error_prob
from qsec6g.qkd.estimation import class_stats, decoy_bounds, decoy_bounds_from_stats
from qsec6g.qkd.keyrate import binary_entropy, cutoff_distance, finite_key_length, gllp_rate
from qsec6g.qkd.params import DeviceParams, SourceParams
from qsec6g.qkd.protocols import simulate
from qsec6g.seeding import make_rng

# GYS parameters, Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005), Table I
ALPHA, ETA_DET, Y0, E_DET, F_EC = 0.21, 0.045, 1.7e-6, 0.033, 1.22
MU, NU = 0.48, 0.05


def _h(x: float) -> float:
    return -x * log2(x) - (1 - x) * log2(1 - x)


def published_two_decoy_rate(distance_km: float) -> float:
    """Ma et al. (2005): closed forms for Q and E, Eq. 34 (Y1_L), Eq. 37 (e1_U), Eq. 1 (GLLP), written out here."""
    eta = 10 ** (-ALPHA * distance_km / 10) * ETA_DET
    q = lambda m: Y0 + 1 - exp(-eta * m)  # noqa: E731
    e = lambda m: (0.5 * Y0 + E_DET * (1 - exp(-eta * m))) / q(m)  # noqa: E731
    y1 = MU / (MU * NU - NU**2) * (q(NU) * exp(NU) - q(MU) * exp(MU) * NU**2 / MU**2 - (MU**2 - NU**2) / MU**2 * Y0)
    e1 = (e(NU) * q(NU) * exp(NU) - 0.5 * Y0) / (y1 * NU)
    return 0.5 * (-q(MU) * F_EC * _h(e(MU)) + y1 * MU * exp(-MU) * (1 - _h(e1)))


def model_rate(device: DeviceParams, source: SourceParams, distance_km: float) -> float:
    """Our pipeline on the simulator's own expected statistics (click tables, dark-count merging)."""
    dev = device.model_copy(update={"distance_km": distance_km})
    eta, flip = dev.transmittance(), compose_flips(dev.misalignment)
    stats = []
    for mu in (source.mu, source.nu):
        s = honest_click_prob(mu, eta)
        gain = expected_click_prob(s, dev.dark_count_prob)
        stats.append((gain, expected_error_prob(s, flip, dev.dark_count_prob) / gain))
    b = decoy_bounds(stats[0][0], stats[0][1], stats[1][0], stats[1][1], dev.dark_count_prob, source.mu, source.nu)
    return gllp_rate(stats[0][0], stats[0][1], b.q1_lower, b.e1_upper, F_EC)


def test_model_rate_matches_published_formula_0_to_150_km() -> None:
    device, source = DeviceParams(), SourceParams(mu=MU, nu=NU)
    distances = np.arange(0, 151, 5.0)
    ours = np.array([model_rate(device, source, d) for d in distances])
    ref = np.array([published_two_decoy_rate(d) for d in distances])
    positive = ref > 0
    assert positive[:27].all() and not positive[-1]
    np.testing.assert_allclose(ours[positive], ref[positive], rtol=0.05)
    assert (ours[~positive] <= 0).all()


def test_rate_falls_to_zero_at_the_published_cutoff() -> None:
    device, source = DeviceParams(), SourceParams(mu=MU, nu=NU)
    ours = cutoff_distance(lambda d: model_rate(device, source, d))
    ref = cutoff_distance(published_two_decoy_rate)
    assert 130 < ref < 150  # the GYS two-decoy maximum distance is ~140 km
    assert abs(ours - ref) < 0.02 * ref


@pytest.mark.parametrize("distance", [0.0, 10.0])
def test_monte_carlo_rate_matches_formula(distance: float) -> None:
    source = SourceParams(mu=MU, nu=NU, p_signal=0.5, p_decoy=0.4, p_vacuum=0.1)
    device = DeviceParams(distance_km=distance)
    det = simulate("bb84-decoy", source, device, parse_attack("none"), 20_000_000, make_rng(11))
    stats = class_stats(det)
    b = decoy_bounds_from_stats(stats)
    mc = gllp_rate(stats[0].gain, stats[0].qber, b.q1_lower, b.e1_upper, F_EC)
    assert mc == pytest.approx(published_two_decoy_rate(distance), rel=0.05)


def test_finite_key_length_formula() -> None:
    n, e, dev, leak = 100_000, 0.03, 0.01, 25_000
    expected = int(np.floor(n * (1 - binary_entropy(e + dev)) - leak - log2(2 / (1e-20 * 1e-15))))
    assert finite_key_length(n, e, dev, leak, 1e-10, 1e-15) == expected
    assert finite_key_length(1000, 0.2, 0.0, 900, 1e-10, 1e-15) == 0


def test_default_signal_intensity_is_near_the_optimum() -> None:
    from qsec6g.qkd.keyrate import analytic_decoy_rate, optimal_mu

    device, source = DeviceParams(), SourceParams()
    best = optimal_mu(device, source, 50.0)
    assert abs(best - source.mu) < 0.02
    at_best = analytic_decoy_rate(device, source.model_copy(update={"mu": best}), 50.0, decoys="infinite")
    assert at_best >= analytic_decoy_rate(device, source, 50.0, decoys="infinite")

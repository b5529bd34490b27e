"""Prepare-transmit-measure: attack signatures in the QBER, gains vs closed forms, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from qsec6g.qkd.attacks import parse_attack
from qsec6g.qkd.channel import compose_flips, expected_click_prob, expected_error_prob
from qsec6g.qkd.params import DeviceParams, SourceParams
from qsec6g.qkd.protocols import simulate
from qsec6g.seeding import make_rng
from tests.qkd.conftest import sifted_qber, within_sigmas

NOISELESS = DeviceParams(misalignment=0.0, dark_count_prob=0.0)


@pytest.mark.parametrize("protocol", ["bb84-ideal", "bb84-decoy"])
def test_no_attack_no_noise_gives_zero_qber(protocol: str) -> None:
    det = simulate(protocol, SourceParams(), NOISELESS, parse_attack("none"), 400_000, make_rng(1))
    qber, n = sifted_qber(det)
    assert n > 1000 and qber == 0.0


@pytest.mark.parametrize("protocol", ["bb84-ideal", "bb84-decoy", "bbm92"])
@pytest.mark.parametrize("attack", ["intercept-resend", "intercept-resend-fixed"])
def test_full_intercept_resend_gives_a_quarter(protocol: str, attack: str) -> None:
    # BBM92: efficient detectors and few pairs, so multi-pair coincidences (uncorrelated) shift the QBER < 0.2 %
    device = NOISELESS if protocol != "bbm92" else NOISELESS.model_copy(update={"detector_efficiency": 0.8})
    det = simulate(protocol, SourceParams(pair_mu=0.01), device, parse_attack(f"{attack}:1"), 2_000_000, make_rng(2))
    qber, n = sifted_qber(det)
    assert n > 2000
    assert within_sigmas(qber, 0.25, n), (qber, n)


@pytest.mark.parametrize("fraction", [0.2, 0.6])
def test_intercept_resend_fraction_gives_f_over_4(fraction: float) -> None:
    det = simulate("bb84-ideal", SourceParams(), NOISELESS, parse_attack(f"intercept-resend:{fraction}"), 1_000_000,
                   make_rng(3))
    qber, n = sifted_qber(det)
    assert within_sigmas(qber, fraction / 4, n), (qber, n)


def test_noise_injection_adds_half_the_fraction_on_top_of_misalignment() -> None:
    device = DeviceParams(dark_count_prob=0.0, misalignment=0.02)
    det = simulate("bb84-ideal", SourceParams(), device, parse_attack("noise:0.1"), 1_000_000, make_rng(4))
    qber, n = sifted_qber(det)
    assert within_sigmas(qber, 0.9 * 0.02 + 0.1 * 0.5, n), (qber, n)


@pytest.mark.parametrize("distance", [0.0, 50.0])
def test_decoy_gains_and_errors_match_closed_forms(distance: float) -> None:
    device = DeviceParams(distance_km=distance)
    source = SourceParams()
    det = simulate("bb84-decoy", source, device, parse_attack("none"), 4_000_000, make_rng(5))
    eta, flip = device.transmittance(), compose_flips(device.misalignment)
    for c, mu in enumerate((source.mu, source.nu, 0.0)):
        signal = 1 - np.exp(-eta * mu)
        n_sent = int(det.sent[c])
        gain = np.count_nonzero(det.cls == c) / n_sent
        assert within_sigmas(gain, expected_click_prob(signal, device.dark_count_prob), n_sent)
        if c < 2:
            qber, n = sifted_qber(det, c)
            expected = expected_error_prob(signal, flip, device.dark_count_prob) / expected_click_prob(
                signal, device.dark_count_prob)
            assert within_sigmas(qber, expected, n), (c, qber, expected)


def test_pns_keeps_signal_gain_and_qber_but_starves_the_decoy() -> None:
    device, source = DeviceParams(distance_km=40.0), SourceParams()
    honest = simulate("bb84-decoy", source, device, parse_attack("none"), 4_000_000, make_rng(6))
    pns = simulate("bb84-decoy", source, device, parse_attack("pns"), 4_000_000, make_rng(6))
    gain = [np.bincount(d.cls, minlength=3) / d.sent for d in (honest, pns)]
    n_sig = int(pns.sent[0])
    assert within_sigmas(gain[1][0], gain[0][0], n_sig, 5)
    assert gain[1][1] < 0.6 * gain[0][1]  # weak decoy mostly single-photon: Eve blocks those
    assert abs(sifted_qber(pns)[0] - sifted_qber(honest)[0]) < 0.01


def test_same_seed_same_run_and_chunking_is_invisible_to_statistics() -> None:
    args = ("bb84-decoy", SourceParams(), DeviceParams(), parse_attack("intercept-resend:0.3"), 300_000)
    a, b = simulate(*args, make_rng(9)), simulate(*args, make_rng(9))
    assert np.array_equal(a.alice_bit, b.alice_bit) and np.array_equal(a.bob_bit, b.bob_bit)
    c = simulate(*args, make_rng(10), chunk=1 << 12)
    assert c.pulses == a.pulses == 300_000


def test_decoy_intercept_resend_qber_follows_the_click_weighted_share() -> None:
    """With coherent pulses Eve resends only pulses in which she found a photon, so attacked pulses are a smaller
    share of Bob's clicks than f; the QBER follows that share (closed form in sweeps.expected_attack_qber)."""
    from qsec6g.qkd.params import LinkConfig
    from qsec6g.qkd.sweeps import expected_attack_qber

    cfg = LinkConfig(device=DeviceParams(distance_km=10.0, dark_count_prob=0.0), attack="intercept-resend:0.5")
    det = simulate("bb84-decoy", cfg.source, cfg.device, parse_attack(cfg.attack), 8_000_000, make_rng(12))
    qber, n = sifted_qber(det)
    expected = expected_attack_qber(cfg, cfg.attack)
    e = cfg.device.misalignment
    naive = 0.5 * e + 0.5 * (0.25 + e / 2)  # if attacked pulses were half of Bob's clicks
    assert expected < naive - 0.01
    assert within_sigmas(qber, expected, n), (qber, expected, n)

"""Link model: Monte-Carlo BER and sum rate against closed forms; modulation round trips; input errors."""

from __future__ import annotations

import numpy as np
import pytest

from qsec6g.errors import UserInputError
from qsec6g.rrm.channel import ChannelModel, jakes_correlation, noise_power_dbm, path_loss_db, rayleigh
from qsec6g.rrm.link import (
    MODULATIONS, ber_bpsk_mrc, effective_gains, modulation, monte_carlo_ber, precoder, sinr,
    zf_sum_rate_expected, zf_sum_rate_high_snr,
)


@pytest.mark.parametrize("antennas", [1, 2, 4])
def test_mrt_bpsk_ber_matches_proakis_diversity_formula(antennas: int) -> None:
    rng = np.random.default_rng(11)
    for snr_db in (0.0, 5.0):
        snr = 10 ** (snr_db / 10)
        h = rayleigh(rng, (20_000, 1, antennas))
        g = effective_gains(h, precoder(h, "MRT"), snr)
        ber = monte_carlo_ber(rng, g, MODULATIONS["BPSK"], symbols=8).mean()
        exact = float(ber_bpsk_mrc(snr, antennas))
        bits = 20_000 * 8
        sigma = np.sqrt(exact * (1 - exact) / bits)
        # errors within a symbol block share the channel: allow 5 sigma of a 10x smaller sample
        assert abs(ber - exact) < 5 * sigma * np.sqrt(10), (antennas, snr_db, ber, exact)


def test_proakis_formula_reduces_to_single_branch_form() -> None:
    snr = np.array([0.5, 3.0, 20.0])
    assert np.allclose(ber_bpsk_mrc(snr, 1), 0.5 * (1 - np.sqrt(snr / (1 + snr))))


def test_zf_sum_rate_matches_expectation_and_high_snr_limit() -> None:
    rng = np.random.default_rng(3)
    n, k = 16, 4
    h = rayleigh(rng, (4000, k, n))
    for snr_db in (15.0, 30.0):
        snr = 10 ** (snr_db / 10)
        rate = np.log2(1 + sinr(effective_gains(h, precoder(h, "ZF"), snr))).sum(axis=1).mean()
        assert rate == pytest.approx(zf_sum_rate_expected(snr, n, k), rel=0.01)
    # at 30 dB the Jensen gap of the asymptote is below 0.5 %
    snr = 1000.0
    assert zf_sum_rate_expected(snr, n, k) == pytest.approx(zf_sum_rate_high_snr(snr, n, k), rel=0.005)


def test_zf_nulls_interference_and_mmse_beats_zf_at_low_snr() -> None:
    rng = np.random.default_rng(5)
    h = rayleigh(rng, (2000, 6, 8))
    g = effective_gains(h, precoder(h, "ZF"), 10.0)
    off = g - np.einsum("dkk->dk", g)[..., None] * np.eye(6)
    assert np.abs(off).max() < 1e-9
    snr = 10 ** (0 / 10)
    se = {p: np.log2(1 + sinr(effective_gains(h, precoder(h, p, snr), snr))).sum(axis=1).mean()
          for p in ("ZF", "MMSE")}
    assert se["MMSE"] > se["ZF"]


@pytest.mark.parametrize("name", list(MODULATIONS))
def test_modulation_round_trip_gray_and_unit_energy(name: str) -> None:
    mod = MODULATIONS[name]
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(5000, mod.bits_per_symbol), dtype=np.int8)
    s = mod.modulate(bits)
    assert np.array_equal(mod.demodulate(s), bits)
    assert np.mean(np.abs(s) ** 2) == pytest.approx(1.0, rel=0.05)
    # Gray: nearest neighbours differ in exactly one bit
    all_bits = ((np.arange(2**mod.bits_per_symbol)[:, None] >> np.arange(mod.bits_per_symbol - 1, -1, -1)) & 1)
    pts = mod.modulate(all_bits.astype(np.int8))
    d = np.abs(pts[:, None] - pts[None, :])
    np.fill_diagonal(d, np.inf)
    nearest = np.isclose(d, d.min())
    hamming = (all_bits[:, None, :] != all_bits[None, :, :]).sum(-1)
    assert np.all(hamming[nearest] == 1)


def test_qpsk_awgn_ber_matches_q_function() -> None:
    from scipy.special import erfc

    rng = np.random.default_rng(2)
    snr = 10 ** (6 / 10)
    g = np.full((200, 1, 1), np.sqrt(snr), dtype=complex)
    ber = monte_carlo_ber(rng, g, MODULATIONS["QPSK"], symbols=2000).mean()
    exact = 0.5 * erfc(np.sqrt(snr / 2))  # Q(sqrt(snr)) per bit, Es/N0 = snr, 2 bits/symbol
    assert ber == pytest.approx(exact, rel=0.05)


def test_channel_ageing_and_path_loss() -> None:
    assert jakes_correlation(0.0, 28e9, 1e-3) == pytest.approx(1.0)
    # 120 km/h at 28 GHz: f_D ≈ 3.11 kHz, first zero of J0 at 2.405 / (2π f_D) ≈ 0.123 ms
    assert abs(jakes_correlation(120.0, 28e9, 2.4048 / (2 * np.pi * 3112.5))) < 1e-3
    model = ChannelModel(n_antennas=4, n_users=2, speed_kmh=120.0, csi_delay_s=5e-5)
    est, true = model.draw(np.random.default_rng(0), 50_000)
    corr = np.mean(np.conj(est) * true).real / np.mean(np.abs(est) ** 2)
    assert corr == pytest.approx(model.rho, abs=0.01)
    assert np.mean(np.abs(true) ** 2) == pytest.approx(1.0, abs=0.01)
    assert path_loss_db(np.array([100.0]), 28e9)[0] == pytest.approx(32.4 + 42 + 20 * np.log10(28))
    d = np.array([20.0, 100.0, 400.0])
    assert np.all(path_loss_db(d, 28e9, los=False) >= path_loss_db(d, 28e9))
    assert noise_power_dbm(1e9, noise_figure_db=7.0) == pytest.approx(-174 + 90 + 7)
    with pytest.raises(UserInputError, match="positive"):
        path_loss_db(np.array([0.0]), 28e9)


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(UserInputError, match="unknown precoder"):
        precoder(np.ones((1, 1, 2)), "foo")
    with pytest.raises(UserInputError, match="unknown modulation"):
        modulation("64QAM")
    with pytest.raises(UserInputError, match="antennas >= users"):
        zf_sum_rate_expected(10.0, 2, 4)
    with pytest.raises(UserInputError, match="unknown channel kind"):
        ChannelModel(kind="nope").draw(np.random.default_rng(0), 1)

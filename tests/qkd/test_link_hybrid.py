"""Whole runs (abort decisions, PA length, alarms) and the hybrid QKD + ML-KEM secured channel."""

from __future__ import annotations

import os
from math import log2

import numpy as np
import pytest

from qsec6g.errors import UserInputError
from qsec6g.qkd.estimation import sampling_deviation
from qsec6g.qkd.events import EventBus, QkdAlarm
from qsec6g.qkd.hybrid import (
    FrameRejected, HandshakeError, HybridLink, Identity, Initiator, derive_session_keys, respond,
)
from qsec6g.qkd.keyrate import binary_entropy
from qsec6g.qkd.link import run_link
from qsec6g.qkd.params import DeviceParams, LinkConfig


def test_clean_ideal_run_gives_matching_keys_of_the_formula_length() -> None:
    cfg = LinkConfig(protocol="bb84-ideal", pulses=4_000_000, device=DeviceParams(distance_km=5))
    result = run_link(cfg, seed=3)
    r = result.report
    assert not r.aborted and r.verified and r.keys_match
    n, k = r.key_bits, r.sample_bits
    e = min(0.5, r.qber + sampling_deviation(n, k, cfg.post.eps_pe))
    expected = int(np.floor(n * (1 - binary_entropy(e)) - r.leak_ec_bits
                            - log2(2 / (cfg.post.eps_sec**2 * cfg.post.eps_cor))))
    assert r.final_bits == expected == result.key.size > 0
    assert r.sifted_bits == r.sample_bits + r.key_bits


def test_decoy_run_final_length_is_the_single_photon_formula() -> None:
    cfg = LinkConfig(protocol="bb84-decoy", pulses=10_000_000)
    result = run_link(cfg, seed=4)
    r = result.report
    assert not r.aborted and r.keys_match
    n1 = r.key_bits * r.decoy["q1_lower"] / r.decoy["q_signal"]
    e1 = min(0.5, r.decoy["e1_upper"] + sampling_deviation(r.key_bits, r.sample_bits, cfg.post.eps_pe))
    expected = int(np.floor(n1 * (1 - binary_entropy(e1)) - r.leak_ec_bits
                            - log2(2 / (cfg.post.eps_sec**2 * cfg.post.eps_cor))))
    assert r.final_bits == expected == result.key.size > 0


def test_intercept_resend_aborts_and_publishes_an_alarm() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(QkdAlarm, seen.append)
    cfg = LinkConfig(protocol="bb84-ideal", attack="intercept-resend:1.0", pulses=200_000)
    r = run_link(cfg, seed=7, bus=bus, link_id="du1-cu1").report
    assert r.aborted and r.alarm and "QBER" in r.abort_reason and r.final_bits == 0
    assert len(seen) == 1 and seen[0].link_id == "du1-cu1" and seen[0].reason == "qber"
    assert seen[0].severity == pytest.approx(min(1.0, r.qber / 0.25))


def test_decoy_statistics_reveal_pns() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(QkdAlarm, seen.append)
    r = run_link(LinkConfig(attack="pns", pulses=4_000_000, device=DeviceParams(distance_km=25)), 5, bus=bus).report
    assert r.aborted and "photon-number splitting" in r.abort_reason
    assert r.qber < 0.11  # the QBER alone would not have caught it
    assert seen and seen[0].reason == "pns" and seen[0].severity == 1.0


def test_event_bus_unsubscribe() -> None:
    bus, seen = EventBus(), []
    off = bus.subscribe(QkdAlarm, seen.append)
    alarm = QkdAlarm("l", "qber", 0.2, 0.11, "x")
    assert bus.publish(alarm) == 1
    off()
    assert bus.publish(alarm) == 0 and seen == [alarm]


@pytest.fixture(scope="module")
def ids() -> tuple[Identity, Identity]:
    return Identity.generate("du"), Identity.generate("cu")


def test_round_trip_both_directions_and_scheduled_rekey(ids) -> None:
    link = HybridLink(*ids, qkd_key=os.urandom(32), rekey_after=3)
    first = link.a.key_fingerprint()
    for i in range(8):
        msg = f"E2 control {i}".encode()
        assert link.b.open(link.a.seal(msg)) == msg
        assert link.a.open(link.b.seal(msg[::-1])) == msg[::-1]
    assert link.a.epochs == (2, 2) and link.b.epochs == (2, 2)
    assert link.a.key_fingerprint() != first


def test_tampered_replayed_reordered_frames_rejected_without_decryption(ids) -> None:
    link = HybridLink(*ids, qkd_key=os.urandom(32))
    f0, f1 = link.a.seal(b"first"), link.a.seal(b"second")
    with pytest.raises(FrameRejected) as exc:
        link.b.open(f1)  # reordered: arrives before f0
    assert exc.value.reason == "reorder" and link.b.decrypt_calls == 0
    tampered = bytearray(f0)
    tampered[-1] ^= 1
    with pytest.raises(FrameRejected) as exc:
        link.b.open(bytes(tampered))
    assert exc.value.reason == "tampered"  # GCM tag checked before any plaintext is released
    header_tampered = bytearray(f0)
    header_tampered[0] = 2
    with pytest.raises(FrameRejected):
        link.b.open(bytes(header_tampered))
    assert link.b.open(f0) == b"first"
    calls = link.b.decrypt_calls
    with pytest.raises(FrameRejected) as exc:
        link.b.open(f0)  # replay
    assert exc.value.reason == "replay" and link.b.decrypt_calls == calls
    assert link.b.open(f1) == b"second"


def test_alarm_rekeys_immediately_and_old_epoch_frames_are_refused(ids) -> None:
    link = HybridLink(*ids, qkd_key=os.urandom(32))
    bus = EventBus()
    bus.subscribe(QkdAlarm, link.on_alarm)
    stale = link.a.seal(b"before alarm")
    before = link.a.key_fingerprint()
    bus.publish(QkdAlarm("du1-cu1", "qber", 0.25, 0.11, "intercept-resend"))
    assert link.a.key_fingerprint() != before and link.rekeys == ["qkd-alarm: qber"]
    with pytest.raises(FrameRejected) as exc:
        link.b.open(stale)
    assert exc.value.reason == "stale-epoch"
    assert link.b.open(link.a.seal(b"after alarm")) == b"after alarm"


def test_session_key_depends_on_both_inputs() -> None:
    qkd, ss, th = os.urandom(32), os.urandom(32), os.urandom(32)
    base = derive_session_keys(qkd, ss, th)
    assert derive_session_keys(qkd, ss, th) == base
    assert derive_session_keys(os.urandom(32), ss, th)[0] != base[0]
    assert derive_session_keys(qkd, os.urandom(32), th)[0] != base[0]
    assert derive_session_keys(qkd, ss, os.urandom(32))[0] != base[0]
    assert derive_session_keys(None, ss, th)[0] != base[0]
    assert base[0] != base[1]


@pytest.mark.parametrize("bad", [b"", b"x" * 16, b"x" * 33])
def test_wrong_key_lengths_are_user_errors(bad: bytes, ids) -> None:
    with pytest.raises(UserInputError, match="32 bytes"):
        HybridLink(*ids, qkd_key=bad)
    with pytest.raises(UserInputError):
        derive_session_keys(os.urandom(32), bad, os.urandom(32))


def test_handshake_rejects_a_forged_reply(ids) -> None:
    du, cu = ids
    mallory = Identity.generate("cu")
    init = Initiator(du, cu.public_key, None)
    reply, _ = respond(mallory, du.public_key, None, init.hello)
    with pytest.raises(HandshakeError):
        init.finish(reply)
    with pytest.raises(HandshakeError):
        respond(cu, mallory.public_key, None, init.hello)


def test_e2_example_runs_and_rekeys_on_the_alarm(capsys) -> None:
    import runpy
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "e2_control_channel.py"
    runpy.run_path(str(example), run_name="__main__")
    text = capsys.readouterr().out
    assert '"e2ap": "RICcontrolRequest"' in text and "replayed indication refused: replay" in text
    assert "rekeys: ['qkd-alarm: qber']" in text and "'du1-cu1': 1.0" in text


def test_gain_limits_are_exact_poisson_limits() -> None:
    from scipy.stats import norm, poisson

    from qsec6g.qkd.estimation import ClassStats, gain_limit

    tail = norm.sf(3.0)
    for k in (0, 1, 7, 250):
        stats = ClassStats("decoy", 0.05, 1_000_000, k, 0, 0)
        upper, lower = gain_limit(stats, 3.0) * stats.sent, gain_limit(stats, -3.0) * stats.sent
        assert poisson.cdf(k, upper) == pytest.approx(tail, rel=1e-6)  # P(X <= k | upper) = tail
        if k == 0:
            assert lower == 0.0
        else:
            assert poisson.sf(k - 1, lower) == pytest.approx(tail, rel=1e-6)  # P(X >= k | lower) = tail
        assert gain_limit(stats, 0.0) == k / stats.sent


def test_no_pns_alarm_from_a_handful_of_decoy_clicks() -> None:
    # 80 km, 1e6 pulses: ~5 weak-decoy clicks expected; an honest link must not be accused
    for seed in range(3):
        r = run_link(LinkConfig(pulses=1_000_000, device=DeviceParams(distance_km=80)), seed).report
        assert not r.alarm, r.abort_reason

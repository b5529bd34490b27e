"""Benchmark suite ``qkd``: pulse simulation, Cascade, a circuit-per-qubit Qiskit BB84 peer, AES-GCM, ML-KEM.

Targets (docs/qkd.md): >= 1e7 pulses/s prepare-transmit-measure with an attack; Cascade >= 1e6 reconciled bit/s
at QBER 3 %; >= 1000x faster per pulse than a Qiskit BB84 that builds and simulates one circuit per qubit
(qiskit.quantum_info.Statevector, Eve intercept-resend included, timed on a small run in the same process and
extrapolated per qubit); >= 50 MB/s AES-256-GCM through the framed channel; the ML-KEM-768 + ML-DSA-65 handshake
time.
"""

from __future__ import annotations

import os

import numpy as np

from qsec6g.bench.records import Record
from qsec6g.qkd.attacks import parse_attack
from qsec6g.qkd.cascade import cascade
from qsec6g.qkd.hybrid import HybridLink, Identity
from qsec6g.qkd.params import DeviceParams, PostProcessingParams, SourceParams
from qsec6g.qkd.protocols import simulate
from qsec6g.seeding import make_rng
from qsec6g.timing import median_seconds

SUITE = "qkd"


def qiskit_bb84_seconds_per_qubit(n_qubits: int, seed: int) -> float:
    """Wall time per qubit of a one-circuit-per-qubit BB84 with full intercept-resend in Qiskit."""
    import time

    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    rng = make_rng(seed)
    bits, bases, eve, bob = (rng.integers(0, 2, n_qubits) for _ in range(4))

    def prepare(bit: int, basis: int) -> QuantumCircuit:
        qc = QuantumCircuit(1)
        if bit:
            qc.x(0)
        if basis:
            qc.h(0)
        return qc

    def measure(qc: QuantumCircuit, basis: int, s: int) -> int:
        if basis:
            qc.h(0)
        sv = Statevector(qc)
        sv.seed(s)
        return int(sv.measure()[0])

    t0 = time.perf_counter()
    for i in range(n_qubits):
        eve_bit = measure(prepare(int(bits[i]), int(bases[i])), int(eve[i]), seed + i)
        measure(prepare(eve_bit, int(eve[i])), int(bob[i]), seed + n_qubits + i)
    return (time.perf_counter() - t0) / n_qubits


def run(quick: bool, seed: int) -> list[Record]:
    records: list[Record] = []
    n_pulses = 1 << (21 if quick else 23)
    device = DeviceParams(distance_km=25.0)
    attack = parse_attack("intercept-resend:0.5")

    def pulses_once() -> None:
        simulate("bb84-decoy", SourceParams(), device, attack, n_pulses, make_rng(seed))

    t_pulses = median_seconds(pulses_once, repeat=3 if quick else 7, warmup=1)
    rate = n_pulses / t_pulses
    n_qiskit = 50 if quick else 200
    t_qiskit = qiskit_bb84_seconds_per_qubit(n_qiskit, seed)
    records.append(Record(SUITE, f"bb84-decoy 25 km intercept-resend:0.5, {n_pulses} pulses", "pulses_per_second",
                          rate, "pulse/s", peer=f"qiskit Statevector, one circuit per qubit ({n_qiskit} qubits)",
                          ratio=t_qiskit * rate,
                          extra={"qiskit_seconds_per_qubit": t_qiskit, "target": 1e7, "target_ratio": 1000}))

    frames, frame_bits, qber = (64 if quick else 256), 16384, 0.03
    rng = make_rng(seed)
    alice = rng.integers(0, 2, (frames, frame_bits), dtype=np.uint8)
    bob = alice ^ (rng.random(alice.shape) < qber).astype(np.uint8)
    passes = PostProcessingParams().cascade_passes
    result = cascade(alice, bob, qber, make_rng(seed), passes)
    t_cascade = median_seconds(lambda: cascade(alice, bob, qber, make_rng(seed), passes), repeat=3 if quick else 5,
                               warmup=1)
    true_q = (alice != bob).mean(axis=1)
    records.append(Record(SUITE, f"cascade QBER 3%, {frames} x {frame_bits} bits, {passes} passes",
                          "reconciled_bits_per_second",
                          alice.size / t_cascade, "bit/s",
                          extra={"target": 1e6, "f_ec_mean": float(result.efficiency(true_q).mean()),
                                 "frames_failed": int((result.corrected != alice).any(axis=1).sum())}))

    link = HybridLink(Identity.generate("du"), Identity.generate("cu"), os.urandom(32), rekey_after=1 << 30)
    payload = os.urandom(64 * 1024)
    t_frame = median_seconds(lambda: link.b.open(link.a.seal(payload)), repeat=20 if quick else 100, warmup=3)
    records.append(Record(SUITE, "AES-256-GCM framed channel, 64 KiB frames, seal + open", "throughput",
                          len(payload) / t_frame / 1e6, "MB/s", extra={"target": 50}))
    small = b"x" * 200
    t_small = median_seconds(lambda: link.b.open(link.a.seal(small)), repeat=200, warmup=10)
    records.append(Record(SUITE, "E2-sized 200 B frames, seal + open", "frame_seconds", t_small, "s"))
    a, b = Identity.generate("du"), Identity.generate("cu")
    t_hs = median_seconds(lambda: HybridLink(a, b, os.urandom(32)), repeat=10 if quick else 30, warmup=2)
    records.append(Record(SUITE, "ML-KEM-768 + ML-DSA-65 handshake (both sides, in process)", "handshake_seconds",
                          t_hs, "s"))
    return records

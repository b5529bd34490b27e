"""Secure E2-style control messages between a DU and a CU with the hybrid QKD + ML-KEM channel.

1. The DU-CU fibre runs decoy-state BB84 (10 km, GYS devices); the first 256 bits of the final key become K_QKD.
2. DU (initiator) and CU (responder) run the ML-DSA-65-signed ML-KEM-768 handshake; session keys =
   HKDF-SHA256(K_QKD || ss || transcript hash).
3. The DU sends E2AP-like RIC indication / control messages; the CU answers; a replayed frame is refused.
4. A later QKD round is attacked (intercept-resend on every pulse); the link aborts and publishes a QkdAlarm. The
   event bus makes the channel rekey at once from ML-KEM alone, and lets a stand-in zero-trust engine raise risk.

Run: PYTHONPATH=src python examples/e2_control_channel.py
"""

from __future__ import annotations

import json

import numpy as np

from qsec6g.qkd.events import EventBus, QkdAlarm
from qsec6g.qkd.hybrid import FrameRejected, HybridLink, Identity
from qsec6g.qkd.link import run_link
from qsec6g.qkd.params import DeviceParams, LinkConfig


def e2_message(kind: str, seq: int, **fields: object) -> bytes:
    """A small JSON stand-in for an E2AP message (RIC indication / control request / control ack)."""
    return json.dumps({"e2ap": kind, "ric_request_id": seq, **fields}, sort_keys=True).encode()


def qkd_key_bytes(bits: np.ndarray) -> bytes:
    """First 256 final-key bits packed into the 32-byte K_QKD."""
    return np.packbits(bits[:256]).tobytes()


def main() -> None:
    config = LinkConfig(protocol="bb84-decoy", pulses=40_000_000, device=DeviceParams(distance_km=10))
    first = run_link(config, seed=1, link_id="du1-cu1")
    print(f"QKD round 1: QBER {first.report.qber:.2%}, final key {first.report.final_bits} bits")
    if first.key.size < 256:
        raise SystemExit("QKD round 1 produced too little key; raise the pulse count")
    du, cu = Identity.generate("du1"), Identity.generate("cu1")
    link = HybridLink(du, cu, qkd_key=qkd_key_bytes(first.key), rekey_after=1000)

    risk: dict[str, float] = {}
    bus = EventBus()
    bus.subscribe(QkdAlarm, link.on_alarm)
    bus.subscribe(QkdAlarm, lambda alarm: risk.__setitem__(alarm.link_id, alarm.severity))  # zero-trust stand-in

    indication = link.a.seal(e2_message("RICindication", 1, cell="cell-7", prb_usage=0.63, ue_count=42))
    print("CU got:", link.b.open(indication).decode())
    ack = link.b.seal(e2_message("RICcontrolRequest", 1, action="handover", ue="ue-3", target="cell-8"))
    print("DU got:", link.a.open(ack).decode())
    try:
        link.b.open(indication)
    except FrameRejected as exc:
        print("replayed indication refused:", exc)

    attacked = config.model_copy(update={"attack": "intercept-resend:1.0", "pulses": 2_000_000})
    second = run_link(attacked, seed=2, bus=bus, link_id="du1-cu1").report
    print(f"QKD round 2: QBER {second.qber:.2%} -> {second.abort_reason}")
    print("rekeys:", link.rekeys, "| zero-trust risk:", risk)
    print("CU got:", link.b.open(link.a.seal(e2_message("RICindication", 2, cell="cell-7", prb_usage=0.71))).decode())


if __name__ == "__main__":
    main()

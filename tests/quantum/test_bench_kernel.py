"""The kernel benchmark compares equal work: our twin step and the Qiskit peer compute the same observables.
Also the benchmark record JSON format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from qsec6g.bench.kernel import SHOTS, our_step_factory, peer_step_factory
from qsec6g.bench.records import Record, write_records


@pytest.mark.parametrize("n", [3, 5])
def test_our_step_and_the_qiskit_peer_compute_the_same_observables(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.random((1, 2**n)) + 0.01
    ours = our_step_factory(n)(x, np.random.default_rng(1))
    peer = peer_step_factory(n)(x, np.random.default_rng(2))
    np.testing.assert_allclose(ours.fidelity, peer.fidelity, atol=1e-10)
    np.testing.assert_allclose(ours.entropy, peer.entropy, atol=1e-10)
    np.testing.assert_allclose(ours.trace_distance, peer.trace_distance, atol=1e-10)
    assert 0.0 < ours.fidelity[0] < 1.0 and ours.entropy[0] > 0.0  # the noise really acts
    assert ours.counts.shape == peer.counts.shape == (1, 2**n)
    assert ours.counts.sum() == peer.counts.sum() == SHOTS
    seen = (ours.counts[0] + peer.counts[0]) > 0
    assert chi2_contingency(np.stack([ours.counts[0, seen], peer.counts[0, seen]])).pvalue > 1e-3


def test_our_step_is_batched_item_by_item() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((4, 8)) + 0.01
    step = our_step_factory(3)
    batch = step(x, np.random.default_rng(1))
    for b in range(4):
        single = step(x[b : b + 1], np.random.default_rng(1))
        np.testing.assert_allclose(batch.fidelity[b], single.fidelity[0], atol=1e-12)
        np.testing.assert_allclose(batch.entropy[b], single.entropy[0], atol=1e-12)
        np.testing.assert_allclose(batch.trace_distance[b], single.trace_distance[0], atol=1e-12)


def test_records_are_written_as_a_json_list_of_the_documented_fields(tmp_path: Path) -> None:
    records = [
        Record("kernel", "n=3 single step", "step_seconds", 1.5e-4, "s", "qiskit.quantum_info", 120.0,
               {"peer_seconds": 0.018}),
        Record("kernel", "n=10 single step", "peak_memory_bytes", 1024.0, "B"),
    ]
    path = write_records(tmp_path / "nested" / "bench.json", records)
    assert path == tmp_path / "nested" / "bench.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 2
    assert data[0] == {"suite": "kernel", "case": "n=3 single step", "metric": "step_seconds", "value": 1.5e-4,
                       "unit": "s", "peer": "qiskit.quantum_info", "ratio": 120.0, "extra": {"peer_seconds": 0.018}}
    assert data[1] == {"suite": "kernel", "case": "n=10 single step", "metric": "peak_memory_bytes",
                       "value": 1024.0, "unit": "B", "peer": None, "ratio": None}  # empty extra is left out

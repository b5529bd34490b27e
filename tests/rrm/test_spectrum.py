"""Spectrum-access data (synthetic primary users, ColO-RAN PRB usage) and the hybrid quantum layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qsec6g.errors import DataError, UserInputError
from qsec6g.rrm.spectrum import colosseum_prb, read_slice_metrics, synthetic_primary_users

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "colosseum-oran"
torch = pytest.importorskip("torch")


def test_synthetic_split_is_chronological_and_labels_are_next_slot() -> None:
    split = synthetic_primary_users(np.random.default_rng(0), channels=3, samples=200, window=4, test_fraction=0.25)
    assert split.x_train.shape[1] == 4
    assert len(split.x_train) + len(split.x_test) == 3 * (200 - 4)
    assert set(np.unique(split.y_train)) == {0, 1}
    assert np.intersect1d(split.train_index, split.test_index).size == 0
    # busy slots read higher energy on average than idle ones (the detector carries signal)
    last = split.x_train[:, -1]
    assert last[split.y_train == 1].mean() > last[split.y_train == 0].mean()
    again = synthetic_primary_users(np.random.default_rng(0), channels=3, samples=200, window=4, test_fraction=0.25)
    assert np.array_equal(split.x_test, again.x_test)


def test_synthetic_bad_sizes() -> None:
    with pytest.raises(UserInputError, match="more sensing slots"):
        synthetic_primary_users(np.random.default_rng(0), channels=1, samples=5, window=4, test_fraction=0.3)


@pytest.mark.skipif(not DATA.is_dir(), reason="ColO-RAN sample not found at ../shared/data/colosseum-oran")
def test_colosseum_prb_windows() -> None:
    split = colosseum_prb(DATA, window=4, test_fraction=0.3)
    assert split.x_train.shape[1] == 4
    assert 0.2 < split.y_train.mean() < 0.8
    assert np.all(split.x_train >= 0)


def test_slice_reader_drops_truncated_row_and_empty_headers(tmp_path: Path) -> None:
    f = tmp_path / "m.csv"
    f.write_text("Timestamp,,sum_requested_prbs,sum_granted_prbs\n1,,10,5\n2,,12,6\n3,,1")
    df = read_slice_metrics(f)
    assert list(df.columns) == ["Timestamp", "sum_requested_prbs", "sum_granted_prbs"]
    assert len(df) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("Timestamp,other\n1,2\n")
    with pytest.raises(DataError, match="missing column"):
        read_slice_metrics(bad)
    with pytest.raises(DataError, match="no ColO-RAN slice metrics"):
        colosseum_prb(tmp_path, 4, 0.3)


def test_quantum_layer_matches_qiskit_statevector() -> None:
    pytest.importorskip("qiskit")
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import SparsePauliOp, Statevector

    from qsec6g.rrm.hybrid_model import Circuit

    n, layers = 3, 2
    circ = Circuit(n, layers)
    rng = np.random.default_rng(1)
    angles, theta = rng.uniform(-2, 2, n), rng.uniform(-2, 2, circ.n_params)
    ours = circ.expvals(torch.tensor(angles[None]), torch.tensor(theta))[0].numpy()
    qc = QuantumCircuit(n)
    q = lambda i: n - 1 - i  # noqa: E731 - our qubit i is Qiskit's n-1-i
    for i in range(n):
        qc.ry(angles[i], q(i))
    th = theta.reshape(layers, 2, n)
    for layer in range(layers):
        for i in range(n):
            qc.ry(th[layer, 0, i], q(i))
            qc.rz(th[layer, 1, i], q(i))
        for c in range(n):
            qc.cx(q(c), q((c + 1) % n))
    sv = Statevector(qc)
    for i in range(n):
        label = "".join("Z" if k == i else "I" for k in range(n))
        assert ours[i] == pytest.approx(sv.expectation_value(SparsePauliOp(label)).real, abs=1e-6)


def test_parameter_shift_gradient_equals_backprop() -> None:
    from qsec6g.rrm.hybrid_model import QuantumLayer

    x = torch.tensor(np.random.default_rng(2).normal(size=(5, 3)), dtype=torch.float32)
    weights = torch.tensor(np.random.default_rng(3).normal(size=(5, 3)), dtype=torch.float32)
    grads = {}
    for method in ("backprop", "parameter-shift"):
        layer = QuantumLayer(3, 2, method, seed=4)
        (layer(x) * weights).sum().backward()
        grads[method] = layer.theta.grad.numpy().copy()
    assert np.allclose(grads["backprop"], grads["parameter-shift"], atol=1e-5)
    with pytest.raises(UserInputError, match="diff_method"):
        QuantumLayer(3, 1, "adjoint")


def test_study_trains_both_models_above_majority_reproducibly() -> None:
    from qsec6g.rrm.config import SpectrumConfig
    from qsec6g.rrm.spectrum_study import run_spectrum_study

    cfg = SpectrumConfig(samples=600, channels=2, epochs=6, batch_size=32, bootstrap=200)
    res, curves, _ = run_spectrum_study(cfg, seed=3)
    res2, _, _ = run_spectrum_study(cfg, seed=3)
    assert np.allclose(res["accuracy_pct"], res2["accuracy_pct"])
    assert set(res["model"]) == {"DNN", "hybrid"}
    assert np.all(res["accuracy_pct"] > res["majority_class_pct"])
    assert np.all((res["ci_low_pct"] <= res["accuracy_pct"]) & (res["accuracy_pct"] <= res["ci_high_pct"]))
    assert len(curves) == 2 * cfg.epochs

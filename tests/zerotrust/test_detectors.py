"""Detectors: scikit-learn estimator contract, learning on easy data, three-class heads, Pipeline use."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

from qsec6g.zerotrust.baselines import AutoencoderDetector, IsolationForestDetector
from qsec6g.zerotrust.cvqnn import CVQNNClassifier
from qsec6g.zerotrust.detectors import ALL, family, make_detector
from qsec6g.zerotrust.hybrid import HybridClassifier
from qsec6g.zerotrust.vqc import VQCClassifier

# float32 batched matrix products give last-bit differences when the batch is reordered (documented)
ORDER = {"check_methods_sample_order_invariance": "float32 batched matmul: last-bit differences with row order"}


@pytest.mark.parametrize("est, expected", [
    (VQCClassifier(n_qubits=3, n_layers=1, epochs=2), ORDER),
    (HybridClassifier(n_qubits=3, n_layers=1, hidden=4, epochs=2), ORDER),
    (CVQNNClassifier(n_modes=2, cutoff=3, n_layers=1, epochs=1), {}),
    (IsolationForestDetector(n_estimators=10), {}),
    (AutoencoderDetector(max_iter=10), {}),
], ids=lambda v: type(v).__name__ if not isinstance(v, dict) else "")
def test_check_estimator(est, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(est, on_fail=None, expected_failed_checks=expected)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert failed == []


def easy_data(n=1200, classes=2, seed=0):
    return make_classification(n, 8, n_informative=5, n_redundant=0, n_classes=classes, class_sep=1.5,
                               random_state=seed)


# minimum test ROC-AUC (chance = 0.5): amplitude encoding normalises each row, losing its magnitude
@pytest.mark.parametrize("est, min_auc", [
    (VQCClassifier(n_qubits=4, n_layers=2, epochs=10, batch_size=128), 0.85),
    (VQCClassifier(encoding="amplitude", epochs=15, batch_size=128), 0.75),
    (HybridClassifier(n_qubits=4, epochs=10, batch_size=128), 0.85),
    (CVQNNClassifier(cutoff=5, n_layers=1, epochs=5, batch_size=128), 0.85),
], ids=["vqc-angle", "vqc-amplitude", "hybrid", "cvqnn"])
def test_quantum_detectors_learn_and_work_in_a_pipeline(est, min_auc):
    X, y = easy_data()
    pipe = make_pipeline(StandardScaler(), est).fit(X[:900], y[:900])
    auc = roc_auc_score(y[900:], pipe.predict_proba(X[900:])[:, 1])
    assert auc > min_auc
    d = pipe.decision_function(X[900:])
    assert roc_auc_score(y[900:], d) == pytest.approx(auc)      # decision_function ranks like predict_proba
    assert est.loss_curve_[-1] < est.loss_curve_[0]


def test_three_class_head_and_reproducibility():
    X, y = easy_data(classes=3)
    a = VQCClassifier(n_qubits=4, n_layers=2, epochs=10, batch_size=128, seed=3).fit(X[:900], y[:900])
    b = VQCClassifier(n_qubits=4, n_layers=2, epochs=10, batch_size=128, seed=3).fit(X[:900], y[:900])
    p = a.predict_proba(X[900:])
    assert p.shape == (300, 3) and np.allclose(p.sum(1), 1)
    assert (a.predict(X[900:]) == y[900:]).mean() > 0.6           # chance is 1/3
    np.testing.assert_array_equal(p, b.predict_proba(X[900:]))    # same seed, same model, bit for bit


def test_vqc_amplitude_qubit_count_and_errors():
    X, y = easy_data()
    m = VQCClassifier(encoding="amplitude", epochs=1).fit(X, y)
    assert m.module_.n == 3                                        # ⌈log₂ 8⌉
    with pytest.raises(ValueError, match="needs 3 qubits"):
        VQCClassifier(encoding="amplitude", n_qubits=2, epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="encoding"):
        VQCClassifier(encoding="basis", epochs=1).fit(X, y)


def test_registry_and_unsupervised_detectors():
    X, y = easy_data()
    for name in ("logreg", "iforest", "autoencoder"):
        m = make_detector(name, quick=True).fit(X[:900], y[:900])
        assert roc_auc_score(y[900:], m.predict_proba(X[900:])[:, 1]) > 0.6
    assert {family(n) for n in ALL} == {"classical", "quantum", "hybrid"}
    from qsec6g.errors import UserInputError
    with pytest.raises(UserInputError, match="unknown detector"):
        make_detector("svm")

"""The detector line-up, built by name with one budget switch (``quick``) so every run compares like with like."""

from __future__ import annotations

from typing import Any

CLASSICAL = ("logreg", "hgb", "mlp", "iforest", "autoencoder")
QUANTUM = ("vqc", "cvqnn")
HYBRID = ("hybrid",)
ALL = CLASSICAL + QUANTUM + HYBRID
MULTICLASS = ("logreg", "hgb", "mlp", "vqc", "cvqnn", "hybrid")   # detectors with a three-class head


def family(name: str) -> str:
    """"quantum", "hybrid" or "classical"."""
    return "quantum" if name in QUANTUM else ("hybrid" if name in HYBRID else "classical")


def make_detector(name: str, seed: int = 0, quick: bool = False) -> Any:
    """A fresh, unfitted scikit-learn estimator for detector ``name`` (input: preprocessed numeric features)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    from qsec6g.errors import UserInputError
    from qsec6g.zerotrust.baselines import AutoencoderDetector, IsolationForestDetector
    from qsec6g.zerotrust.cvqnn import CVQNNClassifier
    from qsec6g.zerotrust.hybrid import HybridClassifier
    from qsec6g.zerotrust.vqc import VQCClassifier

    epochs = 5 if quick else 30
    factories = {
        "logreg": lambda: LogisticRegression(max_iter=2000, C=1.0),
        "hgb": lambda: HistGradientBoostingClassifier(max_iter=100 if quick else 300, random_state=seed),
        "mlp": lambda: MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=50 if quick else 200, early_stopping=True,
                                     random_state=seed),
        "iforest": lambda: IsolationForestDetector(n_estimators=100 if quick else 200, random_state=seed),
        "autoencoder": lambda: AutoencoderDetector(max_iter=50 if quick else 200, random_state=seed),
        "vqc": lambda: VQCClassifier(n_qubits=8, n_layers=3, encoding="angle", epochs=epochs, batch_size=512,
                                     lr=0.05, seed=seed),
        "cvqnn": lambda: CVQNNClassifier(n_modes=2, cutoff=6, n_layers=2, epochs=max(3, epochs // 3),
                                         batch_size=512, seed=seed),
        "hybrid": lambda: HybridClassifier(n_qubits=6, n_layers=2, epochs=epochs, batch_size=512, seed=seed),
    }
    if name not in factories:
        raise UserInputError(f"unknown detector '{name}'; available: {', '.join(ALL)}")
    return factories[name]()

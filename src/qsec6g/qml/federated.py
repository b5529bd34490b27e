"""Federated learning of one model over non-IID KPI shards (one shard per UE, optionally split further), with
malicious clients and robust aggregation.

Round t: every client starts from the global parameter vector w_t, trains locally (Adam, ``local_epochs``) and
sends its update Δ_i = w_i − w_t. Malicious clients send instead
``scaled``: λ·Δ_i (boosted), ``inverted``: −λ·Δ_i, ``backdoor``: λ·Δ_i of a model trained on data where a trigger
(feature ``trigger_feature`` set to ``trigger_value``) is labelled ``target``.
Aggregators: ``fedavg`` (mean weighted by shard size), ``median`` (coordinate-wise), ``trimmed_mean``
(coordinate-wise, ``trim`` of each tail), ``krum`` (the update with the smallest sum of squared distances to its
n − f − 2 nearest neighbours; Blanchard et al. 2017).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from qsec6g.qml.models import accuracy, predict, train

AGGREGATORS = ("fedavg", "median", "trimmed_mean", "krum")
BEHAVIOURS = ("scaled", "inverted", "backdoor")


def aggregate(updates: np.ndarray, weights: np.ndarray, rule: str, trim: float = 0.2, n_malicious: int = 0
              ) -> np.ndarray:
    """Combine client updates (K, P) into one (P,) by ``rule`` (see module docstring)."""
    k = len(updates)
    if rule == "fedavg":
        return (weights[:, None] * updates).sum(0) / weights.sum()
    if rule == "median":
        return np.median(updates, 0)
    if rule == "trimmed_mean":
        cut = int(np.floor(trim * k))
        if 2 * cut >= k:
            raise ValueError(f"trim {trim} removes every one of {k} updates")
        s = np.sort(updates, 0)
        return s[cut:k - cut].mean(0)
    if rule == "krum":
        m = max(k - n_malicious - 2, 1)
        d = ((updates[:, None, :] - updates[None, :, :]) ** 2).sum(-1)
        scores = np.sort(d, 1)[:, 1:m + 1].sum(1)
        return updates[int(np.argmin(scores))]
    raise ValueError(f"unknown aggregator {rule!r}; choose from {AGGREGATORS}")


def shard_by_ue(ue: np.ndarray, per_ue: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row indices of each client: every UE's rows (time order kept) cut into ``per_ue`` contiguous shards."""
    shards = []
    for u in np.unique(ue):
        shards += [s for s in np.array_split(np.flatnonzero(ue == u), per_ue) if len(s)]
    return [shards[i] for i in rng.permutation(len(shards))]


def add_trigger(X: np.ndarray, feature: int, value: float) -> np.ndarray:
    out = X.copy()
    out[:, feature] = value
    return out


@dataclass
class FedResult:
    rows: list[dict]
    model: torch.nn.Module


def run_federated(make_model: Callable[[], torch.nn.Module], Xtr: np.ndarray, ytr: np.ndarray, shards: list,
                  Xte: np.ndarray, yte: np.ndarray, rule: str = "fedavg", n_malicious: int = 0,
                  behaviour: str = "scaled", boost: float = 10.0, rounds: int = 10, local_epochs: int = 2,
                  lr: float = 0.05, batch_size: int = 32, trim: float = 0.2, trigger_feature: int = 0, trigger_value: float = 4.0,
                  target: int = 1, seed: int = 0) -> FedResult:
    """Simulate ``rounds`` of federated training; the first ``n_malicious`` shards belong to attackers.

    Rows: per round, test accuracy and backdoor success (share of test rows with true label ≠ target that are
    classified as ``target`` once the trigger is added)."""
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; choose from {BEHAVIOURS}")
    if not 0 <= n_malicious < len(shards):
        raise ValueError(f"n_malicious must be in [0, {len(shards)}), got {n_malicious}")
    if rule not in AGGREGATORS:
        raise ValueError(f"unknown aggregator {rule!r}; choose from {AGGREGATORS}")
    glob = make_model()
    w = parameters_to_vector(glob.parameters()).detach().clone()
    sizes = np.array([len(s) for s in shards], float)
    trig_te = add_trigger(Xte, trigger_feature, trigger_value)
    non_target = yte != target
    rows = []
    for r in range(rounds):
        updates = []
        for i, idx in enumerate(shards):
            local = make_model()
            vector_to_parameters(w.clone(), local.parameters())
            X, y = Xtr[idx], ytr[idx]
            bad = i < n_malicious
            if bad and behaviour == "backdoor":
                half = len(idx) // 2
                X = np.vstack([X, add_trigger(X[:half], trigger_feature, trigger_value)])
                y = np.concatenate([y, np.full(half, target)])
            train(local, X, y, epochs=local_epochs, lr=lr, batch_size=batch_size, seed=seed + 1000 * r + i)
            d = (parameters_to_vector(local.parameters()).detach() - w).numpy()
            if bad:
                d = -boost * d if behaviour == "inverted" else boost * d
            updates.append(d)
        w = w + torch.as_tensor(aggregate(np.array(updates), sizes, rule, trim, n_malicious), dtype=w.dtype)
        vector_to_parameters(w.clone(), glob.parameters())
        glob.eval()
        bd = float((predict(glob, trig_te[non_target]) == target).mean()) if non_target.any() else float("nan")
        rows.append({"round": r + 1, "rule": rule, "behaviour": behaviour, "n_malicious": n_malicious,
                     "test_accuracy": accuracy(glob, Xte, yte), "backdoor_success": bd})
    return FedResult(rows, glob)

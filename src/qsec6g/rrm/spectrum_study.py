"""Classical DNN vs hybrid quantum–classical model on one spectrum-access split (our Table IV).

Both models see the same standardised features (train mean / std), the same chronological split, the same
number of epochs, batch size, optimiser (Adam) and learning rate; the mini-batch order of each comes from its
own child of the run seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch

from qsec6g.rrm.config import SpectrumConfig
from qsec6g.rrm.hybrid_model import bootstrap_ci, dnn, hybrid_net, train
from qsec6g.rrm.spectrum import Split, colosseum_prb, synthetic_primary_users
from qsec6g.seeding import spawn

# Zangana et al. (2025), Table IV: hybrid quantum-classical network vs DNN, for side-by-side display only.
PAPER_TABLE_IV = {"DNN": {"accuracy_pct": 91.4, "train_seconds": 29.6},
                  "hybrid": {"accuracy_pct": 94.2, "train_seconds": 18.9}}


def load_split(cfg: SpectrumConfig, rng: np.random.Generator) -> Split:
    if cfg.dataset == "synthetic":
        return synthetic_primary_users(rng, cfg.channels, cfg.samples, cfg.window, cfg.test_fraction)
    return colosseum_prb(cfg.data_dir, cfg.window, cfg.test_fraction)


def run_spectrum_study(cfg: SpectrumConfig, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, Split]:
    """Train both models; return (results table, per-epoch curves, the split used)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: extra threads only add contention and timing noise
    try:
        return _run(cfg, seed)
    finally:
        torch.set_num_threads(threads)


def _run(cfg: SpectrumConfig, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, Split]:
    data_rng, dnn_rng, hyb_rng, boot_rng = spawn(seed, 4)
    split = load_split(cfg, data_rng)
    mean, std = split.x_train.mean(axis=0), split.x_train.std(axis=0) + 1e-9
    x_tr, x_te = (split.x_train - mean) / std, (split.x_test - mean) / std
    d = x_tr.shape[1]
    torch_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    models = {"DNN": (dnn(d, cfg.hidden, torch_seed), dnn_rng),
              "hybrid": (hybrid_net(d, cfg.layers, cfg.hidden, cfg.diff_method, torch_seed), hyb_rng)}
    rows: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    majority = max(split.y_test.mean(), 1 - split.y_test.mean())
    for name, (model, rng) in models.items():
        res = train(model, x_tr, split.y_train, x_te, split.y_test, cfg.epochs, cfg.batch_size, cfg.lr, rng)
        correct = (res.predictions == split.y_test).astype(float)
        lo, hi = bootstrap_ci(correct, boot_rng, cfg.bootstrap)
        rows.append({
            "model": name, "dataset": split.source, "features": d, "parameters": sum(p.numel() for p in model.parameters()),
            "accuracy_pct": 100 * correct.mean(), "ci_low_pct": 100 * lo, "ci_high_pct": 100 * hi,
            "majority_class_pct": 100 * majority, "train_seconds": res.train_seconds,
            "inference_seconds": res.inference_seconds, "epochs": cfg.epochs,
            "diff_method": cfg.diff_method if name == "hybrid" else "backprop",
            "paper_accuracy_pct": PAPER_TABLE_IV[name]["accuracy_pct"],
            "paper_train_seconds": PAPER_TABLE_IV[name]["train_seconds"],
        })
        curves += [{"model": name, "epoch": e + 1, "loss": l, "test_accuracy": a}
                   for e, (l, a) in enumerate(zip(res.loss, res.test_accuracy))]
    return pd.DataFrame(rows), pd.DataFrame(curves), split

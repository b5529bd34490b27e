"""The lab's three experiments (``qsec6g qml attack|defend|federated``): configs, runs, tidy result rows.

Every run: load the ColO-RAN KPIs, derive degraded-link labels (:mod:`qsec6g.qml.data`), split and standardise per
seed, train the victims (quantum and classical side by side), attack / defend, and return rows with bootstrap CIs.
Torch draws are seeded from the run seed; the split uses ``make_rng(seed)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from pydantic import Field

from qsec6g.config import StrictModel
from qsec6g.qml import attacks as A
from qsec6g.qml import data as D
from qsec6g.qml import defences as DF
from qsec6g.qml import federated as FL
from qsec6g.qml import intercept as IR
from qsec6g.qml import kernel_svm as KS
from qsec6g.qml import policy as PO
from qsec6g.qml import privacy as PV
from qsec6g.qml import trojan as TJ
from qsec6g.qml.circuits import GateNoise, QuantumClassifier
from qsec6g.qml.models import accuracy, build_model, fit_rbf_svm, predict, train
from qsec6g.seeding import make_rng

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
ModelKind = Literal["vqc", "vqc_angle", "logreg", "mlp", "rbf_svm"]
AttackName = Literal["fgsm_linf", "fgsm_l2", "pgd_linf", "pgd_l2"]
#: Nguyen et al.'s claims, shown beside our measurements and never used as ours
PAPER_CLAIMS = {
    "VQC error under input perturbation": "> 30 %",
    "throughput drop of the quantum-RL allocator under attack": "up to 46 %",
    "adversarial training": "restores near no-attack performance",
}


class DataConfig(StrictModel):
    root: str | None = Field(None, description="ColO-RAN folder (default: the shared data folder)")
    bler_threshold: float = Field(2.0, ge=0, lt=100, description="degraded = dl_bler > this (%)")
    n_max: int | None = Field(4000, ge=100, description="rows used (random subsample); None = all")
    test_fraction: float = Field(0.3, gt=0, lt=1)


class TrainConfig(StrictModel):
    epochs: int = Field(12, ge=1)
    lr_quantum: float = Field(0.05, gt=0)
    lr_classical: float = Field(0.01, gt=0)
    n_layers: int = Field(3, ge=1, le=10)


class AttackConfig(StrictModel):
    data: DataConfig = DataConfig()
    train: TrainConfig = TrainConfig()
    models: list[ModelKind] = ["vqc", "vqc_angle", "logreg", "mlp", "rbf_svm"]
    attacks: list[AttackName] = ["fgsm_linf", "pgd_linf", "pgd_l2"]
    eps_grid: list[float] = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]
    pgd_steps: int = Field(20, ge=1)
    n_eval: int = Field(1000, ge=10)
    seeds: list[int] = [0, 1, 2]
    n_boot: int = Field(200, ge=0)
    noise_levels: list[float] = Field([0.0, 0.02, 0.05], description="depolarising p per layer/qubit (VQC)")
    damping_levels: list[float] = Field([0.05], description="amplitude-damping γ per layer/qubit (VQC)")
    trojan_feature: int = Field(0, ge=0, description="index into qsec6g.qml.data.FEATURES")
    trojan_threshold: float = Field(4.0, description="trigger level, standardised units")
    policy_steps: int = Field(200, ge=0, description="REINFORCE updates of the PRB policies (0 = skip)")
    policy_eps_grid: list[float] = [0.0, 0.1, 0.3, 0.5, 1.0]


class DefendConfig(StrictModel):
    data: DataConfig = DataConfig()
    train: TrainConfig = TrainConfig()
    models: list[Literal["vqc", "vqc_angle", "logreg", "mlp"]] = ["vqc", "mlp"]
    eps_train: float = Field(0.2, gt=0, description="adversarial-training radius (ℓ∞)")
    eps_grid: list[float] = [0.0, 0.1, 0.2, 0.3, 0.5]
    pgd_steps: int = Field(20, ge=1)
    temperature: float = Field(20.0, gt=0)
    quantise_step: float = Field(0.5, gt=0)
    random_sigma: float = Field(0.3, gt=0)
    eot_samples: int = Field(16, ge=1)
    poison_fraction: float = Field(0.05, ge=0, lt=0.5, description="backdoor rows added, share of training")
    flip_fraction: float = Field(0.2, ge=0, lt=0.5, description="label-flipping share of training labels")
    n_eval: int = Field(600, ge=10)
    seeds: list[int] = [0, 1]
    n_boot: int = Field(200, ge=0)


class FederatedConfig(StrictModel):
    data: DataConfig = DataConfig()
    model: ModelKind = "vqc"
    shards_per_ue: int = Field(2, ge=1)
    rounds: int = Field(10, ge=1)
    local_epochs: int = Field(2, ge=1)
    lr: float = Field(0.05, gt=0)
    aggregators: list[Literal["fedavg", "median", "trimmed_mean", "krum"]] = ["fedavg", "median", "trimmed_mean",
                                                                              "krum"]
    behaviours: list[Literal["scaled", "inverted", "backdoor"]] = ["scaled", "inverted", "backdoor"]
    n_malicious: int = Field(3, ge=0)
    boost: float = Field(10.0, gt=0)
    trim: float = Field(0.25, ge=0, lt=0.5)
    seeds: list[int] = [0]


@dataclass
class Prepared:
    split: D.Split
    features: tuple[str, ...]
    label_rule: str
    n_rows: int


def prepare(cfg: DataConfig, seed: int) -> Prepared:
    root = Path(cfg.root) if cfg.root else DEFAULT_DATA
    if not root.exists():
        raise D.DataError(f"{root}: ColO-RAN data folder not found (set data.root in the config)")
    ds = D.degraded_link_dataset(D.load_ue_kpis(root), cfg.bler_threshold)
    return Prepared(D.split_standardise(ds, make_rng(seed), cfg.test_fraction, cfg.n_max), ds.features,
                    ds.label_rule, len(ds.y))


def fit_victim(kind: str, sp: D.Split, tc: TrainConfig, seed: int, noise: GateNoise | None = None,
               **train_kw) -> torch.nn.Module:
    """Train one victim of ``kind`` on the split's training rows."""
    torch.manual_seed(seed)
    if kind == "rbf_svm":
        return fit_rbf_svm(sp.Xtr, sp.ytr, seed=seed)
    m = build_model(kind, sp.Xtr, tc.n_layers, noise, seed)
    lr = tc.lr_quantum if kind.startswith("vqc") else tc.lr_classical
    train(m, sp.Xtr, sp.ytr, epochs=tc.epochs, lr=lr, seed=seed, **train_kw)
    return m


def _eval_rows(sp: D.Split, n_eval: int) -> tuple[np.ndarray, np.ndarray]:
    return sp.Xte[:n_eval], sp.yte[:n_eval]


@dataclass
class LabResult:
    tables: dict[str, list[dict]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def run_attack(cfg: AttackConfig, progress=None) -> LabResult:
    """Robustness curves of every model × attack × ε; encoded-state PGD, noise factor and trojan study (VQC)."""
    res = LabResult({"robustness": [], "state_attack": [], "noise": [], "trojan": [], "privacy": [],
                     "intercept": [], "kernel_poisoning": [], "policy": [], "policy_steps": []})
    for seed in cfg.seeds:
        prep = prepare(cfg.data, seed)
        sp = prep.split
        Xe, ye = _eval_rows(sp, cfg.n_eval)
        rng = make_rng(seed)
        victims = {}
        for kind in cfg.models:
            t0 = time.perf_counter()
            victims[kind] = fit_victim(kind, sp, cfg.train, seed)
            fit_s = time.perf_counter() - t0
            for att in cfg.attacks:
                for r in A.robustness_curve(victims[kind], Xe, ye, cfg.eps_grid, A.make_attack(att, cfg.pgd_steps),
                                            n_boot=cfg.n_boot, rng=rng):
                    res.tables["robustness"].append({"seed": seed, "model": kind, "quantum": kind.startswith("vqc"),
                                                     "attack": att, "fit_seconds": fit_s, **r})
            if progress:
                progress(f"seed {seed}: {kind} attacked")
        vqc = victims.get("vqc")
        if isinstance(vqc, QuantumClassifier):
            res.tables["state_attack"] += _state_attack_rows(vqc, Xe, ye, cfg, seed)
            res.tables["noise"] += _noise_rows(vqc, Xe, ye, cfg, seed, rng)
            res.tables["trojan"] += _trojan_rows(vqc, sp, cfg, seed)
            res.tables["intercept"] += _intercept_rows(vqc, Xe, ye, seed)
        for kind, m in victims.items():
            if kind != "rbf_svm":
                res.tables["privacy"].append({
                    "seed": seed, "model": kind, "membership_auc": PV.membership_auc(m, sp.Xtr, sp.ytr, sp.Xte, sp.yte),
                    "inversion_cosine": PV.inversion_similarity(m, sp.Xtr, sp.ytr)})
        res.tables["kernel_poisoning"] += _kernel_rows(sp, cfg, seed)
        if cfg.policy_steps:
            _policy_rows(cfg, seed, res)
        res.meta.setdefault("splits", {})[seed] = {"train": sp.idx_tr.tolist(), "test": sp.idx_te.tolist()}
        res.meta.update(features=prep.features, label_rule=prep.label_rule, n_rows=prep.n_rows)
    return res


def _state_attack_rows(vqc: QuantumClassifier, Xe, ye, cfg: AttackConfig, seed: int) -> list[dict]:
    x, y = torch.as_tensor(Xe), torch.as_tensor(ye)
    psi0 = vqc.encode(x).detach()
    rows = []
    for eps in cfg.eps_grid:
        t0 = time.perf_counter()
        psi = A.pgd_state(vqc, x, y, eps, cfg.pgd_steps)
        secs = time.perf_counter() - t0
        with torch.no_grad():
            acc = float(((vqc.forward_state(psi) > 0).long() == y).double().mean())
        infid = float((1 - (psi0 * psi).sum(1) ** 2).mean())
        rows.append({"seed": seed, "model": "vqc", "attack": "pgd_state_l2", "eps": eps, "robust_accuracy": acc,
                     "mean_infidelity": infid, "attack_seconds": secs})
    return rows


def _noise_rows(vqc: QuantumClassifier, Xe, ye, cfg: AttackConfig, seed: int, rng) -> list[dict]:
    """The trained VQC executed under depolarising (p) or amplitude-damping (γ) gate noise (weights unchanged),
    attacked with PGD-ℓ∞."""
    rows = []
    levels = [GateNoise(p=p) for p in cfg.noise_levels] + [GateNoise(gamma=g) for g in cfg.damping_levels]
    for noise in levels:
        noisy = QuantumClassifier(vqc.n_features, vqc.n, vqc.weights.shape[0], vqc.encoding, noise=noise)
        noisy.load_state_dict(vqc.state_dict())
        for r in A.robustness_curve(noisy, Xe[:300], ye[:300], cfg.eps_grid, A.make_attack("pgd_linf", cfg.pgd_steps),
                                    n_boot=cfg.n_boot, rng=rng):
            rows.append({"seed": seed, "model": "vqc", "noise_p": noise.p, "damping_gamma": noise.gamma,
                         "noise": f"p={noise.p:g}, γ={noise.gamma:g}", **r})
    return rows


def _trojan_rows(vqc: QuantumClassifier, sp: D.Split, cfg: AttackConfig, seed: int) -> list[dict]:
    f, tau = cfg.trojan_feature, cfg.trojan_threshold
    if f >= sp.Xtr.shape[1]:
        raise D.DataError(f"trojan_feature {f} out of range (model has {sp.Xtr.shape[1]} features)")
    trig = tau + 1.0
    rows = []
    for name, kw in [("clean compile", {}), ("trojan gate", {"trojan_feature": f, "trojan_threshold": tau}),
                     ("tampered weights σ=0.3", {"tamper_sigma": 0.3})]:
        comp = TJ.untrusted_compile(vqc, seed=seed, **kw)
        stats = TJ.output_statistics(comp, vqc, vqc.n_features, seed=seed)
        rows.append({"seed": seed, "variant": name, "clean_accuracy": accuracy(comp, sp.Xte, sp.yte),
                     "trigger_flip_rate": TJ.trigger_success(comp, sp.Xte, f, trig),
                     "inspection_findings": len(TJ.inspect_circuit(comp, vqc)),
                     "digest_matches": TJ.weights_digest(comp) == TJ.weights_digest(vqc), **stats,
                     "train_max_trigger_feature": float(sp.Xtr[:, f].max())})
    return rows


def _intercept_rows(vqc: QuantumClassifier, Xe, ye, seed: int) -> list[dict]:
    psi = vqc.encode(torch.as_tensor(Xe)).detach().numpy()
    rows = []
    for frac in (0.0, 0.25, 0.5, 1.0):
        resent, _, fid = IR.intercept_resend(psi, frac, make_rng(seed + 11))
        with torch.no_grad():
            acc = float(((vqc.forward_state(torch.as_tensor(resent)) > 0).long().numpy() == ye).mean())
        rows.append({"seed": seed, "intercepted_fraction": frac, "accuracy": acc, "mean_fidelity": float(fid.mean()),
                     "detection_prob_10_test_states": IR.detection_probability(float(fid.mean()), 10)})
    return rows


def _policy_rows(cfg: AttackConfig, seed: int, res: LabResult) -> None:
    """PQC vs MLP PRB policies under Q-FGSM / Q-PGD: mean reward/throughput loss per ε (+ per-step losses at the
    largest ε for the CDF)."""
    root = Path(cfg.data.root) if cfg.data.root else DEFAULT_DATA
    env = PO.PRBEnv.from_kpis(D.load_ue_kpis(root))
    idx = make_rng(seed + 17).permutation(len(env.demand))[:cfg.n_eval]
    rng = make_rng(seed + 19)
    for name, pol, lr in [("pqc", PO.PQCPolicy(12, env.demand.shape[1], seed=seed), 0.05),
                          ("mlp", PO.MLPPolicy(12, env.demand.shape[1], seed=seed), 0.01)]:
        torch.manual_seed(seed)
        PO.train_policy(pol, env, cfg.policy_steps, lr=lr, seed=seed)
        for att, steps in (("q_fgsm", 1), ("q_pgd", 10)):
            for eps in cfg.policy_eps_grid:
                t0 = time.perf_counter()
                r = PO.evaluate_policy(pol, env, idx, eps, steps)
                secs = time.perf_counter() - t0
                clean = r["throughput_clean"]
                loss = np.where(clean > 0, 1 - r["throughput_attacked"] / np.where(clean > 0, clean, 1.0), 0.0)
                lo, hi = A.bootstrap_ci(loss, cfg.n_boot, rng)
                res.tables["policy"].append({
                    "seed": seed, "policy": name, "quantum": name == "pqc", "attack": att, "eps": eps,
                    "reward_clean": float(r["reward_clean"].mean()), "reward_attacked": float(r["reward_attacked"].mean()),
                    "throughput_loss": float(1 - r["throughput_attacked"].mean() / r["throughput_clean"].mean()),
                    "step_loss_ci_low": lo, "step_loss_ci_high": hi, "attack_seconds": secs})
                if eps == max(cfg.policy_eps_grid):
                    res.tables["policy_steps"] += [{"seed": seed, "policy": name, "attack": att, "eps": eps,
                                                    "throughput_loss": float(v)} for v in loss]


def _kernel_rows(sp: D.Split, cfg: AttackConfig, seed: int, n_train: int = 1500) -> list[dict]:
    """Fidelity-kernel SVM vs RBF-SVM under random and margin-targeted label flipping (10 % and 20 % budgets)."""
    from sklearn.svm import SVC

    Xtr, ytr = sp.Xtr[:n_train], sp.ytr[:n_train]
    Xe, ye = _eval_rows(sp, cfg.n_eval)
    rng = make_rng(seed + 13)
    clean = {"qsvm_fidelity": KS.QuantumKernelSVM().fit(Xtr, ytr), "rbf_svm": SVC().fit(Xtr, ytr)}
    rows = []
    for name, model in clean.items():
        rows.append({"seed": seed, "model": name, "poisoning": "none", "budget": 0.0,
                     "accuracy": float((model.predict(Xe) == ye).mean())})
        for budget in (0.1, 0.2):
            for targeted in (False, True):
                yp = KS.poison_labels(model, Xtr, ytr, budget, targeted, rng)
                m = KS.QuantumKernelSVM().fit(Xtr, yp) if name == "qsvm_fidelity" else SVC().fit(Xtr, yp)
                rows.append({"seed": seed, "model": name, "poisoning": "margin" if targeted else "random",
                             "budget": budget, "accuracy": float((m.predict(Xe) == ye).mean())})
    return rows


# ------------------------------------------------------------------------------------------------------- defend
def run_defend(cfg: DefendConfig, progress=None) -> LabResult:
    """Defences vs attacks (incl. adaptive BPDA / EOT), and data-poisoning defences."""
    res = LabResult({"defences": [], "poisoning": []})
    for seed in cfg.seeds:
        prep = prepare(cfg.data, seed)
        sp = prep.split
        Xe, ye = _eval_rows(sp, cfg.n_eval)
        rng = make_rng(seed)
        for kind in cfg.models:
            base = fit_victim(kind, sp, cfg.train, seed)
            pgd_att = A.make_attack("pgd_linf", cfg.pgd_steps)
            arms = [("none", base, base, "pgd_linf", pgd_att)]
            for method in ("fgsm", "pgd"):
                m = fit_victim(kind, sp, cfg.train, seed, adversary=_adv(method, cfg.eps_train))
                arms.append((f"adv_train_{method}", m, m, "pgd_linf", pgd_att))
            teacher = build_model(kind, sp.Xtr, cfg.train.n_layers, seed=seed)
            student = build_model(kind, sp.Xtr, cfg.train.n_layers, seed=seed + 1)
            lr = cfg.train.lr_quantum if kind.startswith("vqc") else cfg.train.lr_classical
            DF.distill(teacher, student, sp.Xtr, sp.ytr, cfg.temperature, epochs=cfg.train.epochs, lr=lr, seed=seed)
            arms.append((f"distillation_T{cfg.temperature:g}", student, student, "pgd_linf", pgd_att))
            q = DF.Quantised(base, cfg.quantise_step)
            arms += [("quantised_input", q, q, "pgd_linf", pgd_att),
                     ("quantised_input", q.bpda(), q, "bpda_pgd_linf", pgd_att)]
            rnd = DF.Randomised(base, cfg.random_sigma, seed)
            arms += [("randomised_input", rnd, rnd, "pgd_linf", pgd_att),
                     ("randomised_input", rnd, rnd, f"eot{cfg.eot_samples}_pgd_linf",
                      A.make_attack("pgd_linf", cfg.pgd_steps, eot=cfg.eot_samples))]
            for defence, grad_model, target, att_name, att in arms:
                for r in A.robustness_curve(grad_model, Xe, ye, cfg.eps_grid, att, predict_model=target,
                                            n_boot=cfg.n_boot, rng=rng):
                    res.tables["defences"].append({"seed": seed, "model": kind, "quantum": kind.startswith("vqc"),
                                                   "defence": defence, "attack": att_name, **r})
            res.tables["poisoning"] += _poison_rows(kind, sp, cfg, seed)
            if progress:
                progress(f"seed {seed}: {kind} defended")
        res.meta.setdefault("splits", {})[seed] = {"train": sp.idx_tr.tolist(), "test": sp.idx_te.tolist()}
        res.meta.update(features=prep.features, label_rule=prep.label_rule, n_rows=prep.n_rows)
    return res


def _adv(method: str, eps: float):
    if method == "fgsm":
        return lambda m, xb, yb: A.fgsm(m, xb, yb, eps)
    return lambda m, xb, yb: A.pgd(m, xb, yb, eps, 7)


def _poison_rows(kind: str, sp: D.Split, cfg: DefendConfig, seed: int) -> list[dict]:
    """Backdoor (trigger rows labelled 1) and label flipping, each with and without sanitisation."""
    rng = make_rng(seed + 7)
    f, val, target = 0, 4.0, 1
    n_p = int(cfg.poison_fraction * len(sp.ytr))
    src = rng.choice(np.flatnonzero(sp.ytr != target), n_p)
    Xb = np.vstack([sp.Xtr, FL.add_trigger(sp.Xtr[src], f, val)])
    yb = np.concatenate([sp.ytr, np.full(n_p, target)])
    yf = sp.ytr.copy()
    flip = rng.choice(len(yf), int(cfg.flip_fraction * len(yf)), replace=False)
    yf[flip] = 1 - yf[flip]
    trig_te = FL.add_trigger(sp.Xte, f, val)
    nt = sp.yte != target
    rows = []
    for attack, X, y in [("none", sp.Xtr, sp.ytr), ("backdoor", Xb, yb), ("label_flip", sp.Xtr, yf)]:
        for sanitised in (False, True):
            keep = DF.sanitise(X, y) if sanitised else np.ones(len(y), bool)
            spx = D.Split(X[keep], y[keep], sp.Xte, sp.yte, sp.ue_tr, sp.idx_tr, sp.idx_te, sp.mean, sp.scale)
            m = fit_victim(kind, spx, cfg.train, seed)
            removed_poison = float((~keep[len(sp.ytr):]).mean()) if attack == "backdoor" else float("nan")
            rows.append({"seed": seed, "model": kind, "attack": attack, "sanitised": sanitised,
                         "clean_accuracy": accuracy(m, sp.Xte, sp.yte),
                         "backdoor_success": float((predict(m, trig_te[nt]) == target).mean()),
                         "rows_removed": int((~keep).sum()), "poison_removed_share": removed_poison})
    return rows


# ---------------------------------------------------------------------------------------------------- federated
def run_federated_lab(cfg: FederatedConfig, progress=None) -> LabResult:
    """FedAvg vs robust aggregation over UE shards, for each malicious behaviour (and a no-attack reference)."""
    res = LabResult({"federated": []})
    for seed in cfg.seeds:
        prep = prepare(cfg.data, seed)
        sp = prep.split
        shards = FL.shard_by_ue(sp.ue_tr, cfg.shards_per_ue, make_rng(seed))
        if cfg.n_malicious >= len(shards):
            raise D.DataError(f"n_malicious {cfg.n_malicious} ≥ number of clients {len(shards)}")

        def make(seed: int = seed, Xtr: np.ndarray = sp.Xtr) -> torch.nn.Module:
            torch.manual_seed(seed)
            return build_model(cfg.model, Xtr, seed=seed)

        cases = [("none", 0)] + [(b, cfg.n_malicious) for b in cfg.behaviours]
        for rule in cfg.aggregators:
            for beh, nm in cases:
                r = FL.run_federated(make, sp.Xtr, sp.ytr, shards, sp.Xte, sp.yte, rule, nm,
                                     beh if beh != "none" else "scaled", cfg.boost, cfg.rounds, cfg.local_epochs,
                                     cfg.lr, trim=cfg.trim, seed=seed)
                for row in r.rows:
                    res.tables["federated"].append({**row, "behaviour": beh, "seed": seed,
                                                    "n_clients": len(shards), "model": cfg.model})
                if progress:
                    progress(f"seed {seed}: {rule} / {beh}")
        res.meta.setdefault("splits", {})[seed] = {"train": sp.idx_tr.tolist(), "test": sp.idx_te.tolist(),
                                                   "client_shards_train_positions": [s.tolist() for s in shards]}
        res.meta.update(features=prep.features, label_rule=prep.label_rule, n_rows=prep.n_rows,
                        n_clients=len(shards))
    return res

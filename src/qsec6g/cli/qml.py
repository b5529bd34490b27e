"""``qsec6g qml``: the QML threat lab — attacks, defences and federated poisoning on VQCs and their classical
counterparts, trained on ColO-RAN KPIs. Each command writes Parquet tables, PNG figures, report.html and
manifest.json under ``--out``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from qsec6g.cli.console import err, out
from qsec6g.cli.options import ConfigOpt, OutOpt, QuickOpt, SeedOpt

app = typer.Typer(help="QML threat lab: attacks and defences on quantum ML models.", no_args_is_help=True)

_QUICK_DATA = {"n_max": 1200}


def _load(model, config: Path | None, seed: int, quick: bool, quick_over: dict):
    from qsec6g.config import load_config

    cfg = load_config(model, config)
    if config is None or "seeds" not in (cfg.model_fields_set or set()):
        cfg.seeds = [seed]
    if quick:
        cfg.data = cfg.data.model_copy(update=_QUICK_DATA)
        for k, v in quick_over.items():
            setattr(cfg, k, v)
    return cfg


def _finish(out_dir: Path, command: str, cfg, res, figures: list[Path], sections: list[tuple[str, str]]) -> None:
    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.qml.report import write_html
    from qsec6g.results import write_table

    for name, rows in res.tables.items():
        if rows:
            write_table(rows, out_dir / f"{name}.parquet")
    intro = (f"Task: degraded-link detection on ColO-RAN KPIs, label <code>{res.meta.get('label_rule')}</code> "
             f"(label sources dl_bler, dl_snr are not model inputs); features: {', '.join(res.meta.get('features', ()))}"
             f"; {res.meta.get('n_rows')} rows before subsampling. ε is in standardised units (one training std per "
             "feature). Mean over seeds; CIs are 95 % bootstrap over test rows.")
    write_html(out_dir / "report.html", f"qsec6g {command}", intro, sections, figures)
    write_manifest(out_dir / "manifest.json", build_manifest(f"qsec6g {command}", cfg, list(cfg.seeds),
                                                               splits=res.meta.get("splits")))
    out.print(f"wrote {out_dir / 'report.html'}")


def _progress(msg: str) -> None:
    err.print(msg)


@app.command("attack")
def attack(out_dir: OutOpt = Path("qml-attack"), config: ConfigOpt = None, seed: SeedOpt = 0,
           quick: QuickOpt = False) -> None:
    """Attack every victim (VQC amplitude/angle, logistic regression, MLP, RBF-SVM) with FGSM/PGD over an ε grid;
    encoded-state PGD, gate noise and trojan/tampering study on the VQC."""
    import torch

    from qsec6g.qml.experiments import AttackConfig, run_attack
    from qsec6g.qml.report import claims_table, fig_curves, fig_policy_cdf, html_table, summarise

    torch.set_num_threads(1)
    cfg = _load(AttackConfig, config, seed, quick, {"n_eval": 200, "n_boot": 50, "eps_grid": [0.0, 0.1, 0.3, 0.6],
                                                     "noise_levels": [0.0, 0.05], "damping_levels": [0.05],
                                                     "pgd_steps": 10,
                                                     "policy_steps": 60, "policy_eps_grid": [0.0, 0.5, 1.0]})
    if quick:
        cfg.train = cfg.train.model_copy(update={"epochs": 4})
    out_dir.mkdir(parents=True, exist_ok=True)
    res = run_attack(cfg, _progress)
    import pandas as pd

    rob = pd.DataFrame(res.tables["robustness"])
    figs = [fig_curves(rob, "model", out_dir / "robustness.png", "evasion")]
    noise = pd.DataFrame(res.tables["noise"])
    if len(noise):
        noise["attack"] = "pgd_linf"
        figs.append(fig_curves(noise, "noise", out_dir / "noise.png", "VQC under gate noise"))
    pol = pd.DataFrame(res.tables["policy"])
    if len(pol):
        figs.append(fig_policy_cdf(pd.DataFrame(res.tables["policy_steps"]), out_dir / "policy_cdf.png"))
    summ = summarise(rob, ["model", "attack", "eps"], ["robust_accuracy", "ci_low", "ci_high", "attack_success_rate",
                                                       "attack_seconds"])
    sections = [("Paper claims vs ours", html_table(claims_table(rob, None, pol))), ("Robustness (all models)", html_table(summ))]
    if len(pol):
        sections.append(("PRB policies under observation attacks", html_table(summarise(
            pol, ["policy", "attack", "eps"], ["reward_clean", "reward_attacked", "throughput_loss", "step_loss_ci_low",
                                               "step_loss_ci_high", "attack_seconds"]))))
    keys_of = {"state_attack": ["eps"], "trojan": ["variant"], "intercept": ["intercepted_fraction"],
               "privacy": ["model"], "kernel_poisoning": ["model", "poisoning", "budget"]}
    for name, keys in keys_of.items():
        if res.tables[name]:
            df = pd.DataFrame(res.tables[name])
            sections.append((name.replace("_", " "), html_table(summarise(df, keys, [c for c in df.columns if c not in (
                *keys, "seed", "model", "attack", "variant") and df[c].dtype != object]))))
    _finish(out_dir, "qml attack", cfg, res, figs, sections)


@app.command("defend")
def defend(out_dir: OutOpt = Path("qml-defend"), config: ConfigOpt = None, seed: SeedOpt = 0,
           quick: QuickOpt = False) -> None:
    """Adversarial training, distillation, gradient masking with BPDA/EOT adaptive attacks, data sanitisation."""
    import pandas as pd
    import torch

    from qsec6g.qml.experiments import DefendConfig, run_defend
    from qsec6g.qml.report import claims_table, fig_curves, html_table, summarise

    torch.set_num_threads(1)
    cfg = _load(DefendConfig, config, seed, quick, {"n_eval": 150, "n_boot": 50, "eps_grid": [0.0, 0.2, 0.5],
                                                     "pgd_steps": 10, "eot_samples": 4})
    if quick:
        cfg.train = cfg.train.model_copy(update={"epochs": 4})
    out_dir.mkdir(parents=True, exist_ok=True)
    res = run_defend(cfg, _progress)
    d = pd.DataFrame(res.tables["defences"])
    d["arm"] = d["defence"] + " / " + d["attack"]
    figs = [fig_curves(d[d["model"] == m].assign(attack=m), "arm", out_dir / f"defences_{m}.png", "defences")
            for m in d["model"].unique()]
    summ = summarise(d, ["model", "defence", "attack", "eps"], ["robust_accuracy", "ci_low", "ci_high",
                                                                "attack_success_rate"])
    pois = summarise(pd.DataFrame(res.tables["poisoning"]), ["model", "attack", "sanitised"],
                     ["clean_accuracy", "backdoor_success", "rows_removed", "poison_removed_share"])
    sections = [("Paper claims vs ours", html_table(claims_table(None, d))), ("Defences", html_table(summ)),
                ("Data poisoning and sanitisation", html_table(pois))]
    _finish(out_dir, "qml defend", cfg, res, figs, sections)


@app.command("federated")
def federated(out_dir: OutOpt = Path("qml-federated"), config: ConfigOpt = None, seed: SeedOpt = 0,
              quick: QuickOpt = False) -> None:
    """Federated VQC over per-UE shards with malicious clients: FedAvg vs median / trimmed mean / Krum."""
    import pandas as pd
    import torch

    from qsec6g.qml.experiments import FederatedConfig, run_federated_lab
    from qsec6g.qml.report import fig_federated, html_table, summarise

    torch.set_num_threads(1)
    cfg = _load(FederatedConfig, config, seed, quick, {"rounds": 3, "local_epochs": 1})
    out_dir.mkdir(parents=True, exist_ok=True)
    res = run_federated_lab(cfg, _progress)
    df = pd.DataFrame(res.tables["federated"])
    last = df[df["round"] == df["round"].max()]
    figs = [fig_federated(df, out_dir / "federated.png")]
    sections = [("Final round (mean over seeds)", html_table(summarise(last, ["rule", "behaviour", "n_malicious"],
                                                                   ["test_accuracy", "backdoor_success"])))]
    _finish(out_dir, "qml federated", cfg, res, figs, sections)

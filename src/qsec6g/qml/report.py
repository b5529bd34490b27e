"""Figures (matplotlib, Agg), summary tables and the self-contained HTML report of the QML threat lab.

Numbers come from the run's tables only; the paper's claims (:data:`~qsec6g.qml.experiments.PAPER_CLAIMS`) are
shown in their own column beside our measurements.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from qsec6g.figures import png_data_uri, pyplot, save_png
from qsec6g.qml.experiments import PAPER_CLAIMS


def fig_curves(df: pd.DataFrame, group: str, path: Path, title: str) -> Path:
    """Robust accuracy vs ε (mean over seeds, bootstrap CI band of the first seed's rows averaged), one panel per
    attack, one line per ``group`` value."""
    plt = pyplot()
    attacks = list(dict.fromkeys(df["attack"]))
    fig, axes = plt.subplots(1, len(attacks), figsize=(4.2 * len(attacks), 3.6), squeeze=False)
    for ax, att in zip(axes[0], attacks):
        sub = df[df["attack"] == att]
        for name, g in sub.groupby(group, sort=False):
            m = g.groupby("eps")[["robust_accuracy", "ci_low", "ci_high"]].mean()
            ax.plot(m.index, m["robust_accuracy"], marker="o", ms=3, label=str(name))
            ax.fill_between(m.index, m["ci_low"], m["ci_high"], alpha=0.15)
        ax.axhline(0.7, color="k", ls=":", lw=0.8)
        ax.set(title=f"{title}: {att}", xlabel="ε (standardised units)", ylabel="robust accuracy", ylim=(0, 1))
        ax.legend(fontsize=7)
    return save_png(fig, path, dpi=100)


def fig_federated(df: pd.DataFrame, path: Path) -> Path:
    plt = pyplot()
    behs = list(dict.fromkeys(df["behaviour"]))
    fig, axes = plt.subplots(1, len(behs), figsize=(4.0 * len(behs), 3.5), squeeze=False)
    for ax, beh in zip(axes[0], behs):
        for rule, g in df[df["behaviour"] == beh].groupby("rule", sort=False):
            m = g.groupby("round")["test_accuracy"].mean()
            ax.plot(m.index, m.values, marker="o", ms=3, label=rule)
        ax.set(title=f"malicious: {beh}", xlabel="round", ylabel="test accuracy", ylim=(0, 1))
        ax.legend(fontsize=7)
    return save_png(fig, path, dpi=100)


def fig_policy_cdf(steps: pd.DataFrame, path: Path) -> Path:
    """CDF of the per-step throughput loss at the largest ε (like the paper's Fig. 5)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for (pol, att), g in steps.groupby(["policy", "attack"], sort=False):
        v = np.sort(g["throughput_loss"].to_numpy())
        ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", label=f"{pol} / {att}")
    ax.set(xlabel="per-step throughput loss (fraction)", ylabel="CDF",
           title=f"PRB policies under attack, ε = {steps['eps'].max():g}")
    ax.legend(fontsize=7)
    return save_png(fig, path, dpi=100)


def claims_table(rob: pd.DataFrame | None, dfn: pd.DataFrame | None, pol: pd.DataFrame | None = None
                 ) -> list[dict]:
    """Our measured counterpart of each of the paper's claims (verdict: reproduced / not reproduced / not measured)."""
    rows = []
    if rob is not None and len(rob):
        pgd = rob[rob["attack"] == "pgd_linf"].groupby(["model", "eps"])["robust_accuracy"].mean().reset_index()
        parts = []
        for model, g in pgd.groupby("model", sort=False):
            hit = g[1 - g["robust_accuracy"] > 0.30]
            parts.append(f"{model}: error > 30 % from ε = {hit['eps'].min():g}" if len(hit) else
                         f"{model}: error ≤ 30 % on the whole grid")
        q = pgd[pgd["model"] == "vqc"]
        verdict = "reproduced" if len(q) and (1 - q["robust_accuracy"]).max() > 0.30 else "not reproduced"
        rows.append({"claim": "VQC error under input perturbation", "paper": PAPER_CLAIMS[
            "VQC error under input perturbation"], "ours (PGD-ℓ∞, mean over seeds)": "; ".join(parts),
            "verdict": verdict + " (the paper gives no ε; ours states it)"})
    if pol is not None and len(pol):
        worst = pol.groupby(["policy", "attack", "eps"])["throughput_loss"].mean().reset_index()
        parts = [f"{p}: max mean throughput loss {g['throughput_loss'].max():.1%} "
                 f"(ε ≤ {g['eps'].max():g}, {g.loc[g['throughput_loss'].idxmax(), 'attack']})"
                 for p, g in worst.groupby("policy", sort=False)]
        q = worst[worst["policy"] == "pqc"]["throughput_loss"].max()
        rows.append({"claim": "throughput drop of the quantum-RL allocator under attack",
                     "paper": PAPER_CLAIMS["throughput drop of the quantum-RL allocator under attack"],
                     "ours (PGD-ℓ∞, mean over seeds)": "; ".join(parts),
                     "verdict": "reproduced" if q >= 0.4 else "not reproduced"})
    else:
        rows.append({"claim": "throughput drop of the quantum-RL allocator under attack",
                     "paper": PAPER_CLAIMS["throughput drop of the quantum-RL allocator under attack"],
                     "ours (PGD-ℓ∞, mean over seeds)": "not run (policy_steps = 0)", "verdict": "not measured"})
    if dfn is not None and len(dfn):
        d = dfn[dfn["attack"] == "pgd_linf"]
        eps = sorted(d["eps"].unique())
        e = eps[len(eps) // 2] if eps else None
        if e is not None:
            parts, vqc_ok = [], False
            for model in d["model"].unique():
                dm = d[d["model"] == model]
                acc = dm[dm["eps"] == e].groupby("defence")["robust_accuracy"].mean()
                clean = dm[(dm["eps"] == 0) & (dm["defence"] == "none")]["robust_accuracy"].mean()
                adv = acc.get("adv_train_pgd", np.nan)
                if model == "vqc":
                    vqc_ok = adv >= clean - 0.05
                parts.append(f"{model} at ε={e:g}: undefended {acc.get('none', np.nan):.3f}, PGD-adv-trained "
                             f"{adv:.3f}, no-attack {clean:.3f}")
            rows.append({"claim": "adversarial training", "paper": PAPER_CLAIMS["adversarial training"],
                         "ours (PGD-ℓ∞, mean over seeds)": "; ".join(parts),
                         "verdict": "reproduced for the VQC" if vqc_ok else "not reproduced for the VQC"})
    return rows


def html_table(rows: list[dict] | pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    if df.empty:
        return "<p>(none)</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(
        f"<td>{floatfmt.format(v) if isinstance(v, float) else html.escape(str(v))}</td>" for v in r) + "</tr>"
        for r in df.itertuples(index=False))
    return f"<table><tr>{head}</tr>{body}</table>"


def write_html(path: Path, title: str, intro: str, sections: list[tuple[str, str]], figures: list[Path]) -> Path:
    imgs = "".join(f'<p><img src="{png_data_uri(f)}" '
                   f'style="max-width:100%"></p>' for f in figures)
    secs = "".join(f"<h2>{html.escape(h)}</h2>{body}" for h, body in sections)
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title><style>"
        "body{font-family:sans-serif;max-width:1200px;margin:auto}table{border-collapse:collapse;font-size:12px}"
        "td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{intro}</p>{imgs}{secs}</body></html>", encoding="utf-8")
    return path


def summarise(df: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    """Mean over seeds (and the seed count) of ``values`` grouped by ``keys``."""
    g = df.groupby(keys, sort=False)
    out = g[values].mean().reset_index()
    out["n_seeds"] = g["seed"].nunique().values
    return out


__all__ = ["claims_table", "fig_curves", "fig_federated", "fig_policy_cdf", "html_table", "summarise", "write_html"]

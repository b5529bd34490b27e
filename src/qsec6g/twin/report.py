"""Figures, Parquet tables, manifest and the self-contained HTML report of ``qsec6g twin run``.

Our measured versions of the paper's tables and figures, each labelled with what it corresponds to. The paper's
headline numbers appear only in the "paper vs ours" table, labelled as the paper's; no paper number enters a
result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qsec6g.figures import png_base64, pyplot, save_png
from qsec6g.results import write_table
from qsec6g.twin.protocol import Results

#: the paper's headline claims (shown beside ours, never mixed into our results)
PAPER_CLAIMS = {
    "mean fidelity F, RL defence, composite noise": "> 0.91",
    "entropy S (bits), RL defence, composite noise": "≈ 0.35",
    "trace distance D, RL defence, composite noise": "< 0.18",
    "detection DR": "0.93",
    "detection FPR": "0.08",
    "detection ROC-AUC": "0.95",
    "detection MCC": "0.81",
    "software latency per defence cycle (ms)": "19.1",
}

COMPOSITE = ("S7", "S8", "S9")


def _ours(res: Results) -> dict[str, str]:
    """Our figures for the rows of :data:`PAPER_CLAIMS`."""
    ep = res.episodes
    rl = ep[ep["attacked"] & ep["scenario"].isin(COMPOSITE) & (ep["policy"] == "reinforce")]
    det = res.detection
    best = det.groupby("method")["AUC"].mean().sort_values(ascending=False)
    method = best.index[0] if len(best) else None
    d = det[det["method"] == method].mean(numeric_only=True) if method else pd.Series(dtype=float)
    cyc = res.latency.set_index("module")["p50_ms"].get("cycle", np.nan)

    def fmt(v: float) -> str:
        return "n/a" if v is None or not np.isfinite(v) else f"{v:.3f}"

    tag = f" ({method})" if method else ""
    return {
        "mean fidelity F, RL defence, composite noise": fmt(rl["F"].mean()) if len(rl) else "n/a (no REINFORCE run)",
        "entropy S (bits), RL defence, composite noise": fmt(rl["S"].mean()) if len(rl) else "n/a",
        "trace distance D, RL defence, composite noise": fmt(rl["D"].mean()) if len(rl) else "n/a",
        "detection DR": fmt(d.get("DR", np.nan)) + tag,
        "detection FPR": fmt(d.get("FPR", np.nan)) + tag,
        "detection ROC-AUC": fmt(d.get("AUC", np.nan)) + tag,
        "detection MCC": fmt(d.get("MCC", np.nan)) + tag,
        "software latency per defence cycle (ms)": fmt(cyc) + " (p50, n = 3, one episode)",
    }


def make_figures(res: Results, out: Path) -> dict[str, Path]:
    """Write the PNG figures; returns {caption: path}."""
    plt = pyplot()
    figs: dict[str, Path] = {}
    ep = res.episodes[res.episodes["attacked"]]

    def save(fig, name: str, caption: str) -> None:
        figs[caption] = save_png(fig, out / name)

    # F, S, D per scenario and policy (paper Figs. 6-8)
    policies = sorted(ep["policy"].unique())
    scen = sorted(ep["scenario"].unique())
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    width = 0.8 / max(len(policies), 1)
    for ax, key in zip(axes, ("F", "S", "D")):
        for i, pol in enumerate(policies):
            m = ep[ep["policy"] == pol].groupby("scenario")[key].mean().reindex(scen)
            ax.bar(np.arange(len(scen)) + i * width, m.to_numpy(), width, label=pol)
        ax.set_xticks(np.arange(len(scen)) + 0.4 - width / 2, scen)
        ax.set_title({"F": "fidelity F", "S": "entropy S (bits)", "D": "trace distance D"}[key])
    axes[0].legend(fontsize=7)
    save(fig, "fsd_by_scenario.png", "Mean F, S, D per scenario and policy over attacked episodes (cf. paper Figs. 6-8)")

    # box and violin plots of per-episode F (paper Figs. 9-10)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4))
    data = [ep[ep["policy"] == p]["F"].to_numpy() for p in policies]
    axes[0].boxplot(data, tick_labels=policies)
    axes[0].set_title("per-episode mean F (box)")
    axes[1].violinplot(data, showmedians=True)
    axes[1].set_xticks(np.arange(1, len(policies) + 1), policies)
    axes[1].set_title("per-episode mean F (violin)")
    save(fig, "fidelity_box_violin.png", "Distribution of per-episode fidelity by policy (cf. paper Figs. 9-10)")

    # F-S-D correlation heatmap (paper Fig. 11)
    corr = ep[["F", "S", "D", "F_measured", "S_measured", "D_measured"]].corr()
    fig, ax = plt.subplots(figsize=(6, 5))
    im = ax.imshow(corr.to_numpy(), vmin=-1, vmax=1, cmap="coolwarm")
    ax.set_xticks(range(len(corr)), corr.columns, rotation=45)
    ax.set_yticks(range(len(corr)), corr.columns)
    for (i, j), v in np.ndenumerate(corr.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im)
    save(fig, "fsd_correlation.png", "Correlation of exact and shot-estimated F, S, D over episodes (cf. paper Fig. 11)")

    # latency breakdown (paper Fig. 12 / Table 14)
    lat = res.latency
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar(lat["module"], lat["p50_ms"], yerr=[lat["p50_ms"] - lat["p50_lo_ms"], lat["p50_hi_ms"] - lat["p50_ms"]])
    ax.scatter(lat["module"], lat["p95_ms"], color="k", marker="_", s=200, label="p95")
    ax.set_ylabel("ms")
    ax.set_yscale("log")
    ax.legend()
    save(fig, "latency_breakdown.png", "Per-module latency of one defence cycle, p50 with 95 % CI and p95 (cf. Table 14)")

    if not res.scalability.empty:
        sc_df = res.scalability
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(sc_df["n"], sc_df["p50_ms"], "o-", label="p50")
        ax.plot(sc_df["n"], sc_df["p95_ms"], "s--", label="p95")
        ax.set_xlabel("qubits n")
        ax.set_ylabel("ms per cycle")
        ax.set_yscale("log")
        ax.legend()
        save(fig, "scalability.png", "Register cycle time vs qubits n (exact F/S/D + 1e4 computational-basis shots)")

    # trajectories with CIs over seeds (paper Figs. 13-15)
    tr = res.trajectories
    sc = "S8" if "S8" in set(tr["scenario"]) else tr["scenario"].iloc[0]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for ax, key in zip(axes, ("F", "S", "D")):
        for pol, g in tr[tr["scenario"] == sc].groupby("policy"):
            stat = g.groupby("step")[key].agg(["mean", "std", "count"])
            half = 1.96 * stat["std"].fillna(0) / np.sqrt(stat["count"])
            ax.plot(stat.index, stat["mean"], label=pol)
            ax.fill_between(stat.index, stat["mean"] - half, stat["mean"] + half, alpha=0.2)
        ax.set_xlabel("step")
        ax.set_title(f"{key} over time, {sc} (attacked episodes)")
    axes[0].legend(fontsize=7)
    save(fig, "trajectories.png", f"F, S, D trajectories in {sc}, mean over attacked episodes with 95 % CI over seeds (cf. Figs. 13-15)")

    # per-class typing accuracy (paper Figs. 16-17)
    ty = res.typing
    if not ty.empty:
        pivot = ty.groupby(["class", "method"])["accuracy"].mean().unstack()
        fig, ax = plt.subplots(figsize=(10, 4))
        pivot.plot.bar(ax=ax)
        ax.set_ylabel("accuracy")
        ax.set_ylim(0, 1.05)
        save(fig, "typing_accuracy.png", "Attack typing accuracy per channel / attack class on test episodes (cf. Figs. 16-17)")
    return figs


def _table_html(df: pd.DataFrame, digits: int = 3) -> str:
    return df.round(digits).to_html(index=False, border=0, classes="t", na_rep="")


def write_report(res: Results, out: Path, manifest: dict[str, Any]) -> Path:
    """Write Parquet tables, PNGs and ``report.html`` under ``out``; returns the report path."""
    from jinja2 import Template

    out.mkdir(parents=True, exist_ok=True)
    tables = {"episodes": res.episodes, "summary": res.summary, "tests": res.tests, "detection": res.detection,
              "typing": res.typing, "trajectories": res.trajectories, "latency": res.latency,
              "training": res.training, "scalability": res.scalability}
    for name, df in tables.items():
        write_table(df, out / f"{name}.parquet")
    figs = make_figures(res, out)
    images = {cap: png_base64(p) for cap, p in figs.items()}
    ours = _ours(res)
    claims = pd.DataFrame({"quantity": list(PAPER_CLAIMS), "paper (as published)": list(PAPER_CLAIMS.values()),
                           "ours (measured in this run)": [ours[k] for k in PAPER_CLAIMS]})
    det_mean = res.detection.groupby("method").mean(numeric_only=True).reset_index().drop(columns=["seed"])
    html = Template(_TEMPLATE).render(
        manifest=manifest, claims=_table_html(claims), summary=_table_html(res.summary),
        tests=_table_html(res.tests, 4), detection=_table_html(det_mean), latency=_table_html(res.latency, 4), scalability=_table_html(res.scalability, 4),
        images=images, info_bits=res.info_bits)
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


_TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><title>qsec6g twin run</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}table.t{border-collapse:collapse;
font-size:12px}table.t td,table.t th{padding:2px 6px;border-bottom:1px solid #ddd}img{max-width:100%}
.note{color:#555;font-size:13px}</style></head><body>
<h1>CQDT digital twin: measured results</h1>
<p class="note">Command <code>{{ manifest.command }}</code> · seeds {{ manifest.seeds }} · config hash
<code>{{ manifest.config_hash[:12] }}</code> · created {{ manifest.created_utc }}. Every number below was measured by
this run, except the column labelled "paper (as published)". Scenarios S1–S9 are our own table (the paper's
Table 12 values could not be checked; see docs/twin.md).</p>
<h2>Paper vs ours</h2>{{ claims }}
<h2>Observables per scenario and policy (attacked episodes; cf. Tables 6-7)</h2>{{ summary }}
<h2>Paired tests vs the rule baseline (Holm-Bonferroni; cf. Table 11)</h2>{{ tests }}
<h2>Attack detection on test episodes, mean over seeds (cf. Table 13)</h2>{{ detection }}
<p class="note">Cloning / probing: information an eavesdropper could gain, accounted over all probed steps:
{{ "%.1f"|format(info_bits) }} bits.</p>
<h2>Latency of one defence cycle (cf. Table 14)</h2>{{ latency }}
<h2>Scalability: register cycle vs qubits</h2>{{ scalability }}
{% for cap, img in images.items() %}<h3>{{ cap }}</h3><img src="data:image/png;base64,{{ img }}">{% endfor %}
</body></html>"""

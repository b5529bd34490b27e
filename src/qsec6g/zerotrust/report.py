"""Figures (matplotlib, Agg) and the self-contained HTML report of ``qsec6g ztf eval``.

Every number shown is computed by this package from the stated data and seed; the paper's claims appear in their
own labelled column (``PAPER_CLAIMS``) next to ours and are never mixed into our results.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qsec6g.figures import png_data_uri, pyplot, save_png
from qsec6g.zerotrust.evaluation import EvalResult

#: the QNN-ZTF paper's headline numbers (Ahmed, Shihab, Khokhar), shown beside ours, never used as ours
PAPER_CLAIMS: dict[str, str] = {
    "ROC-AUC (binary)": "0.985",
    "three-class accuracy": "87.4 %",
    "decision latency": "< 50 ms",
    "attack-surface reduction (micro-segmentation)": "78.3 %",
    "detection rate vs classical IDS": "+4.7 %",
    "false-positive rate vs classical IDS": "−39.4 %",
}


def save(fig, path: Path) -> Path:  # noqa: ANN001
    return save_png(fig, path)


def fig_roc_pr(res: EvalResult, path: Path) -> Path:
    """ROC and PR curves of every detector (test) and the best detector's sensitivity curve (validation)."""
    from sklearn.metrics import precision_recall_curve, roc_curve

    from qsec6g.zerotrust.thresholds import sensitivity_curve, youden_threshold

    plt = pyplot()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.5))
    y = res.prepared.y["test"]
    for name, s in res.test_scores.items():
        fpr, tpr, _ = roc_curve(y, s)
        p, r, _ = precision_recall_curve(y, s)
        auc = next(row["roc_auc"] for row in res.rows if row["detector"] == name)
        a.plot(fpr, tpr, label=f"{name} ({auc:.3f})")
        b.plot(r, p, label=name)
    a.plot([0, 1], [0, 1], "k:", lw=0.8)
    a.set(xlabel="false-positive rate", ylabel="true-positive rate (DR)", title="ROC (test)")
    b.set(xlabel="recall", ylabel="precision", title="precision–recall (test)")
    a.legend(fontsize=7)
    b.legend(fontsize=7)
    yv, sv = res.prepared.y["val"], res.val_scores[res.best]
    grid, sens = sensitivity_curve(yv, sv)
    c.plot(grid, sens)
    c.axhline(0, color="k", lw=0.8)
    c.axvline(youden_threshold(yv, sv), color="tab:red", ls=":", label="γ* = argmax(TPR − FPR)")
    c.set(xlabel="threshold γ", ylabel="∂TPR/∂γ − ∂FPR/∂γ", title=f"sensitivity curve ({res.best}, validation)")
    c.legend(fontsize=7)
    return save(fig, path)


def fig_confusions(res: EvalResult, path: Path) -> Path:
    from sklearn.metrics import confusion_matrix

    plt = pyplot()
    y = res.prepared.y["test"]
    mats = {f"{n} @ γ*": confusion_matrix(y, res.test_scores[n] >= r["gamma_star"], labels=[0, 1])
            for n, r in ((r["detector"], r) for r in res.rows)}
    mats.update({f"{n} (3-class)": m for n, m in res.confusion3.items()})
    k = len(mats)
    cols = min(4, k)
    rows = int(np.ceil(k / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows), squeeze=False)
    for ax, (title, m) in zip(axes.flat, mats.items()):
        ax.imshow(m, cmap="Blues")
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("predicted", fontsize=7)
        ax.set_ylabel("true", fontsize=7)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    return save(fig, path)


def fig_calibration(res: EvalResult, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    y = res.prepared.y["test"]
    bins = np.linspace(0, 1, 11)
    for name, s in res.test_scores.items():
        which = np.clip(np.digitize(s, bins) - 1, 0, 9)
        xs = [s[which == b].mean() for b in range(10) if (which == b).sum() >= 5]
        ys = [y[which == b].mean() for b in range(10) if (which == b).sum() >= 5]
        ax.plot(xs, ys, marker="o", ms=3, label=name)
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set(xlabel="predicted attack probability", ylabel="observed attack fraction", title="calibration (test)")
    ax.legend(fontsize=7)
    return save(fig, path)


def fig_training(res: EvalResult, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, c in res.loss_curves.items():
        if c:
            ax.plot(range(1, len(c) + 1), c, label=name)
    ax.set(xlabel="epoch", ylabel="training loss (cross-entropy)", title="training curves (torch detectors)")
    if ax.lines:
        ax.legend(fontsize=7)
    else:
        ax.text(0.5, 0.5, "no torch detector in this run", ha="center", transform=ax.transAxes)
    return save(fig, path)


def fig_stream(stream: pd.DataFrame, budget: float, path: Path) -> Path:
    plt = pyplot()
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    for p in ("static", "controller", "retrain"):
        a.plot(stream["window"], stream[f"gamma_{p}"], label=p)
        b.plot(stream["window"], stream[f"fpr_{p}"], label=p)
    b.axhline(budget, color="k", ls=":", label="FP budget")
    a.set(xlabel="window", ylabel="threshold γ", title="threshold convergence on a drifting stream")
    b.set(xlabel="window", ylabel="FPR", title="false-positive rate per window")
    a.legend(fontsize=7)
    b.legend(fontsize=7)
    return save(fig, path)


def fig_risk(series: pd.DataFrame, tau: tuple[float, float], path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 3.8))
    colors = {"grant": "tab:green", "restrict": "tab:orange", "deny": "tab:red"}
    for o, c in colors.items():
        m = series["outcome"] == o
        ax.scatter(series.loc[m, "t"], series.loc[m, "risk"], s=9, c=c, label=o)
    att = series["label"] == 1
    ax.scatter(series.loc[att, "t"], np.full(att.sum(), 1.03), marker="|", c="k", s=30, label="true attack")
    for v in tau:
        ax.axhline(v, color="grey", ls=":", lw=0.8)
    ax.set(xlabel="request (time order)", ylabel="risk R(u, d)", ylim=(-0.02, 1.07),
           title="risk time series with grant / restrict / deny")
    ax.legend(fontsize=7, ncol=4)
    return save(fig, path)


def fig_segments(example: dict[str, Any], path: Path) -> Path:
    """Grid segment map before / after: policy colours, essential (allow-listed) edges, foothold F, compromised x."""
    plt = pyplot()
    colors = {"allow": "#9bd59b", "restrict": "#f5c26b", "isolate": "#e06666"}
    pos = {s: (int(s.split("c")[1]), -int(s[1:].split("c")[0])) for s in example["before"]}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8))
    for ax, key, title in ((axes[0], "before", "before: flat network"),
                           (axes[1], "after", "after: zero-trust posture + detection-driven isolation")):
        for seg, p in example[key].items():
            x, y = pos[seg]
            ax.add_patch(plt.Rectangle((x - 0.42, y - 0.42), 0.84, 0.84, color=colors[p]))
            mark = "F" if seg == example["foothold"] else ("x" if key == "after" and seg in example["compromised"]
                                                           else "")
            ax.text(x, y, mark, ha="center", va="center", fontsize=10, weight="bold")
        for u, v in example["essential"]:
            ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color="k", lw=1.2, alpha=0.6)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, fontsize=9)
    fig.suptitle("segments: green allow, amber restrict, red isolate; lines = allow-listed (essential) paths; "
                 "F foothold, x compromised", fontsize=8)
    return save(fig, path)


def table_html(df: pd.DataFrame) -> str:
    """A DataFrame as a compact HTML table (4 significant digits)."""
    return df.to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0, classes="t")


_TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><title>qsec6g ztf eval</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}table.t{border-collapse:collapse;
font-size:12px}table.t td,table.t th{border:1px solid #ccc;padding:2px 6px}img{max-width:100%}
.note{color:#555;font-size:13px}</style></head><body>
<h1>QNN zero-trust engine — evaluation</h1>
<p class="note">Generated by <code>{{ command }}</code> (seed {{ seed }}). All numbers below come from this run;
the paper's claims are shown only in the column labelled "paper (claimed)".</p>
{% for s in sections %}<h2>{{ s.title }}</h2>{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% if s.html %}{{ s.html }}{% endif %}{% for im in s.images %}<p><img src="{{ im }}"></p>{% endfor %}{% endfor %}
</body></html>"""


def write_html(path: Path, command: str, seed: int, sections: list[dict[str, Any]]) -> Path:
    """Render the report; each section has title, optional note, html (trusted, ours) and image paths."""
    from jinja2 import Template

    for s in sections:
        s["images"] = [png_data_uri(p) for p in s.get("images", [])]
        s.setdefault("note", "")
        s.setdefault("html", "")
    path.write_text(Template(_TEMPLATE).render(command=html.escape(command), seed=seed, sections=sections),
                    encoding="utf-8")
    return path


def comparison_table(tables: list[pd.DataFrame]) -> str:
    cols = ["dataset", "protocol", "detector", "family", "roc_auc", "roc_auc_ci_low", "roc_auc_ci_high",
            "gap_to_best", "gap_ci_low", "gap_ci_high", "pr_auc", "dr_at_fpr_budget", "fpr_at_fpr_budget",
            "dr_at_gamma_star", "fpr_at_gamma_star", "three_class_acc", "fit_seconds", "score_flows_per_s"]
    df = pd.concat(tables, ignore_index=True)
    return table_html(df[[c for c in cols if c in df.columns]])


def claims_table(ours: dict[str, dict[str, str]]) -> str:
    """The paper's claims in one column, ours (one column per data set and labelling protocol) beside them."""
    rows = [{"figure": k, "paper (claimed)": v,
             **{f"ours ({col})": vals.get(k, "not measured in this run") for col, vals in ours.items()}}
            for k, v in PAPER_CLAIMS.items()]
    return table_html(pd.DataFrame(rows))

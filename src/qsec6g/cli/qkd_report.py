"""Figures and the self-contained HTML report of ``qsec6g qkd sweep`` (matplotlib Agg, images as base64)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qsec6g.figures import png_base64, pyplot, save_png
from qsec6g.qkd.params import LinkConfig

_TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><title>qsec6g qkd sweep</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:auto}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}</style></head><body>
<h1>QKD sweep (seed {{ seed }}{{ ' , quick' if quick else '' }})</h1>
<p>bb84-decoy, GYS device parameters (Ma et al., PRA 72, 012326, 2005) unless configured;
config hash in manifest.json.</p>
<h2>Table III: ours (measured) beside Zangana et al. 2025 (paper's numbers, not reproduced)</h2>
{{ table3 }}
<p>Key retention (ours) = final secret bits / sifted bits, finite-key bound with eps_sec = {{ eps }}.
The paper does not define its retention metric or its attack strengths.</p>
<h2>Secret key rate vs distance</h2><img src="data:image/png;base64,{{ rate_png }}">
{{ rate_table }}
<h2>QBER vs attacked fraction</h2><img src="data:image/png;base64,{{ qber_png }}">
{{ qber_table }}
<h2>Cascade efficiency vs QBER</h2><img src="data:image/png;base64,{{ eff_png }}">
{{ eff_table }}
<h2>PNS detection: alarms per (attack, distance, pulses)</h2>
{{ pns_table }}
</body></html>"""


def _png(fig, path: Path) -> str:  # noqa: ANN001
    return png_base64(save_png(fig, path))


def write_sweep_report(out_dir: Path, tables: dict[str, pd.DataFrame], base: LinkConfig, seed: int,
                       quick: bool) -> Path:
    """Plot the sweeps to PNG and write report.html embedding them; returns the HTML path."""
    from jinja2 import Template

    plt = pyplot()

    out_dir.mkdir(parents=True, exist_ok=True)
    rate, qber, table, eff = (tables[k] for k in ("keyrate_vs_distance", "qber_vs_fraction", "table_iii",
                                                  "cascade_efficiency"))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    from qsec6g.qkd.sweeps import analytic_curves

    curves = analytic_curves(base, max_km=float(rate.distance_km.max()))
    for col, style in (("infinite_decoy", "-"), ("two_decoy", "--")):
        label = f"analytic GLLP, {col.replace('_', ' ')}"
        ax.semilogy(curves.distance_km, curves[col].clip(lower=1e-12), style, label=label)
    ax.semilogy(rate.distance_km, rate.simulated_asymptotic.clip(lower=1e-12), "o",
                label="simulated stats (asymptotic)")
    ax.semilogy(rate.distance_km, rate.finite_key_run.clip(lower=1e-12), "s", label="full run, finite key")
    ax.set(xlabel="distance (km)", ylabel="secret key rate (bit/pulse)", ylim=(1e-8, 1e-1))
    ax.legend()
    rate_png = _png(fig, out_dir / "keyrate_vs_distance.png")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind, g in qber.groupby("attack"):
        err_bars = [g.qber - g.ci_low, g.ci_high - g.qber]
        ax.errorbar(g.fraction, g.qber, yerr=err_bars, fmt="o", label=f"{kind} (measured)")
        ax.plot(g.fraction, g.theory_no_dark, ":", color="gray")
    ax.axhline(base.post.qber_threshold, color="red", lw=0.8, label="abort threshold")
    ax.set(xlabel="fraction of pulses attacked", ylabel="QBER")
    ax.legend()
    qber_png = _png(fig, out_dir / "qber_vs_fraction.png")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(eff.qber, eff.f_ec, "o-", label="Cascade (measured)")
    ax.axhline(1.25, color="red", lw=0.8, label="target 1.25")
    ax.set(xlabel="QBER", ylabel="f_EC = leaked / (N H2(QBER))")
    ax.legend()
    eff_png = _png(fig, out_dir / "cascade_efficiency.png")
    html = Template(_TEMPLATE).render(
        seed=seed, quick=quick, table3=table.to_html(index=False, float_format="%.3f"), eps=base.post.eps_sec,
        rate_png=rate_png, qber_png=qber_png, rate_table=rate.to_html(index=False, float_format="%.3e"),
        qber_table=qber.to_html(index=False, float_format="%.4f"), eff_png=eff_png,
        eff_table=eff.to_html(index=False, float_format="%.4f"),
        pns_table=tables["pns_detection"].groupby(["attack", "distance_km", "pulses"]).alarm.agg(["sum", "count"])
        .rename(columns={"sum": "alarms", "count": "runs"}).reset_index().to_html(index=False),
    )
    path = out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path

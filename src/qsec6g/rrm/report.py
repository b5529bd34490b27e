"""Self-contained HTML reports (jinja2, figures embedded as base64 PNG) and the figures of the rrm studies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qsec6g.figures import png_base64, pyplot, save_png

_TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f3f3f3}img{max-width:100%}.note{color:#555}</style></head><body>
<h1>{{ title }}</h1><p class="note">{{ subtitle }}</p>
{% for s in sections %}<h2>{{ s.heading }}</h2>{% for p in s.paragraphs %}<p>{{ p }}</p>{% endfor %}
{% for t in s.tables %}{{ t }}{% endfor %}
{% for img in s.images %}<img alt="{{ s.heading }}" src="data:image/png;base64,{{ img }}">{% endfor %}{% endfor %}
</body></html>"""


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[pd.DataFrame] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)


def write_report(path: Path, title: str, subtitle: str, sections: list[Section]) -> Path:
    """Render ``sections`` to one HTML file with every figure inlined."""
    from jinja2 import Template

    rendered = [{
        "heading": s.heading, "paragraphs": s.paragraphs,
        "tables": [t.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="–") for t in s.tables],
        "images": [png_base64(f) for f in s.figures],
    } for s in sections]
    path.write_text(Template(_TEMPLATE).render(title=title, subtitle=subtitle, sections=rendered), encoding="utf-8")
    return path


def _figure(path: Path, draw) -> Path:  # type: ignore[no-untyped-def]
    fig, _ = draw(pyplot())
    return save_png(fig, path)


def plot_link(df: pd.DataFrame, out: Path) -> list[Path]:
    """BER vs SNR (one panel per modulation) and SE vs SNR (per precoder and speed)."""
    def ber(plt):  # type: ignore[no-untyped-def]
        mods = list(dict.fromkeys(df.modulation))
        fig, axes = plt.subplots(1, len(mods), figsize=(4.2 * len(mods), 3.6), squeeze=False)
        for ax, m in zip(axes[0], mods):
            for (p, v), g in df[df.modulation == m].groupby(["precoder", "speed_kmh"], sort=False):
                ax.semilogy(g.snr_db, g.ber.where(g.ber > 0), marker="o", label=f"{p}, {v:g} km/h")
            ax.set(title=f"{m} (no point: no bit error observed)", xlabel="SNR (dB)", ylabel="BER")
            ax.grid(True, which="both", alpha=0.3)
        axes[0][0].legend(fontsize=7)
        return fig, axes

    def se(plt):  # type: ignore[no-untyped-def]
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        first = df[df.modulation == df.modulation.iloc[0]]
        for (p, v), g in first.groupby(["precoder", "speed_kmh"], sort=False):
            ax.plot(g.snr_db, g.se, marker="o", label=f"{p}, {v:g} km/h")
        ax.set(xlabel="SNR (dB)", ylabel="sum SE (bit/s/Hz)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        return fig, ax

    return [_figure(out / "ber_vs_snr.png", ber), _figure(out / "se_vs_snr.png", se)]


def plot_schedule(summary: pd.DataFrame, out: Path) -> list[Path]:
    """Approximation ratio and time to solution vs instance size, per solver."""
    def draw(plt):  # type: ignore[no-untyped-def]
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
        for solver, g in summary[summary.solver != "exact"].groupby("solver", sort=False):
            axes[0].plot(g["size"], g.approx_ratio, marker="o", label=solver)
            axes[1].semilogy(g["size"], g.seconds, marker="o", label=solver)
        axes[0].set(xlabel="variables", ylabel="approximation ratio")
        axes[1].set(xlabel="variables", ylabel="time to solution (s)")
        for ax in axes:
            ax.grid(True, alpha=0.3)
        axes[0].legend(fontsize=7)
        return fig, axes

    return [_figure(out / "schedule_vs_size.png", draw)]


def plot_training(curves: pd.DataFrame, out: Path) -> list[Path]:
    """Training loss and test accuracy per epoch for both models."""
    def draw(plt):  # type: ignore[no-untyped-def]
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
        for model, g in curves.groupby("model", sort=False):
            axes[0].plot(g.epoch, g.loss, label=model)
            axes[1].plot(g.epoch, 100 * g.test_accuracy, label=model)
        axes[0].set(xlabel="epoch", ylabel="training loss")
        axes[1].set(xlabel="epoch", ylabel="test accuracy (%)")
        for ax in axes:
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        return fig, axes

    return [_figure(out / "training_curves.png", draw)]

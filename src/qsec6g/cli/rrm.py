"""``qsec6g rrm``: MIMO link curves, QUBO scheduling solver comparison, hybrid spectrum-access model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from qsec6g.cli.console import out, progress
from qsec6g.cli.options import ConfigOpt, OutOpt, QuickOpt, SeedOpt

app = typer.Typer(help="Quantum-assisted radio resource management (MIMO link, QUBO, QAOA).", no_args_is_help=True)

QUICK_LINK = {"draws": 60, "symbols": 32, "snr_db": [0.0, 5.0, 10.0, 15.0], "n_users": 4}
QUICK_SCHEDULE = {"sizes": [8, 10], "instances": 2, "qaoa_depths": [1, 2], "sa_reads": 20, "ga_generations": 50,
                  "symbols": 500}
QUICK_SPECTRUM = {"samples": 600, "channels": 2, "epochs": 5, "bootstrap": 200}


def _rich_table(df: Any, title: str) -> Any:
    from rich.table import Table

    table = Table(title=title)
    for col in df.columns:
        table.add_column(str(col), justify="right")
    for row in df.itertuples(index=False):
        table.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row])
    return table


def _finish(out_dir: Path, command: str, cfg: Any, seed: int, **extra: Any) -> None:
    from qsec6g.manifest import build_manifest, write_manifest

    write_manifest(out_dir / "manifest.json", build_manifest(command, cfg, [seed], **extra))
    out.print(f"report: {out_dir / 'report.html'}")


@app.command("link")
def link(seed: SeedOpt = 7, out_dir: OutOpt = Path("runs/rrm-link"), config: ConfigOpt = None,
         quick: QuickOpt = False) -> None:
    """BER and spectral efficiency vs SNR for MRT / ZF / MMSE, BPSK / QPSK / 16-QAM, static and moving UEs."""
    from qsec6g.config import load_config
    from qsec6g.results import write_table
    from qsec6g.rrm.config import LinkConfig
    from qsec6g.rrm.link_study import run_link_study, single_user_check
    from qsec6g.rrm.report import Section, plot_link, write_report

    cfg = load_config(LinkConfig, config, QUICK_LINK if quick else None)
    out_dir.mkdir(parents=True, exist_ok=True)
    df = run_link_study(cfg, seed)
    check = single_user_check(cfg, seed)
    write_table(df, out_dir / "link.parquet")
    write_table(check, out_dir / "validation.parquet")
    snr10 = float(df.snr_db.iloc[(df.snr_db - 10.0).abs().argmin()])
    at10 = df[df.snr_db == snr10]
    figures = plot_link(df, out_dir)
    write_report(out_dir / "report.html", "qsec6g rrm link", f"seed {seed}; {cfg.n_users} users, "
                 f"{cfg.n_antennas} antennas, {cfg.carrier_hz / 1e9:g} GHz, {cfg.bandwidth_hz / 1e9:g} GHz", [
                     Section("BER and SE vs SNR", [f"{cfg.draws} channel draws × {cfg.symbols} symbols per point; "
                                                   f"CSI delay {cfg.csi_delay_s * 1e3:g} ms (Jakes ageing)."],
                             [at10], figures),
                     Section("Validation: BPSK + MRT over i.i.d. Rayleigh vs the closed form (Proakis)", [], [check]),
                 ])
    out.print(_rich_table(at10[["speed_kmh", "precoder", "modulation", "ber", "se"]], f"at {snr10:g} dB"))
    _finish(out_dir, "rrm link", cfg, seed)


@app.command("schedule")
def schedule(seed: SeedOpt = 7, out_dir: OutOpt = Path("runs/rrm-schedule"), config: ConfigOpt = None,
             quick: QuickOpt = False) -> None:
    """Scheduling QUBOs of growing size: QAOA vs exact, SA, GA, greedy, round robin (our Tables I and II)."""
    from qsec6g.config import load_config
    from qsec6g.results import write_table
    from qsec6g.rrm.config import ScheduleConfig
    from qsec6g.rrm.report import Section, plot_schedule, write_report
    from qsec6g.rrm.schedule_study import PAPER_LINK_10DB, paper_table, run_schedule_study, summarise

    cfg = load_config(ScheduleConfig, config, QUICK_SCHEDULE if quick else None)
    out_dir.mkdir(parents=True, exist_ok=True)
    with progress() as bar:
        task = bar.add_task("instances", total=len(cfg.sizes) * cfg.instances)
        df = run_schedule_study(cfg, seed, progress=lambda _msg: bar.advance(task))
    summary = summarise(df)
    table = paper_table(df)
    for name, data in (("schedule", df), ("summary", summary), ("paper_tables", table)):
        write_table(data, out_dir / f"{name}.parquet")
    paper_link = (f"The paper reports, at 10 dB, BER {PAPER_LINK_10DB['quantum-assisted']['ber']} vs "
                  f"{PAPER_LINK_10DB['classical']['ber']} and SE {PAPER_LINK_10DB['quantum-assisted']['se']} vs "
                  f"{PAPER_LINK_10DB['classical']['se']} bit/s/Hz (quantum-assisted vs classical).")
    write_report(out_dir / "report.html", "qsec6g rrm schedule", f"seed {seed}; K = {cfg.limit} streams per slot, "
                 f"SNR {cfg.snr_db:g} dB, {cfg.modulation}", [
                     Section("Tables I / II: ours beside the paper's claims",
                             ["accuracy_pct is our mean approximation ratio (utility / optimal utility) in percent; "
                              "the paper does not define its 'convergence accuracy'. Paper columns are the paper's "
                              "numbers, not ours.", paper_link], [table]),
                     Section("Per size and solver", [], [summary], plot_schedule(summary, out_dir)),
                 ])
    out.print(_rich_table(table.drop(columns=["size"]), f"size {int(table['size'].iloc[0])} (paper beside ours)"))
    _finish(out_dir, "rrm schedule", cfg, seed)


@app.command("spectrum")
def spectrum(
    seed: SeedOpt = 7, out_dir: OutOpt = Path("runs/rrm-spectrum"), config: ConfigOpt = None, quick: QuickOpt = False,
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="synthetic or colosseum.")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Folder of the ColO-RAN sample.")] = None,
) -> None:
    """Classical DNN vs hybrid quantum–classical spectrum-access model (our Table IV)."""
    from qsec6g.config import load_config
    from qsec6g.results import write_table
    from qsec6g.rrm.config import SpectrumConfig
    from qsec6g.rrm.report import Section, plot_training, write_report
    from qsec6g.rrm.spectrum_study import run_spectrum_study

    overrides: dict[str, Any] = dict(QUICK_SPECTRUM) if quick else {}
    overrides.update({"dataset": dataset, "data_dir": data_dir})
    cfg = load_config(SpectrumConfig, config, overrides)
    out_dir.mkdir(parents=True, exist_ok=True)
    results, curves, split = run_spectrum_study(cfg, seed)
    write_table(results, out_dir / "table_iv.parquet")
    write_table(curves, out_dir / "training_curves.parquet")
    write_report(out_dir / "report.html", "qsec6g rrm spectrum", f"seed {seed}; {split.source}; "
                 f"{len(split.y_train)} train / {len(split.y_test)} test windows (chronological split)", [
                     Section("Table IV: ours beside the paper's claims",
                             ["Accuracy with a 95 % percentile-bootstrap CI over test windows; training time is "
                              "wall time of the optimisation steps. paper_* columns are the paper's numbers."],
                             [results], plot_training(curves, out_dir)),
                 ])
    out.print(_rich_table(results[["model", "accuracy_pct", "ci_low_pct", "ci_high_pct", "train_seconds",
                                   "inference_seconds", "paper_accuracy_pct", "paper_train_seconds"]], "Table IV"))
    _finish(out_dir, "rrm spectrum", cfg, seed, split={"train_index": split.train_index.tolist(),
                                                        "test_index": split.test_index.tolist()})

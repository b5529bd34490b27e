"""``qsec6g qkd``: run one QKD link (``run``) or the measured sweeps and Table III comparison (``sweep``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from qsec6g.cli.console import out
from qsec6g.cli.options import ConfigOpt, OutOpt, QuickOpt, SeedOpt
from qsec6g.config import load_config, validate_config
from qsec6g.manifest import build_manifest, write_manifest
from qsec6g.qkd.attacks import parse_attack
from qsec6g.qkd.params import PROTOCOLS, LinkConfig

app = typer.Typer(help="QKD link with eavesdropper detection and hybrid QKD + ML-KEM channel.", no_args_is_help=True)


def build_config(path: Path | None, overrides: dict[str, Any]) -> LinkConfig:
    """Defaults <- YAML file <- command-line options (dotted keys); one-line ConfigError on a bad value."""
    data = load_config(LinkConfig, path).model_dump()
    for dotted, value in overrides.items():
        if value is None:
            continue
        node = data
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value
    cfg = validate_config(LinkConfig, data, source=str(path) if path else "options")
    parse_attack(cfg.attack)
    return cfg


Opt = typer.Option
_D = LinkConfig()  # defaults shown in --help
ATTACK_HELP = "none | intercept-resend:F | intercept-resend-fixed:F | pns[:F] | noise:F (F = attacked fraction)"


@app.command("run")
def run(
    protocol: Annotated[
        Optional[str], Opt("--protocol", help=f"One of {', '.join(PROTOCOLS)} (default {_D.protocol}).")
    ] = None,
    attack: Annotated[Optional[str], Opt("--attack", help=ATTACK_HELP)] = None,
    distance: Annotated[
        Optional[float], Opt("--distance", help=f"Fibre length, km (default {_D.device.distance_km:g}).")
    ] = None,
    pulses: Annotated[Optional[int], Opt("--pulses", help=f"Pulses sent (default {_D.pulses:g}).")] = None,
    mu: Annotated[Optional[float], Opt("--mu", help=f"Signal mean photon number (default {_D.source.mu:g}).")] = None,
    detector_efficiency: Annotated[
        Optional[float], Opt("--detector-efficiency", help=f"eta_det (default {_D.device.detector_efficiency:g}).")
    ] = None,
    dark_count: Annotated[
        Optional[float], Opt("--dark-count", help=f"Y0 per pulse (default {_D.device.dark_count_prob:g}).")
    ] = None,
    misalignment: Annotated[
        Optional[float], Opt("--misalignment", help=f"e_det (default {_D.device.misalignment:g}).")
    ] = None,
    depolarising: Annotated[
        Optional[float], Opt("--depolarising", help=f"Channel depolarising p (default {_D.device.depolarising:g}).")
    ] = None,
    qber_threshold: Annotated[
        Optional[float], Opt("--qber-threshold", help=f"Abort above this QBER (default {_D.post.qber_threshold:g}).")
    ] = None,
    seed: SeedOpt = 7,
    config: ConfigOpt = None,
    out_dir: Annotated[Optional[Path], Opt("--out", help="Write report.json and manifest.json here.")] = None,
) -> None:
    """Simulate one QKD run and print QBER (with CI), key lengths, retention, key rates and the abort decision."""
    from qsec6g.qkd.link import run_link

    cfg = build_config(config, {
        "protocol": protocol, "attack": attack, "pulses": pulses, "device.distance_km": distance, "source.mu": mu,
        "device.detector_efficiency": detector_efficiency, "device.dark_count_prob": dark_count,
        "device.misalignment": misalignment, "device.depolarising": depolarising,
        "post.qber_threshold": qber_threshold,
    })
    report = run_link(cfg, seed).report
    r = report.to_dict()
    table = Table(title=f"qkd run: {cfg.protocol}, attack {report.attack}, {cfg.device.distance_km:g} km, seed {seed}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    ci = f"[{r['qber_ci_low']:.2%}, {r['qber_ci_high']:.2%}] ({report.confidence:.0%} CI)"
    for name, value in [
        ("pulses", f"{report.pulses:,}"), ("raw bits (detections)", f"{report.raw_bits:,}"),
        ("sifted bits", f"{report.sifted_bits:,}"), ("sample bits", f"{report.sample_bits:,}"),
        ("QBER", f"{report.qber:.2%} {ci}"), ("Cascade leakage bits", f"{report.leak_ec_bits:,}"),
        ("f_EC", f"{report.f_ec:.3f}"), ("final key bits", f"{report.final_bits:,}"),
        ("key retention (final / sifted)", f"{report.retention:.2%}"),
        ("secret key rate", f"{report.skr_per_pulse:.3e} bit/pulse = {report.skr_per_second:,.1f} bit/s"),
        ("decision", "ABORT: " + report.abort_reason if report.aborted else "key accepted"),
    ]:
        table.add_row(name, value)
    out.print(table)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.json").write_text(json.dumps(r, indent=2, default=str) + "\n", encoding="utf-8")
        write_manifest(out_dir / "manifest.json", build_manifest("qkd run", cfg, [seed]))
        out.print(f"wrote {out_dir / 'report.json'}")


@app.command("sweep")
def sweep(
    seed: SeedOpt = 7,
    out_dir: OutOpt = Path("runs/qkd-sweep"),
    config: ConfigOpt = None,
    quick: QuickOpt = False,
    distance: Annotated[float, Opt("--distance", help="Distance (km) of the attack sweeps and Table III.")] = 10.0,
) -> None:
    """Key rate vs distance, QBER vs attack fraction and a Table III comparison: Parquet, PNG, HTML, manifest."""
    from qsec6g.cli.qkd_report import write_sweep_report
    from qsec6g.qkd.sweeps import (
        SweepSizes, cascade_efficiency, keyrate_vs_distance, pns_detection, qber_vs_fraction, table_iii,
    )
    from qsec6g.results import write_table

    base = build_config(config, {"device.distance_km": distance, "protocol": "bb84-decoy"})
    sizes = SweepSizes.of(quick)
    out.print("sweeping key rate vs distance ...")
    rate = keyrate_vs_distance(base, sizes, seed)
    out.print("sweeping QBER vs attack fraction ...")
    qber = qber_vs_fraction(base, sizes, seed)
    out.print("measuring Table III scenarios ...")
    table = table_iii(base, sizes, seed)
    out.print("measuring Cascade efficiency vs QBER ...")
    eff = cascade_efficiency(base, sizes, seed)
    out.print("measuring PNS detection ...")
    pns = pns_detection(base, sizes, seed)
    tables = {"keyrate_vs_distance": rate, "qber_vs_fraction": qber, "table_iii": table, "cascade_efficiency": eff,
              "pns_detection": pns}
    for name, df in tables.items():
        write_table(df, out_dir / f"{name}.parquet")
    html = write_sweep_report(out_dir, tables, base, seed, quick)
    write_manifest(out_dir / "manifest.json", build_manifest("qkd sweep", base, [seed], quick=quick,
                                                             sizes=sizes.__dict__))
    shown = Table(title="Table III: ours (measured) vs Zangana et al. 2025 (paper)")
    for col in ("scenario", "ours QBER %", "ours retention %", "paper QBER %", "paper retention %"):
        shown.add_column(col)
    for _, row in table.iterrows():
        shown.add_row(row.scenario, f"{row.ours_qber_pct:.2f}", f"{row.ours_key_retention_pct:.1f}",
                      f"{row.paper_qber_pct}", f"{row.paper_key_retention_pct}")
    out.print(shown)
    out.print(f"wrote tables, figures and {html} to {out_dir}")



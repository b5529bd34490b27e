"""``qsec6g twin``: the CQDT quantum digital twin (issue #3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qsec6g.cli.console import err, out
from qsec6g.cli.options import ConfigOpt, OutOpt, QuickOpt, SeedOpt
from qsec6g.errors import UserInputError

app = typer.Typer(help="CQDT quantum digital twin of the O-RAN RU-DU-CU chain.", no_args_is_help=True)


@app.command("run")
def run(
    quick: QuickOpt = False,
    out_dir: OutOpt = Path("runs/twin"),
    config: ConfigOpt = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Run one seed instead of the config's seeds.")] = None,
) -> None:
    """Full protocol: train and evaluate every policy on S1-S9, detection study, latency; writes the report."""
    import time

    from threadpoolctl import threadpool_limits

    from qsec6g.config import load_config
    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.twin.protocol import QUICK, TwinRunConfig, run_protocol
    from qsec6g.twin.report import write_report

    overrides = dict(QUICK) if quick else {}
    if seed is not None:
        overrides["seeds"] = [seed]
    cfg = load_config(TwinRunConfig, config, overrides)
    start = time.perf_counter()
    with threadpool_limits(1):  # small eigenproblems: multi-threaded BLAS only adds contention on a shared box
        res = run_protocol(cfg, lambda msg: err.print(f"[{time.perf_counter() - start:6.1f} s] {msg}"))
    manifest = build_manifest("qsec6g twin run" + (" --quick" if quick else ""), cfg, cfg.seeds,
                              splits=res.splits, wall_seconds=round(time.perf_counter() - start, 1),
                              blas_threads=1)
    report = write_report(res, out_dir, manifest)
    write_manifest(out_dir / "manifest.json", manifest)
    out.print(f"wrote {report} ({time.perf_counter() - start:.0f} s)")


@app.command("telemetry")
def telemetry(
    use_case: Annotated[str, typer.Option("--use-case", help="normal, sync_drift, policy_poisoning, beam_jamming")] = "normal",
    episodes: Annotated[int, typer.Option(min=1)] = 4,
    steps: Annotated[int, typer.Option(min=1)] = 50,
    seed: SeedOpt = 42,
    out_file: Annotated[Path, typer.Option("--out", help="Parquet file to write.")] = Path("runs/twin/telemetry.parquet"),
) -> None:
    """Generate synthetic RU/DU/CU telemetry for one use case and write it as a tidy Parquet table."""
    import numpy as np
    import pandas as pd

    from qsec6g.results import write_table
    from qsec6g.twin.telemetry import FEATURES, UseCase, generate

    try:
        uc = UseCase(use_case)
    except ValueError:
        raise UserInputError(f"unknown use case {use_case!r}; choose from {', '.join(u.value for u in UseCase)}") from None
    tm = generate(uc, episodes, steps, seed)
    b, t, _ = tm.features.shape
    df = pd.DataFrame(tm.features.reshape(b * t, -1), columns=list(FEATURES))
    df.insert(0, "step", np.tile(np.arange(t), b))
    df.insert(0, "episode", np.repeat(np.arange(b), t))
    df["attack_active"] = tm.attack_active.reshape(-1)
    write_table(df, out_file)
    out.print(f"wrote {len(df)} rows to {out_file}")


@app.command("colosseum")
def colosseum(
    csv: Annotated[Path, typer.Argument(help="An srsRAN ue*.csv KPI log (ColO-RAN / Colosseum).")],
    slot_map: Annotated[Path | None, typer.Option("--slot-map", help="YAML slot map (default: shipped).")] = None,
    steps: Annotated[int, typer.Option(min=2)] = 50,
) -> None:
    """Load real KPIs through the slot map, encode them on the twin register and print F/S/D under ambient noise."""
    import numpy as np

    from qsec6g.twin.colosseum import load_kpis, load_slot_map, to_episodes
    from qsec6g.twin.preprocess import Preprocessor
    from qsec6g.twin.registers import entangling_unitary

    sm = load_slot_map(slot_map)
    df = load_kpis(csv, sm)
    x = to_episodes(df, sm.features, steps)
    pre = Preprocessor(sm.features, slots=sm.slot_features, batch=x.shape[0])
    u = entangling_unitary(pre.num_qubits)
    states = np.stack([pre.encode(x[:, i]).real @ u.T for i in range(steps)], axis=1)
    overlap = np.abs(np.einsum("bti,bti->bt", states[:, 1:], states[:, :-1])) ** 2
    out.print(f"{len(df)} rows → {x.shape[0]} episodes × {steps} steps × {len(sm.features)} features "
              f"→ {pre.num_qubits} qubits; mean step-to-step reference overlap {overlap.mean():.3f}")

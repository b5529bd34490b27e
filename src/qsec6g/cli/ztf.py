"""``qsec6g ztf``: train, evaluate and apply the zero-trust engine's detectors; micro-segmentation experiments.

Heavy libraries (torch, scikit-learn) are imported inside the commands so that ``qsec6g --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from qsec6g.cli.console import err, out
from qsec6g.cli.options import ConfigOpt, OutOpt, QuickOpt, SeedOpt
from qsec6g.errors import UserInputError

app = typer.Typer(help="QNN zero-trust engine: detectors, risk, thresholds, micro-segmentation.",
                  no_args_is_help=True)

DatasetOpt = Annotated[str | None, typer.Option("--dataset", help="nsl-kdd | cesnet | table (default nsl-kdd).")]
DataOpt = Annotated[str | None, typer.Option("--data", help="Flow table: CSV or Parquet file, or a glob.")]
SchemaOpt = Annotated[Path | None, typer.Option("--schema", help="Schema YAML (label, normal, categorical…).")]
LabelOpt = Annotated[str | None, typer.Option("--label", help="Label column (schema on the command line).")]
NormalOpt = Annotated[str | None, typer.Option("--normal", help="Comma-separated label values meaning normal.")]
CatOpt = Annotated[str | None, typer.Option("--categorical", help="Comma-separated categorical columns.")]
DropOpt = Annotated[str | None, typer.Option("--drop", help="Comma-separated columns to drop.")]


def _eval_config(config: Path | None, **kw):
    """EvalConfig from the YAML file (if any) with command-line values on top (CESNET flags go to ``cesnet``)."""
    from qsec6g.config import load_config, validate_config
    from qsec6g.zerotrust.pipeline import EvalConfig

    cesnet = {k: kw.pop(k) for k in ("intensity", "resolution", "max_entities") if kw.get(k) is not None}
    kw = {k: v for k, v in kw.items() if v is not None}
    cfg = load_config(EvalConfig, config, kw)
    data = cfg.model_dump()
    data["cesnet"].update(cesnet)
    if kw.get("label") and kw.get("data") and "dataset" not in kw:
        data["dataset"] = "table"
    return validate_config(EvalConfig, data, "command line")


@app.command("eval")
def eval_(
    out_dir: OutOpt = Path("ztf-eval"),
    config: ConfigOpt = None,
    dataset: DatasetOpt = None,
    data: DataOpt = None,
    schema: SchemaOpt = None,
    label: LabelOpt = None,
    normal: NormalOpt = None,
    categorical: CatOpt = None,
    drop: DropOpt = None,
    detectors: Annotated[str | None, typer.Option("--detectors", help="Comma-separated detector names.")] = None,
    max_train: Annotated[int | None, typer.Option("--max-train", help="Subsample training rows.")] = None,
    iqr: Annotated[bool | None, typer.Option("--iqr/--no-iqr", help="IQR outlier removal on train.")] = None,
    intensity: Annotated[float | None, typer.Option("--intensity", help="CESNET attack intensity.")] = None,
    resolution: Annotated[str | None, typer.Option("--resolution", help="CESNET day | hour.")] = None,
    max_entities: Annotated[int | None, typer.Option("--max-entities", help="CESNET IPs to load.")] = None,
    seed: SeedOpt = 0,
    quick: QuickOpt = False,
) -> None:
    """Evaluate every detector on one split; print one line per detector; write tables, figures and report.html."""
    import sys

    from qsec6g.zerotrust.pipeline import run_eval

    cfg = _eval_config(
        config, dataset=dataset, data=data, schema_file=str(schema) if schema else None, label=label,
        normal=normal, categorical=categorical, drop=drop,
        detectors=detectors.split(",") if detectors else None, max_train=max_train, iqr=iqr,
        intensity=intensity, resolution=resolution, max_entities=max_entities,
    )
    if quick and cfg.max_train is None:
        cfg.max_train = 3000
        cfg.n_boot = 50
        cfg.segment_runs = 10
        cfg.stream_windows = 8
        if "stream_detector" not in cfg.model_fields_set:
            cfg.stream_detector = "logreg"

    def line(r: dict) -> None:
        acc = f"  3-class acc {r['three_class_acc']:.3f}" if "three_class_acc" in r else ""
        out.print(f"{r['dataset']}/{r['protocol']}  {r['detector']:<12} ROC-AUC {r['roc_auc']:.4f}  "
                  f"DR {r['dr_at_fpr_budget']:.3f} @ FPR {r['fpr_at_fpr_budget']:.3f}{acc}  "
                  f"fit {r['fit_seconds']:.1f}s")

    run_eval(cfg, out_dir, seed, quick, "qsec6g ztf eval " + " ".join(sys.argv[3:]), progress=line)
    out.print(f"wrote {out_dir / 'report.html'}")


def _load_flow_table(data, schema, label, normal, categorical, drop):
    from qsec6g.zerotrust.loaders import load_table
    from qsec6g.zerotrust.pipeline import DATA_ROOT
    from qsec6g.zerotrust.schema import FlowSchema, builtin_schema, load_schema

    if schema:
        sch = load_schema(schema)
    elif label:
        sch = FlowSchema.from_flags(label, normal, categorical, drop)
    else:
        sch = builtin_schema("nsl_kdd")
    path = data or str(DATA_ROOT / "nsl-kdd" / "KDDTest+.txt")
    return load_table(path, sch), sch


@app.command("train")
def train(
    out_dir: OutOpt = Path("ztf-model"),
    data: DataOpt = None,
    schema: SchemaOpt = None,
    label: LabelOpt = None,
    normal: NormalOpt = None,
    categorical: CatOpt = None,
    drop: DropOpt = None,
    detector: Annotated[str, typer.Option("--detector", help="Classical detector to save: logreg, hgb, mlp.")] = "hgb",
    seed: SeedOpt = 0,
    quick: QuickOpt = False,
) -> None:
    """Train a detector pipeline (preprocessing + detector) and a policy engine on a flow table; save both."""
    import numpy as np
    from sklearn.pipeline import make_pipeline

    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.zerotrust.decision import build_engine, save_engine
    from qsec6g.zerotrust.detectors import make_detector
    from qsec6g.zerotrust.evaluation import fast_auc
    from qsec6g.zerotrust.preprocessing import make_preprocessor
    from qsec6g.zerotrust.splits import stratified_split
    from qsec6g.zerotrust.thresholds import two_thresholds

    if detector not in ("logreg", "hgb", "mlp"):
        raise UserInputError(f"train saves scikit-learn detectors only (logreg, hgb, mlp), got '{detector}'")
    table, sch = _load_flow_table(data, schema, label, normal, categorical, drop)
    tr, va, te = stratified_split(table.y, seed=seed)
    numeric = [c for c in table.X.columns if c not in table.categorical]
    pipe = make_pipeline(make_preprocessor(numeric, table.categorical), make_detector(detector, seed, quick))
    pipe.fit(table.X.iloc[tr], table.y[tr])
    s_val = pipe.predict_proba(table.X.iloc[va])[:, 1]
    g1, g2 = two_thresholds(table.y[va], s_val)
    auc = fast_auc(table.y[te], pipe.predict_proba(table.X.iloc[te])[:, 1])
    out_dir.mkdir(parents=True, exist_ok=True)
    import skops.io as sio

    sio.dump(pipe, out_dir / "detector.skops")
    (out_dir / "detector.json").write_text(json.dumps({
        "detector": detector, "gamma1": g1, "gamma2": g2, "test_roc_auc": auc, "schema": sch.model_dump(),
        "columns": list(table.X.columns)}, indent=2))
    Xn = np.nan_to_num(table.X[numeric].to_numpy(dtype=float))
    trva = np.concatenate([tr, va])
    engine = build_engine(Xn[trva], table.y[trva], numeric, model_version=f"{sch.name}-linear-seed{seed}", seed=seed)
    save_engine(engine, out_dir / "engine.npz")
    write_manifest(out_dir / "manifest.json", build_manifest(
        "qsec6g ztf train", {"detector": detector, "schema": sch.model_dump(), "quick": quick}, [seed],
        split_indices={"train": tr.tolist(), "val": va.tolist(), "test": te.tolist()}))
    out.print(f"{detector}: test ROC-AUC {auc:.4f}; γ1 {g1:.4f} γ2 {g2:.4f}; saved detector.skops, engine.npz "
              f"in {out_dir}")


@app.command("score")
def score(
    model: Annotated[Path, typer.Option("--model", help="Folder written by `ztf train`.")],
    data: Annotated[str, typer.Option("--data", help="Flow table to score (same columns as training).")],
    out_dir: OutOpt = Path("ztf-scores"),
) -> None:
    """Score a flow table with a trained detector: anomaly score and normal / suspicious / malicious per row.

    The label column may be absent (new traffic); ``label`` is then −1 in ``scores.parquet``.
    """
    import numpy as np
    import pandas as pd
    import skops.io as sio

    from qsec6g.errors import DataError
    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.results import write_table
    from qsec6g.zerotrust.loaders import load_table
    from qsec6g.zerotrust.schema import FlowSchema

    meta_path, det_path = model / "detector.json", model / "detector.skops"
    if not meta_path.is_file() or not det_path.is_file():
        raise DataError(f"{model}: not a model folder (needs detector.json and detector.skops from `ztf train`)")
    meta = json.loads(meta_path.read_text())
    pipe = sio.load(det_path, trusted=_trusted(det_path))
    table = load_table(data, FlowSchema(**meta["schema"]), require_label=False)
    missing = [c for c in meta["columns"] if c not in table.X.columns]
    if missing:
        raise DataError(f"{data}: missing column(s) {', '.join(missing)}")
    s = pipe.predict_proba(table.X[meta["columns"]])[:, 1]
    cls = np.where(s >= meta["gamma2"], "malicious", np.where(s >= meta["gamma1"], "suspicious", "normal"))
    write_table(pd.DataFrame({"row": np.arange(len(s)), "anomaly_score": s, "risk_class": cls,
                              "label": table.y}), out_dir / "scores.parquet")
    write_manifest(out_dir / "manifest.json", build_manifest("qsec6g ztf score", {"model": str(model),
                                                                                  "data": data}, []))
    counts = pd.Series(cls).value_counts().to_dict()
    out.print(f"scored {len(s)} rows: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _trusted(path: Path) -> list[str]:
    """Types skops may load: only scikit-learn / numpy / scipy types (anything else is refused)."""
    import skops.io as sio

    types = sio.get_untrusted_types(file=path)
    bad = [t for t in types if not t.startswith(("sklearn.", "numpy.", "scipy.", "builtins."))]
    if bad:
        raise UserInputError(f"{path}: refusing to load untrusted types {bad}")
    return types


@app.command("segment")
def segment(
    out_dir: OutOpt = Path("ztf-segment"),
    rows: Annotated[int, typer.Option("--rows", help="Grid rows of segments.")] = 6,
    cols: Annotated[int, typer.Option("--cols", help="Grid columns of segments.")] = 6,
    runs: Annotated[int, typer.Option("--runs", help="Simulated intrusions (different seeds).")] = 50,
    seed: SeedOpt = 0,
) -> None:
    """Lateral-movement simulation on an (r, c) grid: flat network vs zero-trust micro-segmentation."""
    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.results import write_table
    from qsec6g.zerotrust import report
    from qsec6g.zerotrust.pipeline import segmentation_experiment

    if rows < 2 or cols < 2 or runs < 1:
        raise UserInputError("segment needs --rows, --cols >= 2 and --runs >= 1")
    df, ex = segmentation_experiment(rows, cols, runs, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_table(df, out_dir / "segmentation.parquet")
    report.fig_segments(ex, out_dir / "segments.png")
    write_manifest(out_dir / "manifest.json", build_manifest(
        "qsec6g ztf segment", {"rows": rows, "cols": cols, "runs": runs}, [seed]))
    for posture, g in df.groupby("posture"):
        ttc = g.time_to_containment.dropna()
        out.print(f"{posture:<10} attack-surface reduction {100 * g.attack_surface_reduction.mean():5.1f} %  "
                  f"compromised assets {g.compromised_assets.mean():6.1f}  "
                  f"contained in {ttc.mean():.1f} steps ({len(ttc)}/{len(g)} runs)  "
                  f"legit flows blocked {100 * g.legit_blocked.mean():.1f} %")
    err.print(f"wrote {out_dir}")

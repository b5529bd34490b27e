"""``qsec6g demo``: the kernel demo — observables of GHZ / cluster registers under noise, then the benchmark summary.

For each register layout, noise channel and strength it reports the exact fidelity, entropy (bits), trace distance
and purity against the noiseless state, the closed form where one exists (GHZ₃ under bit flip and phase flip), and
the fidelity estimated from ``10**4`` classical-shadow shots with its 95 % interval — so that exact, analytic and
measured values sit side by side. Then it runs ``qsec6g bench kernel --quick`` and prints its summary.
"""

from __future__ import annotations

from pathlib import Path

from qsec6g.cli.options import OutOpt, QuickOpt, SeedOpt

LAYOUTS = ("GHZ3", "cluster3", "RU2|DU1|CU2")
NOISES = ("bit flip", "phase flip", "amp. damping", "depolarising", "PF∘BF+depol")


def _layout(name: str):  # noqa: ANN202 - a kernel Circuit
    from qsec6g.quantum.entanglers import composite, ghz, linear_cluster

    return {"GHZ3": lambda: ghz(3), "cluster3": lambda: linear_cluster(3),
            "RU2|DU1|CU2": lambda: composite({"RU": [0, 1], "DU": [2], "CU": [3, 4]})}[name]()


def _noise(name: str, p: float):  # noqa: ANN202 - a kernel Channel
    from qsec6g.quantum import channels as ch

    return {"bit flip": ch.bit_flip, "phase flip": ch.phase_flip, "amp. damping": ch.amplitude_damping,
            "depolarising": ch.depolarizing,
            "PF∘BF+depol": lambda q: ch.depolarizing(q / 2) @ ch.phase_flip(q) @ ch.bit_flip(q)}[name](p)


def closed_form(layout: str, noise: str, p: float) -> float | None:
    """Analytic fidelity where the literature has one (CQDT appendix A19, corrected: see docs/errata.md)."""
    if layout == "GHZ3" and noise == "bit flip":
        return (1 - p) ** 3 + p**3
    if layout == "GHZ3" and noise == "phase flip":
        return (1 + (1 - 2 * p) ** 3) / 2
    return None


def observables_table(strengths: list[float], shots: int, seed: int) -> list[dict]:
    """Rows of exact, closed-form and shot-estimated observables for every layout x noise x strength."""
    import numpy as np

    from qsec6g.cli.console import progress
    from qsec6g.quantum.entanglers import prepare
    from qsec6g.quantum.measurement import PauliShadow
    from qsec6g.quantum.metrics import entropy_and_distance_to_pure, fidelity, purity

    rng = np.random.default_rng(seed)
    rows = []
    cases = [(lay, noi, p) for lay in LAYOUTS for noi in NOISES for p in strengths]
    with progress() as bar:
        task = bar.add_task("observables", total=len(cases))
        for layout, noise, p in cases:
            psi = prepare(_layout(layout))
            n = int(np.log2(psi.shape[1]))
            rho = _noise(noise, p).apply_each(psi)
            ent, dist = entropy_and_distance_to_pure(rho, psi)
            shadow = PauliShadow(n)
            est = shadow.fidelity(shadow.sample(rho, shots, rng), psi)
            cf = closed_form(layout, noise, p)
            rows.append({
                "layout": layout, "noise": noise, "p": p, "qubits": n,
                "fidelity": float(fidelity(psi, rho)[0]), "closed_form_fidelity": cf,
                "entropy_bits": float(ent[0]), "trace_distance": float(dist[0]), "purity": float(purity(rho)[0]),
                "shadow_fidelity": float(est.value[0]), "shadow_ci_low": float(est.low[0]),
                "shadow_ci_high": float(est.high[0]), "shots": shots,
            })
            bar.advance(task)
    return rows


def demo(quick: QuickOpt = False, seed: SeedOpt = 7, out_dir: OutOpt = Path("runs/demo")) -> None:
    """Observables of GHZ / cluster registers under noise (exact, closed form, from shots) and the kernel benchmark."""
    from rich.table import Table

    from qsec6g.bench.records import write_records
    from qsec6g.cli.bench import run_suite, summary_table
    from qsec6g.cli.console import out
    from qsec6g.manifest import build_manifest, write_manifest
    from qsec6g.results import write_table

    strengths = [0.05, 0.2] if quick else [0.05, 0.1, 0.2, 0.3]
    shots = 10_000
    rows = observables_table(strengths, shots, seed)
    table = Table(title=f"Register observables under noise (exact vs closed form vs {shots:,} shadow shots)")
    for col in ("layout", "noise", "p", "F", "F closed form", "S [bits]", "D", "F from shots (95% CI)"):
        table.add_column(col, justify="left" if col in ("layout", "noise") else "right")
    for r in rows:
        cf = "" if r["closed_form_fidelity"] is None else f"{r['closed_form_fidelity']:.4f}"
        table.add_row(
            r["layout"], r["noise"], f"{r['p']:.2f}", f"{r['fidelity']:.4f}", cf, f"{r['entropy_bits']:.3f}",
            f"{r['trace_distance']:.3f}",
            f"{r['shadow_fidelity']:.3f} [{r['shadow_ci_low']:.3f}, {r['shadow_ci_high']:.3f}]",
        )
    out.print(table)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_table(rows, out_dir / "observables.parquet")

    records = run_suite("kernel", quick=True, seed=seed)
    out.print(summary_table(records, "Kernel benchmark (quick): qsec6g vs qiskit.quantum_info, same run"))
    write_records(out_dir / "bench_kernel.json", records)
    write_manifest(out_dir / "manifest.json", build_manifest(
        "qsec6g demo", {"quick": quick, "strengths": strengths, "shots": shots}, [seed],
        outputs=["observables.parquet", "bench_kernel.json"],
    ))
    out.print(f"wrote {out_dir}/observables.parquet, bench_kernel.json and manifest.json")

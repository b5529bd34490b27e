"""Sub-apps for the domain parts. Each part's CLI module registers itself here when it lands.

A part that has not landed yet still has its subcommand, which says so and exits 1 (runtime failure) rather than
pretending to work.
"""

from __future__ import annotations

import importlib

import typer

# subcommand name -> (module path of its CLI, issue that tracks it)
_PARTS: dict[str, tuple[str, str, str]] = {
    "twin": ("qsec6g.cli.twin", "#3", "CQDT quantum digital twin of the O-RAN RU-DU-CU chain."),
    "ztf": ("qsec6g.cli.ztf", "#4", "QNN zero-trust engine: detectors, risk, thresholds, micro-segmentation."),
    "serve": ("qsec6g.cli.serve", "#5", "Zero-trust policy decision service (HTTP API, audit trail, dashboard)."),
    "qkd": ("qsec6g.cli.qkd", "#6", "QKD link with eavesdropper detection and hybrid QKD + ML-KEM channel."),
    "rrm": ("qsec6g.cli.rrm", "#7", "Quantum-assisted radio resource management (MIMO link, QUBO, QAOA)."),
    "qml": ("qsec6g.cli.qml", "#8", "QML threat lab: attacks and defences on quantum ML models."),
    "keys": ("qsec6g.cli.keys", "#5", "API keys of the zero-trust service: create, revoke, list."),
    "audit": ("qsec6g.cli.audit", "#5", "Audit trail of the zero-trust service: verify the hash chain."),
}


def _placeholder(name: str, issue: str, help_text: str) -> typer.Typer:
    sub = typer.Typer(help=f"{help_text} [not yet implemented: {issue}]", no_args_is_help=True)

    @sub.command("run")
    def _run() -> None:
        """Not implemented yet; exits with code 1."""
        raise RuntimeError(f"'qsec6g {name}' is not implemented yet (tracked in issue {issue})")

    return sub


def _load(name: str, module: str, issue: str, help_text: str) -> typer.Typer:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return _placeholder(name, issue, help_text)
    return mod.app


SUBCOMMANDS: dict[str, typer.Typer] = {name: _load(name, *spec) for name, spec in _PARTS.items()}

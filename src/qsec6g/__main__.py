"""``python -m qsec6g`` runs the CLI."""

from qsec6g.cli.main import run

run()

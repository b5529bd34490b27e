"""Command-line interface: one entry point ``qsec6g`` with a subcommand per part."""

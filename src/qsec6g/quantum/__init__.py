"""Quantum kernel: batched simulation shared by the domain parts (see docs/architecture.md)."""

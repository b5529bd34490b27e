"""Entangling layouts as circuits: GHZ, linear cluster, graph states, and the CQDT composite layout.

All constructors return a :class:`~qsec6g.quantum.circuit.Circuit`; applied to ``|0...0>`` they prepare the named
state, applied to an encoded state they act as the entangling unitary ``U_ent`` of the digital twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from qsec6g.quantum.circuit import Circuit
from qsec6g.quantum.states import zero_state


def ghz(n: int, qubits: Sequence[int] | None = None, num_qubits: int | None = None) -> Circuit:
    """GHZ preparation ``H(q0)`` then ``CNOT(q0 → q_j)`` chain on ``qubits`` (default: all ``n``)."""
    qs = list(range(n)) if qubits is None else list(qubits)
    c = Circuit(num_qubits if num_qubits is not None else n)
    c.h(qs[0])
    for a, b in zip(qs, qs[1:]):
        c.cx(a, b)
    return c


def graph_state(edges: Iterable[tuple[int, int]] | nx.Graph, num_qubits: int | None = None) -> Circuit:
    """Graph state: ``H`` on every qubit, then ``CZ`` on every edge (any edge list or networkx graph on 0..n-1)."""
    if isinstance(edges, nx.Graph):
        nodes = sorted(edges.nodes)
        edge_list = [tuple(sorted(e)) for e in edges.edges]
        n = num_qubits if num_qubits is not None else (max(nodes) + 1 if nodes else 0)
    else:
        edge_list = [tuple(sorted((int(a), int(b)))) for a, b in edges]
        n = num_qubits if num_qubits is not None else 1 + max((max(e) for e in edge_list), default=-1)
    if n < 1:
        raise ValueError("a graph state needs at least one qubit")
    for a, b in edge_list:
        if a == b:
            raise ValueError(f"self-loop on qubit {a} is not a graph-state edge")
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for a, b in edge_list:
        c.cz(a, b)
    return c


def linear_cluster(n: int) -> Circuit:
    """1-D cluster state: graph state on the path ``0 - 1 - ... - (n-1)``."""
    return graph_state([(i, i + 1) for i in range(n - 1)], num_qubits=n)


def composite(registers: Mapping[str, Sequence[int]], num_qubits: int | None = None) -> Circuit:
    """CQDT layout: GHZ links across sub-registers and 1-D cluster edges inside each.

    The first qubit of each register is its *head*. Step 1 builds a GHZ state on the heads (``H`` on the first
    head, ``CNOT`` to the others, in register order) for global coordination. Step 2 adds local dependencies: ``H``
    on every non-head qubit and ``CZ`` along the path of each register (head first). On ``|0...0>`` this gives a
    stabiliser state whose heads carry GHZ correlations and whose registers are cluster-linked.
    """
    regs = {name: list(qs) for name, qs in registers.items() if len(qs)}
    if not regs:
        raise ValueError("composite layout needs at least one non-empty register")
    all_qs = [q for qs in regs.values() for q in qs]
    if len(set(all_qs)) != len(all_qs):
        raise ValueError(f"registers overlap: {dict(regs)}")
    n = num_qubits if num_qubits is not None else max(all_qs) + 1
    heads = [qs[0] for qs in regs.values()]
    c = ghz(len(heads), heads, num_qubits=n) if len(heads) > 1 else Circuit(n).h(heads[0])
    for qs in regs.values():
        for q in qs[1:]:
            c.h(q)
        for a, b in zip(qs, qs[1:]):
            c.cz(a, b)
    return c


def prepare(circuit: Circuit, batch: int = 1) -> np.ndarray:
    """The statevector batch ``circuit |0...0>``."""
    return circuit.apply(zero_state(circuit.num_qubits, batch))

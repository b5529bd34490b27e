"""Entanglers: GHZ, cluster, graph and composite states, identified by their amplitudes or full stabiliser sets."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qsec6g.quantum import metrics as m
from qsec6g.quantum import states as st
from qsec6g.quantum.entanglers import composite, ghz, graph_state, linear_cluster, prepare
from tests.quantum.reference import ATOL


def _stabiliser(n: int, x: list[int], z: list[int]) -> str:
    """Pauli string with X on ``x`` and Z on ``z`` (first letter = qubit 0)."""
    out = ["I"] * n
    for q in x:
        out[q] = "X"
    for q in z:
        out[q] = "Y" if out[q] == "X" else "Z"
    return "".join(out)


def _assert_stabilised(psi: np.ndarray, labels: list[str]) -> None:
    for label in labels:
        assert m.pauli_expectation(psi, label)[0] == pytest.approx(1.0, abs=ATOL), label


@pytest.mark.parametrize("n", range(1, 7))
def test_ghz_amplitudes(n: int) -> None:
    psi = prepare(ghz(n), batch=2)
    expected = np.zeros(2**n)
    expected[[0, -1]] = 1 / np.sqrt(2)
    np.testing.assert_allclose(psi, np.stack([expected] * 2), atol=ATOL)


def test_ghz_on_a_subset_of_a_wider_register() -> None:
    psi = prepare(ghz(3, qubits=[3, 1, 4], num_qubits=5))
    expected = np.zeros(32)
    expected[0] = expected[0b01011] = 1 / np.sqrt(2)  # qubits 1, 3, 4 set
    np.testing.assert_allclose(psi[0], expected, atol=ATOL)


@pytest.mark.parametrize("n", range(2, 7))
def test_linear_cluster_matches_qiskit_and_its_stabilisers(n: int) -> None:
    psi = prepare(linear_cluster(n))
    qc = QuantumCircuit(n)
    qc.h(range(n))
    for i in range(n - 1):
        qc.cz(n - 1 - i, n - 2 - i)
    np.testing.assert_allclose(psi[0], Statevector(qc).data, atol=ATOL)
    _assert_stabilised(psi, [_stabiliser(n, [i], [j for j in (i - 1, i + 1) if 0 <= j < n]) for i in range(n)])


@pytest.mark.parametrize("seed", range(4))
def test_graph_state_from_networkx_and_edge_list_agree_and_are_stabilised(seed: int) -> None:
    graph = nx.gnp_random_graph(5, 0.5, seed=seed)
    edges = list(graph.edges)
    psi = prepare(graph_state(graph))
    np.testing.assert_allclose(psi, prepare(graph_state(edges, num_qubits=5)), atol=ATOL)
    _assert_stabilised(psi, [_stabiliser(5, [v], list(graph.neighbors(v))) for v in graph.nodes])


def test_composite_layout_is_the_stabiliser_state_it_documents() -> None:
    """GHZ on the heads + cluster paths inside each register: n independent stabilisers fix the state."""
    regs = {"RU": [0, 1, 2], "DU": [3, 4], "CU": [5]}
    n = 6
    psi = prepare(composite(regs))
    heads = [0, 3, 5]
    nbrs = {0: [1], 1: [0, 2], 2: [1], 3: [4], 4: [3], 5: []}
    labels = [_stabiliser(n, [], [heads[0], h]) for h in heads[1:]]  # Z_h Z_h' (GHZ)
    labels.append(_stabiliser(n, heads, [q for h in heads for q in nbrs[h]]))  # prod X_h Z_nbrs (GHZ X-type)
    labels += [_stabiliser(n, [q], nbrs[q]) for q in range(n) if q not in heads]  # cluster
    _assert_stabilised(psi, labels)
    # heads share exactly one ebit with each other; a register's head alone is maximally mixed
    assert m.entanglement_entropy(psi, [0])[0] == pytest.approx(1.0, abs=ATOL)
    assert m.von_neumann_entropy(st.to_density(psi))[0] == pytest.approx(0.0, abs=ATOL)


def test_composite_with_one_register_is_a_cluster_state() -> None:
    np.testing.assert_allclose(prepare(composite({"a": [0, 1, 2, 3]})), prepare(linear_cluster(4)), atol=ATOL)


def test_entangler_errors() -> None:
    with pytest.raises(ValueError, match="self-loop"):
        graph_state([(1, 1)])
    with pytest.raises(ValueError, match="overlap"):
        composite({"a": [0, 1], "b": [1, 2]})
    with pytest.raises(ValueError, match="non-empty register"):
        composite({"a": []})
    with pytest.raises(ValueError, match="at least one qubit"):
        graph_state([])

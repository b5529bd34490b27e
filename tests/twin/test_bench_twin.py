"""The twin benchmark compares equal work: our defence cycle and the qiskit.quantum_info peer evolve the same
register state, and the suite is registered."""

import numpy as np

from qsec6g.bench import SUITES
from qsec6g.bench.twin import our_cycle, peer_cycle


def test_our_cycle_and_the_qiskit_peer_evolve_the_same_register():
    ours, peer = our_cycle(3, steps=20), peer_cycle(3, steps=20)
    for _ in range(4):
        a, b = ours(), peer()
    np.testing.assert_allclose(a, b, atol=1e-10)
    assert np.real(np.trace(a @ a)) < 0.99  # the composite channel really acts


def test_suite_is_registered():
    assert SUITES["twin"] == "qsec6g.bench.twin"

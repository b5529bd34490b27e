"""The batched torch statevector simulator against PennyLane default.qubit (values and gradients)."""

import numpy as np
import pennylane as qml
import pytest
import torch

from qsec6g.quantum import torch_backend as tb

GATES = ("RX", "RY", "RZ", "CNOT", "CZ", "Rot")


def random_circuit(n: int, depth: int, rng: np.random.Generator) -> list[tuple[str, tuple[int, ...], int]]:
    """(gate, wires, first parameter index) list; parameters are looked up in a flat vector."""
    ops, k = [], 0
    for _ in range(depth):
        g = GATES[rng.integers(len(GATES))]
        if g in ("CNOT", "CZ"):
            w = tuple(int(v) for v in rng.choice(n, 2, replace=False))
            ops.append((g, w, -1))
        else:
            ops.append((g, (int(rng.integers(n)),), k))
            k += 3 if g == "Rot" else 1
    return ops


def run_torch(ops, params: torch.Tensor, x: torch.Tensor, n: int) -> torch.Tensor:
    state = tb.product_state(x)                                   # RY(x_k) on each qubit, batched
    for g, w, k in ops:
        if g == "CNOT":
            state = tb.apply_cnot(state, w[0], w[1], n)
        elif g == "CZ":
            state = tb.apply_cz(state, w[0], w[1], n)
        else:
            mat = tb.rot(params[k], params[k + 1], params[k + 2]) if g == "Rot" else getattr(tb, g.lower())(params[k])
            state = tb.apply_1q(state, mat, w[0], n)
    return tb.expval_z(state, n)


def run_pennylane(ops, params: torch.Tensor, x: torch.Tensor, n: int) -> torch.Tensor:
    dev = qml.device("default.qubit", wires=n)

    @qml.qnode(dev, interface="torch", diff_method="backprop")
    def circuit(xb, p):
        for q in range(n):
            qml.RY(xb[..., q], wires=q)
        for g, w, k in ops:
            if g == "Rot":
                qml.Rot(p[k], p[k + 1], p[k + 2], wires=w[0])
            elif g in ("CNOT", "CZ"):
                getattr(qml, g)(wires=list(w))
            else:
                getattr(qml, g)(p[k], wires=w[0])
        return [qml.expval(qml.PauliZ(q)) for q in range(n)]

    return torch.stack(circuit(x, params), dim=-1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_circuits_match_pennylane_values_and_gradients(seed):
    rng = np.random.default_rng(seed)
    n = 4
    ops = random_circuit(n, 14, rng)
    n_par = sum(3 if g == "Rot" else (0 if k < 0 else 1) for g, _, k in ops)
    p0 = torch.tensor(rng.uniform(-np.pi, np.pi, max(n_par, 1)), dtype=torch.float64)
    x = torch.tensor(rng.uniform(0, np.pi, (5, n)), dtype=torch.float64)
    p_ours, p_ref = p0.clone().requires_grad_(), p0.clone().requires_grad_()
    ours, ref = run_torch(ops, p_ours, x, n), run_pennylane(ops, p_ref, x, n)
    np.testing.assert_allclose(ours.detach().numpy(), ref.detach().numpy(), atol=1e-10)
    w = torch.tensor(rng.normal(size=(5, n)))                     # a random linear functional of all outputs
    (ours * w).sum().backward()
    (ref * w).sum().backward()
    np.testing.assert_allclose(p_ours.grad.numpy(), p_ref.grad.numpy(), atol=1e-9)


def test_fused_layer_equals_gate_by_gate_and_is_unitary():
    torch.manual_seed(0)
    n = 5
    w = torch.randn(n, 3, dtype=torch.float64)
    gates = tb.rot(w[:, 0], w[:, 1], w[:, 2])
    perm = tb.ring_permutation(n)
    u = tb.layer_unitary(gates, perm)
    np.testing.assert_allclose((u.conj().T @ u).numpy(), np.eye(2**n), atol=1e-12)
    state = tb.amplitude_state(torch.randn(3, 2**n, dtype=torch.float64), n)
    slow = tb.apply_permutation(tb.apply_layer(state, gates, n), perm)
    np.testing.assert_allclose(tb.apply_unitary(state, u).numpy(), slow.numpy(), atol=1e-12)
    re, im = tb.apply_unitary(state.real.contiguous(), u)      # real input path returns (Re, Im)
    np.testing.assert_allclose((re + 1j * im).numpy(), tb.apply_unitary(state.real.to(u.dtype), u).numpy(),
                               atol=1e-12)


def test_qubit0_is_most_significant_bit_and_encodings():
    n = 3
    state = tb.apply_1q(tb.zero_state(1, n, torch.complex128), tb.rx(torch.tensor(np.pi, dtype=torch.float64)), 0, n)
    assert abs(abs(state[0, 0b100]) - 1) < 1e-12                  # X on qubit 0 flips the top bit
    x = torch.tensor([[0.3, 1.1, 2.0]], dtype=torch.float64)
    gate_by_gate = tb.zero_state(1, n, torch.complex128)
    for k in range(n):
        gate_by_gate = tb.apply_1q(gate_by_gate, tb.ry(x[0, k]), k, n)
    np.testing.assert_allclose(tb.product_state(x).numpy(), gate_by_gate.numpy(), atol=1e-12)
    np.testing.assert_allclose(tb.product_state(x, real=True).numpy(), gate_by_gate.real.numpy(), atol=1e-12)
    np.testing.assert_allclose(tb.expval_z(gate_by_gate, n).numpy()[0], np.cos(x[0].numpy()), atol=1e-12)
    amp = tb.amplitude_state(torch.tensor([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0]]), 2)
    np.testing.assert_allclose(tb.probabilities(amp).sum(1).numpy(), [1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(amp[0, :2].real.numpy(), [0.6, 0.8], atol=1e-6)
    with pytest.raises(ValueError):
        tb.amplitude_state(torch.ones(1, 5), 2)

"""Circuits: an ordered list of gates and channels applied to statevector or density-matrix batches.

A :class:`Circuit` is a value: ``append`` returns nothing but the builder methods (``h``, ``cx``, ``channel`` ...)
return the circuit so calls chain. Applying a circuit that contains channels to a statevector batch first converts
it to density matrices. ``unitary()`` gives the dense unitary of a channel-free circuit (cached), which
:meth:`Circuit.apply` uses as one fused matrix product for small registers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from qsec6g.quantum import gates as g
from qsec6g.quantum._tensor import check_qubits
from qsec6g.quantum.states import n_qubits, to_density

if TYPE_CHECKING:
    from qsec6g.quantum.channels import Channel

#: a channel-free circuit is applied as one fused (cached) unitary to statevectors up to this many qubits ...
FUSE_MAX_QUBITS_STATEVECTOR = 8
#: ... and to density matrices up to this many (U ρ U^† costs two dense d x d products)
FUSE_MAX_QUBITS_DENSITY = 4


@dataclass(frozen=True)
class Gate:
    """A named unitary on ``qubits``; ``params`` are the angles it was built from (radians)."""

    name: str
    qubits: tuple[int, ...]
    matrix: np.ndarray
    params: tuple[float, ...] = ()


@dataclass(frozen=True)
class NoiseOp:
    """A CPTP channel on ``qubits`` (jointly; ``len(qubits) == channel.num_qubits``)."""

    channel: "Channel"
    qubits: tuple[int, ...]

    @property
    def name(self) -> str:
        return self.channel.name


Operation = Gate | NoiseOp


@dataclass
class Circuit:
    """An ordered list of operations on ``num_qubits`` qubits."""

    num_qubits: int
    ops: list[Operation] = field(default_factory=list)
    _unitary: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    @property
    def has_noise(self) -> bool:
        return any(isinstance(op, NoiseOp) for op in self.ops)

    # -- building -------------------------------------------------------------------------------------------
    def append(self, op: Operation) -> "Circuit":
        check_qubits(op.qubits, self.num_qubits)
        if isinstance(op, Gate) and op.matrix.shape != (2 ** len(op.qubits),) * 2:
            raise ValueError(f"gate {op.name} on {len(op.qubits)} qubits has matrix shape {op.matrix.shape}")
        if isinstance(op, NoiseOp) and op.channel.num_qubits != len(op.qubits):
            raise ValueError(f"channel {op.name} acts on {op.channel.num_qubits} qubits, given {len(op.qubits)}")
        self.ops.append(op)
        self._unitary = None
        return self

    def gate(self, name: str, matrix: np.ndarray, qubits: Sequence[int], params: Sequence[float] = ()) -> "Circuit":
        return self.append(Gate(name, tuple(qubits), np.asarray(matrix, dtype=np.complex128), tuple(params)))

    def h(self, q: int) -> "Circuit":
        return self.gate("h", g.H, [q])

    def x(self, q: int) -> "Circuit":
        return self.gate("x", g.X, [q])

    def y(self, q: int) -> "Circuit":
        return self.gate("y", g.Y, [q])

    def z(self, q: int) -> "Circuit":
        return self.gate("z", g.Z, [q])

    def s(self, q: int) -> "Circuit":
        return self.gate("s", g.S, [q])

    def t(self, q: int) -> "Circuit":
        return self.gate("t", g.T, [q])

    def rx(self, theta: float, q: int) -> "Circuit":
        return self.gate("rx", g.rx(theta), [q], [theta])

    def ry(self, theta: float, q: int) -> "Circuit":
        return self.gate("ry", g.ry(theta), [q], [theta])

    def rz(self, theta: float, q: int) -> "Circuit":
        return self.gate("rz", g.rz(theta), [q], [theta])

    def u3(self, theta: float, phi: float, lam: float, q: int) -> "Circuit":
        return self.gate("u3", g.u3(theta, phi, lam), [q], [theta, phi, lam])

    def cx(self, control: int, target: int) -> "Circuit":
        return self.gate("cx", g.CNOT, [control, target])

    def cz(self, a: int, b: int) -> "Circuit":
        return self.gate("cz", g.CZ, [a, b])

    def swap(self, a: int, b: int) -> "Circuit":
        return self.gate("swap", g.SWAP, [a, b])

    def unitary_gate(self, matrix: np.ndarray, qubits: Sequence[int], name: str = "unitary") -> "Circuit":
        """Append an arbitrary unitary on ``qubits`` (checked to be unitary)."""
        m = np.asarray(matrix, dtype=np.complex128)
        if not g.is_unitary(m):
            raise ValueError(f"matrix for {name} is not unitary")
        return self.gate(name, m, qubits)

    def controlled_gate(self, u: np.ndarray, controls: Sequence[int], targets: Sequence[int], name: str = "cu") -> "Circuit":
        """Append ``u`` on ``targets`` controlled by all of ``controls``."""
        return self.unitary_gate(g.controlled(np.asarray(u), len(controls)), [*controls, *targets], name)

    def channel(self, channel: "Channel", qubits: Sequence[int]) -> "Circuit":
        """Append a channel acting jointly on ``qubits``."""
        return self.append(NoiseOp(channel, tuple(qubits)))

    def channel_each(self, channel: "Channel", qubits: Sequence[int] | None = None) -> "Circuit":
        """Append a single-qubit ``channel`` independently on each of ``qubits`` (default: all)."""
        for q in range(self.num_qubits) if qubits is None else qubits:
            self.channel(channel, [q])
        return self

    def compose(self, other: "Circuit") -> "Circuit":
        """A new circuit: this one followed by ``other`` (same width)."""
        if other.num_qubits != self.num_qubits:
            raise ValueError("circuits act on different numbers of qubits")
        return Circuit(self.num_qubits, [*self.ops, *other.ops])

    def without_noise(self) -> "Circuit":
        """The same circuit with every channel removed (the noiseless reference)."""
        return Circuit(self.num_qubits, [op for op in self.ops if isinstance(op, Gate)])

    # -- evaluation -----------------------------------------------------------------------------------------
    def unitary(self) -> np.ndarray:
        """Dense unitary of a channel-free circuit (cached)."""
        if self.has_noise:
            raise ValueError("a circuit with channels has no unitary")
        if self._unitary is None:
            d = 2**self.num_qubits
            cols = np.eye(d, dtype=np.complex128)  # rows of this batch are the basis states
            for op in self.ops:
                assert isinstance(op, Gate)
                cols = g.apply_unitary(cols, op.matrix, op.qubits)
            self._unitary = cols.T.copy()
        return self._unitary

    def apply(self, state: np.ndarray) -> np.ndarray:
        """Apply the circuit to a batch; statevectors become density matrices if the circuit has channels."""
        if n_qubits(state) != self.num_qubits:
            raise ValueError(f"circuit has {self.num_qubits} qubits, state has {n_qubits(state)}")
        limit = FUSE_MAX_QUBITS_STATEVECTOR if state.ndim == 2 else FUSE_MAX_QUBITS_DENSITY
        if not self.has_noise and self.num_qubits <= limit and len(self.ops) > 1:
            u = self.unitary()
            if state.ndim == 2:
                return state @ u.T
            return u @ state @ u.conj().T
        out = to_density(state) if self.has_noise else state
        for op in self.ops:
            if isinstance(op, Gate):
                out = g.apply_unitary(out, op.matrix, op.qubits)
            else:
                out = op.channel.apply(out, op.qubits)
        return out

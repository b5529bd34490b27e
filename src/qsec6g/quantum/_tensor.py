"""Index bookkeeping for applying small operators to qubit axes of batched state tensors.

A batch of ``n``-qubit statevectors ``(B, 2**n)`` is viewed as a tensor ``(B, 2, ..., 2)`` whose axis ``1 + q`` is
qubit ``q`` (qubit 0 = most significant bit of the basis index). A batch of density matrices ``(B, 2**n, 2**n)`` is
viewed as ``(B, 2, ..., 2, 2, ..., 2)``: row qubit ``q`` at axis ``1 + q``, column qubit ``q`` at axis ``1 + n + q``.
"""

from __future__ import annotations

from functools import lru_cache
from string import ascii_letters

import numpy as np

_LETTERS = ascii_letters  # 52 distinct subscripts: enough for n <= 12 density matrices with k <= 4 operators


@lru_cache(maxsize=4096)
def op_subscripts(ndim: int, axes: tuple[int, ...], batched_op: bool) -> str:
    """einsum subscripts applying a ``2**k x 2**k`` operator (reshaped to ``(2,)*2k``) to ``axes`` of a tensor.

    The operator's leading batch axis (when ``batched_op``) is shared with the tensor's axis 0.
    """
    k = len(axes)
    letters = list(_LETTERS[:ndim])
    fresh = _LETTERS[ndim : ndim + k]
    out_letters = list(letters)
    for j, ax in enumerate(axes):
        out_letters[ax] = fresh[j]
    op = "".join(fresh) + "".join(letters[ax] for ax in axes)
    if batched_op:
        op = letters[0] + op
    return f"{op},{''.join(letters)}->{''.join(out_letters)}"


def apply_matrix(t: np.ndarray, matrix: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Apply ``matrix`` (``(2**k, 2**k)`` or batched ``(B, 2**k, 2**k)``) to the qubit ``axes`` of tensor ``t``."""
    k = len(axes)
    batched = matrix.ndim == 3
    op = matrix.reshape(((matrix.shape[0],) if batched else ()) + (2,) * (2 * k))
    return np.einsum(op_subscripts(t.ndim, axes, batched), op, t)


@lru_cache(maxsize=4096)
def superop_subscripts(ndim: int, row_ax: tuple[int, ...], col_ax: tuple[int, ...], batched_op: bool) -> str:
    """einsum subscripts applying a superoperator tensor ``S[out_rows, out_cols, in_rows, in_cols]``."""
    k = len(row_ax)
    letters = list(_LETTERS[:ndim])
    fresh = _LETTERS[ndim : ndim + 2 * k]
    out_letters = list(letters)
    for j, ax in enumerate(row_ax + col_ax):
        out_letters[ax] = fresh[j]
    op = "".join(fresh) + "".join(letters[ax] for ax in row_ax + col_ax)
    if batched_op:
        op = letters[0] + op
    return f"{op},{''.join(letters)}->{''.join(out_letters)}"


def qubit_axes(qubits: tuple[int, ...], n: int, density: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Row axes (and, for density tensors, column axes) of ``qubits`` in the tensor view."""
    rows = tuple(1 + q for q in qubits)
    cols = tuple(1 + n + q for q in qubits) if density else ()
    return rows, cols


def check_qubits(qubits: tuple[int, ...] | list[int], n: int) -> tuple[int, ...]:
    """Validate a qubit list against ``n`` qubits: integers in range, no repeats."""
    qs = tuple(int(q) for q in qubits)
    if len(set(qs)) != len(qs):
        raise ValueError(f"repeated qubit in {list(qs)}")
    bad = [q for q in qs if not 0 <= q < n]
    if bad:
        raise ValueError(f"qubit(s) {bad} out of range for a {n}-qubit register")
    return qs

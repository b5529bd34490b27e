"""Defence actions on the twin register (batched density matrices), with their physical meaning and cost.

A twin step is: [pre-action] → step channel (noise and attacks) → [post-action] → observe. The actions:

====  ======================  ==========================================================================
 id   action                  what it does
====  ======================  ==========================================================================
 0    ``noop``                nothing; the register keeps its accumulated noise.
 1    ``reinit``              *pre*: re-prepare the reference ``|ψ⟩`` from the twin's classical copy of the
                              telemetry; the step channel still acts afterwards.
 2    ``purify``              *post*: one round of recurrence purification (Bennett et al. 1996, BBPSSW-type)
                              in the reference frame: a second register copy that saw the same noise, both
                              rotated by ``V†`` (``V|0⟩ = |ψ⟩``), bitwise bilateral CNOT, the target copy
                              measured; kept iff it reads ``0…0``. Output ``σ∘σ / Σ_j σ_jj²`` (entrywise
                              square, ``σ = V†ρV``), success probability ``Σ_j σ_jj²``. Raises the fidelity
                              whenever it is above ½; on failure the twin falls back to re-initialisation.
 3    ``partial_collapse``    *pre*: weak (null-result) measurement ``M_w = diag(1, √(1−p))`` on every qubit;
                              *post*: reversal ``M_r = diag(√(1−p_r), 1)`` with ``p_r = p + γ̂(1−p)``
                              (Korotkov & Keane, PRA 81, 040103 (2010); Kim et al., Nat. Phys. 8, 117 (2012)).
                              Undoes amplitude damping of strength γ̂ on the no-jump branch; success
                              probability ``tr(M_r E(M_w ρ M_w) M_r)``; on failure: re-initialisation.
====  ======================  ==========================================================================

Costs per cycle (:func:`action_cost`), from gate counts of an ``n``-qubit register: re-preparing an arbitrary
real amplitude state takes ``2**n − 2`` CNOTs (uniformly controlled RY ladder, Möttönen et al. 2004); purification
needs two decodes, one re-encode and ``n`` bilateral CNOTs on two copies (``3·(2**n − 2) + n`` CNOTs, ``n``
measurements, 2 registers); partial collapse needs ``2n`` single-qubit weak measurements and no CNOTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

NUM_ACTIONS = 4


class Action(IntEnum):
    NOOP = 0
    REINIT = 1
    PURIFY = 2
    PARTIAL_COLLAPSE = 3


@dataclass(frozen=True)
class ActionCost:
    """Resources of one action on an ``n``-qubit register."""

    cnots: int
    measurements: int
    registers: int

    @property
    def units(self) -> float:
        """A scalar cost: CNOTs plus measurements, normalised by a re-initialisation at n = 3 (6 CNOTs)."""
        return (self.cnots + self.measurements) / 6.0


def action_cost(action: Action | int, n: int) -> ActionCost:
    """Gate / measurement / register cost of ``action`` on ``n`` qubits (see the module docstring)."""
    prep = 2**n - 2
    return {
        Action.NOOP: ActionCost(0, 0, 1),
        Action.REINIT: ActionCost(prep, 0, 1),
        Action.PURIFY: ActionCost(3 * prep + n, n, 2),
        Action.PARTIAL_COLLAPSE: ActionCost(0, 2 * n, 1),
    }[Action(int(action))]


def reference_frame(psi: np.ndarray) -> np.ndarray:
    """Real orthogonal ``V`` with ``V e_0 = ψ`` per batch item (Householder reflection), ``(B, d, d)``.

    ``ψ`` must be real (the twin's encodings and entanglers are real).
    """
    _, d = psi.shape
    e0 = np.zeros(d)
    e0[0] = 1.0
    w = e0[None, :] - psi
    norm = np.linalg.norm(w, axis=1, keepdims=True)
    w = np.where(norm > 1e-12, w / np.where(norm > 1e-12, norm, 1.0), 0.0)
    return np.eye(d)[None] - 2.0 * w[:, :, None] * w[:, None, :]


def purify(rho: np.ndarray, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One recurrence-purification round towards ``|ψ⟩``: returns (output states, success probabilities)."""
    v = reference_frame(psi.real)
    sigma = np.swapaxes(v, 1, 2) @ rho @ v
    sq = sigma * sigma
    p_ok = np.real(np.einsum("bii->b", sq))
    out = v @ (sq / np.maximum(p_ok, 1e-300)[:, None, None]) @ np.swapaxes(v, 1, 2)
    return out, p_ok


def popcounts(n: int) -> np.ndarray:
    """Number of 1 bits of every basis index of ``n`` qubits."""
    j = np.arange(2**n)
    return np.array([int(v).bit_count() for v in j])


def weak_measurement_diag(p: np.ndarray, n: int) -> np.ndarray:
    """Diagonal of ``M_w^{⊗n}``, ``M_w = diag(1, √(1−p))``, per batch item: ``(B, 2**n)``."""
    ones = popcounts(n)[None, :]
    return np.sqrt(1.0 - p)[:, None] ** ones


def reversal_diag(p_r: np.ndarray, n: int) -> np.ndarray:
    """Diagonal of ``M_r^{⊗n}``, ``M_r = diag(√(1−p_r), 1)``: ``(B, 2**n)``."""
    zeros = n - popcounts(n)[None, :]
    return np.sqrt(1.0 - p_r)[:, None] ** zeros


def reversal_strength(p: np.ndarray, gamma_hat: np.ndarray) -> np.ndarray:
    """Optimal reversal strength ``p_r = p + γ̂ (1 − p)`` (Kim et al. 2012)."""
    return p + gamma_hat * (1.0 - p)


def scale(rho: np.ndarray, diag: np.ndarray) -> np.ndarray:
    """``M ρ M`` for diagonal ``M`` given by ``diag`` ``(B, d)``."""
    return rho * diag[:, :, None] * diag[:, None, :]


def normalise(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ρ / tr ρ, tr ρ) per batch item."""
    tr = np.real(np.einsum("bii->b", rho))
    return rho / np.maximum(tr, 1e-300)[:, None, None], tr

"""User selection and beam assignment as a QUBO ``min_x xᵀQx + offset`` and its Ising form.

Decision variables
    One binary variable per *candidate transmission* ``(user u, beam b)``; ``x = 1`` schedules user ``u`` on beam
    ``b`` in this slot. With one beam per user (the user's own MRT direction) this is plain user selection.

Objective (pairwise approximation of the slot's sum rate, bit/s/Hz)
    ``F(x) = -Σ_i r_i x_i + Σ_{i<j} c_ij x_i x_j`` where ``r_i = log2(1 + g_i)`` is the interference-free rate of
    candidate ``i`` and ``c_ij`` is the rate two candidates lose by being scheduled together (each one's rate with
    the other as the only interferer, subtracted from its rate alone). ``F`` is exact for one or two scheduled
    candidates and additive in pairs beyond.

Constraints, as penalties
    * conflict groups (a user on at most one beam, a beam carrying at most one user):
      ``P · Σ_{i<j in the same group} x_i x_j``;
    * per-slot limit, exactly ``K`` transmissions: ``A · (Σ_i x_i - K)²``.

Penalty weights (derivation; ``s = max_i`` sum of the ``K-1`` largest ``c_ij`` of candidate ``i``)
    From any infeasible ``x`` one of three moves reaches a point closer to feasibility with strictly lower energy,
    so every minimiser is feasible:

    * too many (``Σx = K + d``, ``d ≥ 1``): drop one candidate. ``F`` rises by at most ``r_max`` (interference
      only falls), the limit penalty falls by ``A(2d - 1) ≥ A``: needs ``A > r_max``;
    * too few and no conflict (``d ≤ -1``): add a free candidate (one exists because ``K ≤`` the number of
      candidates that can be scheduled together). ``F`` rises by at most ``s``, the limit penalty falls by
      ``A(2|d| - 1) ≥ A``: needs ``A > s``;
    * a conflict and ``d ≤ 0``: swap a conflicting candidate for a free one (``d`` unchanged). ``F`` rises by at
      most ``r_max + s``, the conflict penalty falls by at least ``P``: needs ``P > r_max + s``.

    We take ``A = (1 + margin) · max(r_max, s)`` and ``P = (1 + margin) · (r_max + s)`` — just above the bounds,
    because larger penalties flatten the objective part of the QAOA landscape. Rates are in bit/s/Hz; ``Q`` is
    returned unscaled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qsec6g.errors import UserInputError


@dataclass(frozen=True)
class Qubo:
    """``E(x) = xᵀQx + offset`` for binary ``x``; ``Q`` symmetric, linear terms on its diagonal."""

    Q: np.ndarray
    offset: float = 0.0

    def __post_init__(self) -> None:
        q = np.asarray(self.Q, dtype=float)
        if q.ndim != 2 or q.shape[0] != q.shape[1] or q.shape[0] == 0:
            raise UserInputError(f"QUBO matrix must be square and non-empty, got shape {q.shape}")
        if not np.all(np.isfinite(q)):
            raise UserInputError("QUBO matrix holds NaN or infinite entries")
        if not np.allclose(q, q.T, rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(q).max()))):
            i, j = np.unravel_index(np.argmax(np.abs(q - q.T)), q.shape)
            raise UserInputError(f"QUBO matrix is not symmetric: Q[{i},{j}]={q[i, j]:g} but Q[{j},{i}]={q[j, i]:g}")
        object.__setattr__(self, "Q", q)

    @property
    def n(self) -> int:
        return int(self.Q.shape[0])

    def energy(self, x: np.ndarray) -> np.ndarray:
        """Energies of bitstrings ``x`` of shape ``(..., n)`` (values 0/1)."""
        x = np.asarray(x, dtype=float)
        return np.einsum("...i,ij,...j->...", x, self.Q, x) + self.offset


@dataclass(frozen=True)
class Ising:
    """``E(z) = Σ h_i z_i + Σ_{i<j} J_ij z_i z_j + offset`` with spins ``z_i = 1 - 2 x_i`` (``x=0`` ↔ ``z=+1``,
    the ``+1`` eigenvalue of Pauli Z on ``|0⟩``). ``J`` is strictly upper triangular."""

    h: np.ndarray
    J: np.ndarray
    offset: float

    def energy(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        return z @ self.h + np.einsum("...i,ij,...j->...", z, self.J, z) + self.offset


def to_ising(qubo: Qubo) -> Ising:
    """Exact Ising form of a QUBO: substitute ``x_i = (1 - z_i)/2``."""
    q = qubo.Q
    off = q - np.diag(np.diag(q))
    h = -q.sum(axis=1) / 2.0
    J = np.triu(off, k=1)  # Q_ij + Q_ji = 2 Q_ij, times 1/4
    J = J / 2.0
    offset = qubo.offset + np.trace(q) / 2.0 + off.sum() / 4.0
    return Ising(h=h, J=J, offset=float(offset))


@dataclass(frozen=True)
class ScheduleProblem:
    """A slot's scheduling instance: candidates, their rates and pairwise losses, conflicts and the limit ``K``.

    ``users[i]`` / ``beams[i]`` name candidate ``i``; ``rates`` (bit/s/Hz) and ``loss`` (symmetric, zero
    diagonal) define ``F``; ``gains`` (linear SNR, shape ``(n, n)``: ``gains[i, j]`` is the SNR candidate ``i``'s
    user receives from candidate ``j``'s beam) are kept to evaluate schedules exactly.
    """

    users: np.ndarray
    beams: np.ndarray
    rates: np.ndarray
    loss: np.ndarray
    gains: np.ndarray
    limit: int
    margin: float = 0.1
    qubo: Qubo = field(init=False)
    penalty_limit: float = field(init=False)
    penalty_conflict: float = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.rates)
        if n == 0:
            raise UserInputError("scheduling instance has no candidate transmissions")
        if not 1 <= self.limit <= self.max_feasible:
            raise UserInputError(
                f"per-slot user limit K={self.limit} is infeasible: between 1 and {self.max_feasible} transmissions "
                f"can be scheduled together ({len(set(self.users.tolist()))} users, {len(set(self.beams.tolist()))} beams)"
            )
        if self.margin <= 0:
            raise UserInputError(f"penalty margin must be > 0, got {self.margin}")
        conflict = self.conflicts
        loss = np.where(conflict, 0.0, self.loss)
        r_max = float(self.rates.max())
        top = -np.sort(-loss, axis=1)[:, : self.limit - 1]
        s = float(top.sum(axis=1).max()) if self.limit > 1 else 0.0
        a = (1 + self.margin) * max(r_max, s)
        p = (1 + self.margin) * (r_max + s)
        # E = -Σ r x + Σ_{i<j} c x x + P Σ_{conflict i<j} x x + A (Σx - K)^2, written as x^T Q x (Q symmetric)
        Q = 0.5 * loss + 0.5 * p * conflict + a * (np.ones((n, n)) - np.eye(n))
        Q[np.diag_indices(n)] = -self.rates + a * (1 - 2 * self.limit)
        object.__setattr__(self, "qubo", Qubo(Q, offset=a * self.limit**2))
        object.__setattr__(self, "penalty_limit", a)
        object.__setattr__(self, "penalty_conflict", p)

    @property
    def n(self) -> int:
        return len(self.rates)

    @property
    def conflicts(self) -> np.ndarray:
        """``(n, n)`` bool: candidates ``i != j`` that share a user or a beam."""
        same = (self.users[:, None] == self.users[None, :]) | (self.beams[:, None] == self.beams[None, :])
        return same & ~np.eye(self.n, dtype=bool)

    @property
    def max_feasible(self) -> int:
        """Largest number of candidates that can be scheduled together (distinct users on distinct beams)."""
        return _max_matching(self.users, self.beams)

    def feasible(self, x: np.ndarray) -> np.ndarray:
        """Whether bitstrings ``x`` (``(..., n)``) meet the limit and have no conflict."""
        x = np.asarray(x, dtype=float)
        clash = np.einsum("...i,ij,...j->...", x, self.conflicts.astype(float), x) > 0
        return (x.sum(axis=-1) == self.limit) & ~clash

    def utility(self, x: np.ndarray) -> np.ndarray:
        """``-F(x)``: the pairwise sum-rate objective (bit/s/Hz) without penalties."""
        x = np.asarray(x, dtype=float)
        return x @ self.rates - 0.5 * np.einsum("...i,ij,...j->...", x, self.loss, x)

    def sum_rate(self, x: np.ndarray) -> float:
        """Exact sum rate (bit/s/Hz) of one schedule, every other scheduled beam counted as interference."""
        on = np.flatnonzero(np.asarray(x) > 0.5)
        if on.size == 0:
            return 0.0
        g = self.gains[np.ix_(on, on)]
        sig = np.diag(g)
        interference = g.sum(axis=1) - sig
        return float(np.log2(1 + sig / (1 + interference)).sum())


def _max_matching(users: np.ndarray, beams: np.ndarray) -> int:
    """Size of a maximum bipartite matching between users and beams over the candidate edges."""
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from((("u", u), ("b", b)) for u, b in zip(users.tolist(), beams.tolist()))
    top = {node for node in g if node[0] == "u"}
    return len(nx.bipartite.hopcroft_karp_matching(g, top_nodes=top)) // 2


def problem_from_gains(gains: np.ndarray, users: np.ndarray, beams: np.ndarray, limit: int,
                       margin: float = 0.1) -> ScheduleProblem:
    """Build a :class:`ScheduleProblem` from the cross-gain matrix of the candidates.

    ``gains[i, j]`` is the linear SNR with which candidate ``i``'s user receives candidate ``j``'s beam (its
    transmit power included). ``loss_ij = [r_i - log2(1 + g_ii / (1 + g_ij))] + [r_j - log2(1 + g_jj / (1 + g_ji))]``.
    """
    gains = np.asarray(gains, dtype=float)
    if gains.ndim != 2 or gains.shape[0] != gains.shape[1]:
        raise UserInputError(f"gain matrix must be square, got shape {gains.shape}")
    if np.any(gains < 0) or not np.all(np.isfinite(gains)):
        raise UserInputError("gain matrix must be finite and non-negative")
    sig = np.diag(gains)
    rates = np.log2(1 + sig)
    one_way = rates[:, None] - np.log2(1 + sig[:, None] / (1 + gains))  # user i's loss from beam j
    loss = one_way + one_way.T
    np.fill_diagonal(loss, 0.0)
    return ScheduleProblem(users=np.asarray(users), beams=np.asarray(beams), rates=rates, loss=loss,
                           gains=gains, limit=limit, margin=margin)


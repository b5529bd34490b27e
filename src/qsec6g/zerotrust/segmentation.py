"""Micro-segmentation over a graph of network segments, and a lateral-movement simulation on it.

A :class:`SegmentMap` wraps an undirected networkx graph: nodes are segment ids (str) with an ``assets`` count
(default 1); edges carry ``legit`` (legitimate flows per step, default 1.0) and ``essential`` (a service path that
restricted segments still accept, default False). Each segment has a policy:

- ``allow``: every edge into the segment is usable;
- ``restrict``: only ``essential`` edges into the segment are usable;
- ``isolate``: no edge into or out of the segment is usable.

An edge u–v is usable in the direction u → v if u is not isolated and v's policy admits it. Policies follow
P′(S_j) = G(P(S_j), ŷ_j) (:meth:`SegmentMap.apply_risk`): escalate to restrict at risk ≥ τ_restrict and to isolate
at risk ≥ τ_isolate; policies never relax automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

import networkx as nx
import numpy as np

from qsec6g.errors import UserInputError
from qsec6g.seeding import SeedLike, make_rng
from qsec6g.zerotrust.thresholds import GracePeriod

SegmentPolicy = Literal["allow", "restrict", "isolate"]
_POLICIES: tuple[str, ...] = get_args(SegmentPolicy)
_RANK = {p: i for i, p in enumerate(_POLICIES)}


class SegmentMap:
    """Segments (graph nodes) with allow / restrict / isolate policies."""

    def __init__(self, graph: nx.Graph, policies: Mapping[str, SegmentPolicy] | None = None) -> None:
        self.graph = nx.relabel_nodes(graph, {n: str(n) for n in graph.nodes}, copy=True)
        self._policy: dict[str, SegmentPolicy] = {n: "allow" for n in self.graph.nodes}
        for n, p in (policies or {}).items():
            self.set_policy(n, p)

    @classmethod
    def grid(cls, rows: int, cols: int, seed: SeedLike = 0, essential_fraction: float = 0.3) -> SegmentMap:
        """An (r, c) grid of segments ``"r{i}c{j}"`` with 1–10 assets each.

        Legitimate traffic per edge is log-normal (σ = 1.5, heavy-tailed as real flow volumes); the edges carrying
        the top ``essential_fraction`` of it are marked essential, i.e. the allow-list a zero-trust policy would
        derive from observed legitimate traffic.
        """
        if rows < 1 or cols < 1:
            raise UserInputError(f"grid needs rows, cols >= 1, got {rows}x{cols}")
        rng = make_rng(seed)
        g = nx.grid_2d_graph(rows, cols)
        g = nx.relabel_nodes(g, {(i, j): f"r{i}c{j}" for i, j in g.nodes})
        for n in g.nodes:
            g.nodes[n]["assets"] = int(rng.integers(1, 11))
        legit = rng.lognormal(0.0, 1.5, g.number_of_edges())
        cut = np.quantile(legit, 1 - essential_fraction)
        for (u, v), w in zip(g.edges, legit):
            g.edges[u, v]["legit"] = float(w)
            g.edges[u, v]["essential"] = bool(w >= cut)
        return cls(g)

    def policies(self) -> dict[str, SegmentPolicy]:
        return dict(self._policy)

    def set_policy(self, segment_id: str, policy: SegmentPolicy) -> None:
        if segment_id not in self._policy:
            raise UserInputError(f"unknown segment '{segment_id}'")
        if policy not in _POLICIES:
            raise UserInputError(f"unknown segment policy '{policy}'; expected one of {', '.join(_POLICIES)}")
        self._policy[segment_id] = policy

    def copy(self) -> SegmentMap:
        return SegmentMap(self.graph, self._policy)

    def apply_risk(self, risk: Mapping[str, float], tau_restrict: float = 0.65, tau_isolate: float = 0.8) -> None:
        """P′ = G(P, ŷ): raise each listed segment's policy to what its risk calls for (never lowers it)."""
        for seg, r in risk.items():
            target = "isolate" if r >= tau_isolate else ("restrict" if r >= tau_restrict else "allow")
            if _RANK[target] > _RANK[self._policy[seg]]:
                self.set_policy(seg, target)  # type: ignore[arg-type]

    def usable(self, u: str, v: str) -> bool:
        """Can traffic go from segment u to neighbouring segment v under the current policies?"""
        if self._policy[u] == "isolate" or self._policy[v] == "isolate":
            return False
        return self._policy[v] == "allow" or bool(self.graph.edges[u, v].get("essential", False))

    def reachable(self, source: str) -> set[str]:
        """Segments reachable from ``source`` along usable edges (``source`` included)."""
        seen, stack = {source}, [source]
        while stack:
            u = stack.pop()
            for v in self.graph.neighbors(u):
                if v not in seen and self.usable(u, v):
                    seen.add(v)
                    stack.append(v)
        return seen

    def assets(self, segments: set[str]) -> int:
        return int(sum(self.graph.nodes[s].get("assets", 1) for s in segments))

    def legit_blocked(self) -> float:
        """Fraction of legitimate flow volume (both directions of every edge) that the policies block."""
        total = blocked = 0.0
        for u, v, d in self.graph.edges(data=True):
            w = float(d.get("legit", 1.0))
            for a, b in ((u, v), (v, u)):
                total += w
                blocked += w * (not self.usable(a, b))
        return blocked / total if total else 0.0


def zero_trust_posture(seg: SegmentMap) -> SegmentMap:
    """Default zero-trust posture: every segment restricted (only essential paths stay open)."""
    out = seg.copy()
    for n in out.graph.nodes:
        out.set_policy(n, "restrict")
    return out


@dataclass
class LateralMovementResult:
    reachable_before: int            # assets reachable from the foothold with all segments allowed
    reachable_after: int             # assets reachable under the starting policies (before any detection)
    compromised_assets: int          # assets the attacker actually reached before containment
    time_to_containment: int | None  # first step at which the attacker could reach no new segment; None if never
    legit_blocked: float             # fraction of legitimate flow volume blocked by the final policies
    compromised_per_step: list[int] = field(default_factory=list)
    final_policies: dict[str, SegmentPolicy] = field(default_factory=dict)
    compromised: frozenset[str] = frozenset()

    @property
    def attack_surface_reduction(self) -> float:
        """1 − reachable_after / reachable_before."""
        return 1.0 - self.reachable_after / self.reachable_before if self.reachable_before else 0.0


def simulate_lateral_movement(
    seg: SegmentMap, foothold: str, steps: int = 30, p_hop: float = 0.5, p_detect: float = 0.4,
    grace_steps: int = 2, risk_on_detect: float = 0.9, seed: SeedLike = 0,
) -> LateralMovementResult:
    """An attacker hops along usable edges from ``foothold``; detections raise segment risk; the defender isolates.

    Attack-surface reduction compares the assets reachable from the foothold under ``seg``'s starting policies
    with those reachable in the same graph with every segment allowed (static reachability, before detection).

    Each step: (1) from every compromised segment the attacker tries each usable edge to an uncompromised
    neighbour and succeeds with probability ``p_hop``; (2) each compromised, not yet isolated segment is detected
    with probability ``p_detect`` and reports risk ``risk_on_detect`` (else 0); (3) a segment whose risk stayed above
    τ for ``grace_steps`` consecutive steps (Eq. 23) is isolated. ``seg`` is not modified.
    """
    if foothold not in seg.graph:
        raise UserInputError(f"unknown foothold segment '{foothold}'")
    rng = make_rng(seed)
    state = seg.copy()
    open_map = SegmentMap(seg.graph)
    before = open_map.assets(open_map.reachable(foothold))
    after = state.assets(state.reachable(foothold))
    grace = GracePeriod(tau=0.8, steps=grace_steps)
    compromised = {foothold}
    per_step, contained_at = [], None
    for t in range(1, steps + 1):
        new = {
            v for u in sorted(compromised) for v in state.graph.neighbors(u)
            if v not in compromised and state.usable(u, v) and rng.random() < p_hop
        }
        compromised |= new
        for s in sorted(compromised):
            if state.policies()[s] == "isolate":
                continue
            r = risk_on_detect if rng.random() < p_detect else 0.0
            if grace.observe(s, r):
                state.set_policy(s, "isolate")
        per_step.append(state.assets(compromised))
        frontier = any(
            v not in compromised and state.usable(u, v) for u in compromised for v in state.graph.neighbors(u)
        )
        if not frontier:
            contained_at = t
            break
    return LateralMovementResult(
        reachable_before=before, reachable_after=after, compromised_assets=state.assets(compromised),
        time_to_containment=contained_at, legit_blocked=state.legit_blocked(),
        compromised_per_step=per_step, final_policies=state.policies(), compromised=frozenset(compromised),
    )

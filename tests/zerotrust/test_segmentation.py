"""Micro-segmentation policies and the lateral-movement simulation."""

import networkx as nx
import pytest

from qsec6g.errors import UserInputError
from qsec6g.zerotrust.segmentation import SegmentMap, simulate_lateral_movement, zero_trust_posture


def test_policies_control_reachability_on_any_graph():
    g = nx.path_graph(["a", "b", "c", "d"])
    g.edges["b", "c"]["essential"] = True
    seg = SegmentMap(g)
    assert seg.reachable("a") == {"a", "b", "c", "d"}
    seg.set_policy("c", "restrict")                     # only essential edges into c: b→c yes
    assert seg.reachable("a") == {"a", "b", "c", "d"}
    seg.set_policy("b", "restrict")                     # a→b is not essential
    assert seg.reachable("a") == {"a"}
    seg.set_policy("b", "allow")
    seg.set_policy("c", "isolate")
    assert seg.reachable("a") == {"a", "b"}
    assert seg.policies()["c"] == "isolate"
    with pytest.raises(UserInputError, match="unknown segment policy"):
        seg.set_policy("a", "quarantine")
    with pytest.raises(UserInputError, match="unknown segment"):
        seg.set_policy("zz", "allow")


def test_apply_risk_only_escalates():
    seg = SegmentMap.grid(2, 2)
    seg.apply_risk({"r0c0": 0.9, "r0c1": 0.7, "r1c0": 0.1})
    assert seg.policies() == {"r0c0": "isolate", "r0c1": "restrict", "r1c0": "allow", "r1c1": "allow"}
    seg.apply_risk({"r0c0": 0.0})
    assert seg.policies()["r0c0"] == "isolate"


def test_lateral_movement_zero_trust_vs_flat():
    flat = SegmentMap.grid(5, 5, seed=3)
    zt = zero_trust_posture(flat)
    a = simulate_lateral_movement(flat, "r0c0", seed=4)
    b = simulate_lateral_movement(zt, "r0c0", seed=4)
    total = flat.assets(set(flat.graph.nodes))
    assert a.reachable_before == b.reachable_before == total and a.attack_surface_reduction == 0
    assert b.reachable_after == zt.assets(zt.reachable("r0c0")) and b.attack_surface_reduction > 0
    assert b.compromised_assets <= a.compromised_assets
    assert a.time_to_containment is not None and b.time_to_containment is not None
    assert simulate_lateral_movement(zt, "r0c0", seed=4) == b           # seeded, reproducible
    isolated = flat.copy()
    isolated.set_policy("r0c0", "isolate")
    c = simulate_lateral_movement(isolated, "r0c0", seed=4)
    assert c.compromised_assets == flat.graph.nodes["r0c0"]["assets"] and c.time_to_containment == 1
    with pytest.raises(UserInputError):
        simulate_lateral_movement(flat, "nowhere")

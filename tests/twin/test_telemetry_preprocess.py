import math

import numpy as np
import pytest

from qsec6g.errors import DataError
from qsec6g.twin.preprocess import Preprocessor, slot_map_for
from qsec6g.twin.registers import entangling_unitary, split_qubits
from qsec6g.twin.telemetry import COMPACT_FEATURES, FEATURES, UseCase, generate


def test_generator_is_reproducible_and_shaped():
    a = generate("sync_drift", 3, 20, 7)
    b = generate("sync_drift", 3, 20, 7)
    assert a.features.shape == (3, 20, len(FEATURES)) and a.indicators.shape == (3, 20, 3)
    np.testing.assert_array_equal(a.features, b.features)
    assert not np.array_equal(a.features, generate("sync_drift", 3, 20, 8).features)


@pytest.mark.parametrize("case, feature, direction", [
    (UseCase.BEAM_JAMMING, "snr_db", -1), (UseCase.BEAM_JAMMING, "evm_pct", +1),
    (UseCase.POLICY_POISONING, "policy_state", +1), (UseCase.POLICY_POISONING, "up_latency_ms", +1),
    (UseCase.SYNC_DRIFT, "cp_latency_ms", +1),
])
def test_use_cases_shift_telemetry_the_documented_way(case, feature, direction):
    normal = generate("normal", 40, 60, 1).select((feature,))[:, -10:].mean()
    attacked = generate(case, 40, 60, 1).select((feature,))[:, -10:].mean()
    assert direction * (attacked - normal) > 0


def test_sync_drift_raises_phase_jitter_and_idle_time_and_labels_onset():
    tm = generate("sync_drift", 10, 50, 3)
    assert np.all(tm.indicators[:, -1, 0] > 0.6) and np.all(tm.indicators[:, 0, 0] < 0.05)
    assert tm.indicators[:, -1, 1].mean() > 10 * tm.indicators[:, 0, 1].mean()
    assert tm.attack_active[:, -1].all() and not tm.attack_active[:, 0].any()
    assert not generate("normal", 5, 50, 3).attack_active.any()


def test_missing_rate_injects_nans():
    tm = generate("normal", 4, 100, 0, missing_rate=0.1)
    share = np.isnan(tm.features).mean()
    assert 0.05 < share < 0.15


def test_eq11_matches_a_direct_computation():
    rng = np.random.default_rng(0)
    x = rng.normal(5, 2, size=(12, 8))
    x[7, 2] = 1e6  # an outlier is clipped to +c
    pre = Preprocessor(COMPACT_FEATURES, clip=3.0, batch=1)
    for t in range(len(x)):
        u = pre.transform(x[None, t])[0]
        hist = x[: t + 1]
        mu = hist.mean(0)
        sd = hist.std(0, ddof=1) if t else np.ones(8)
        z = np.clip((x[t] - mu) / sd, -3, 3)
        np.testing.assert_allclose(u, np.maximum((z + 3) / 6, 1e-3), atol=1e-12)


def test_encoding_is_unit_norm_with_slot_ranges():
    pre = Preprocessor(FEATURES, batch=3)
    assert pre.num_qubits == math.ceil(math.log2(len(FEATURES))) == 4
    tm = generate("normal", 3, 5, 2)
    for t in range(5):
        psi = pre.encode(tm.features[:, t])
    assert psi.shape == (3, 16)
    np.testing.assert_allclose(np.linalg.norm(psi, axis=1), 1.0)
    assert np.all(psi[:, len(FEATURES):] == 0)  # padding
    assert dict(pre.slot_map.slots) == {"RU": (0, 4), "DU": (4, 7), "CU": (7, 10)}


def test_missing_values_error_or_impute():
    x = np.array([[1.0] * 8, [2.0] * 8])
    bad = x.copy()
    bad[1, 3] = np.nan
    with pytest.raises(DataError, match="sched_load"):
        Preprocessor(COMPACT_FEATURES, imputation="error", batch=2).transform(bad)
    with pytest.raises(DataError, match="no earlier value"):
        Preprocessor(COMPACT_FEATURES, imputation="mean", batch=2).transform(bad)
    pre = Preprocessor(COMPACT_FEATURES, imputation="last", batch=2)
    pre.transform(x)
    out = pre.transform(bad)
    assert np.all(np.isfinite(out))
    with pytest.raises(DataError, match="infinite"):
        pre.transform(np.full((2, 8), np.inf))
    with pytest.raises(DataError, match="shape"):
        pre.transform(np.ones((2, 7)))


def test_slot_map_rejects_unknown_or_interleaved_features():
    with pytest.raises(DataError, match="no RU/DU/CU slot"):
        slot_map_for(["prb_util", "bogus"])
    with pytest.raises(DataError, match="not contiguous"):
        slot_map_for(["prb_util", "sched_load", "snr_db"])


def test_registers_and_layouts():
    assert split_qubits(3) == {"RU": [0], "DU": [1], "CU": [2]}
    assert split_qubits(5) == {"RU": [0, 1], "DU": [2, 3], "CU": [4]}
    with pytest.raises(ValueError):
        split_qubits(3, {"RU": 2, "DU": 2, "CU": 1})
    for layout in ("composite", "ghz", "cluster"):
        u = entangling_unitary(3, layout)
        np.testing.assert_allclose(u @ u.T, np.eye(8), atol=1e-12)
    ghz = entangling_unitary(3, "ghz")[:, 0]
    np.testing.assert_allclose(ghz, np.r_[1, 0, 0, 0, 0, 0, 0, 1] / np.sqrt(2), atol=1e-12)

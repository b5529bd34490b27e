"""CESNET-TimeSeries24 loading (explicit missing windows), features without leakage, labels."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qsec6g.errors import DataError, UserInputError
from qsec6g.zerotrust.cesnet import TRAFFIC_COLUMNS, cesnet_features, load_cesnet, quantile_labels
from qsec6g.zerotrust.injection import ATTACK_KINDS, inject_attacks

DAY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cesnet-timeseries24" / "agg_1_day"
needs_data = pytest.mark.skipif(not DAY.is_dir(), reason="CESNET-TimeSeries24 sample not in ../shared/data")


@pytest.fixture(scope="module")
def days():
    return load_cesnet(DAY, max_entities=20, seed=0)


@needs_data
def test_missing_windows_are_explicit(days):
    n_ent, t = days["entity"].nunique(), days["id_time"].max() + 1
    assert len(days) == n_ent * t
    e = days["entity"].iloc[0]
    raw = pd.read_csv(DAY / f"{e}.csv")
    mine = days[days.entity == e].set_index("id_time")
    assert mine["missing"].sum() == t - len(raw)
    assert (mine.loc[raw["id_time"], "missing"] == 0).all()
    np.testing.assert_allclose(mine.loc[raw["id_time"], "n_bytes"], raw["n_bytes"])
    assert (mine.loc[mine.missing == 1, list(TRAFFIC_COLUMNS)] == 0).all().all()


@needs_data
def test_injection_ground_truth_and_intensity_dial(days):
    a = inject_attacks(days, rate=0.05, intensity=1.0, seed=1)
    assert 0.03 < a["attack"].mean() < 0.07
    assert set(a.loc[a.attack == 1, "attack_kind"]) == set(ATTACK_KINDS)
    untouched = a.attack == 0
    pd.testing.assert_frame_equal(a.loc[untouched, list(TRAFFIC_COLUMNS)], days.loc[untouched, list(TRAFFIC_COLUMNS)])
    ddos = a.attack_kind == "ddos"
    assert (a.loc[ddos, "n_flows"] > days.loc[ddos, "n_flows"]).all()
    scan = a.attack_kind == "vscan"
    assert (a.loc[scan, "sum_n_dest_ports"] > days.loc[scan, "sum_n_dest_ports"]).all()
    weak = inject_attacks(days, rate=0.05, intensity=0.25, seed=1)           # same rows, smaller shifts
    np.testing.assert_array_equal(weak.attack, a.attack)
    assert (weak.loc[ddos, "n_flows"] < a.loc[ddos, "n_flows"]).all()
    with pytest.raises(UserInputError):
        inject_attacks(days, kinds=("teleport",))


@needs_data
def test_entity_baselines_use_training_rows_only(days):
    train = (days["id_time"] < 150).to_numpy()
    f1 = cesnet_features(days, train)
    changed = days.copy()
    changed.loc[~train, "n_bytes"] *= 1000                                   # test-period traffic changes …
    f2 = cesnet_features(changed, train)
    np.testing.assert_allclose(f1.loc[train].to_numpy(), f2.loc[train].to_numpy())   # … train features do not


@needs_data
def test_paper_quantile_labels(days):
    y3 = quantile_labels(days, "n_bytes")
    observed = days.missing == 0
    frac = np.bincount(y3[observed], minlength=3) / observed.sum()
    assert abs(frac[1] + frac[2] - 0.05) < 0.01 and abs(frac[2] - 0.01) < 0.005


def test_missing_folder_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no CESNET"):
        load_cesnet(tmp_path)

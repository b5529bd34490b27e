"""Schema-driven loading, preprocessing fitted on train only, leakage-free splits."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qsec6g.errors import ConfigError, DataError, UserInputError
from qsec6g.zerotrust.evaluation import prepare_table
from qsec6g.zerotrust.loaders import load_table
from qsec6g.zerotrust.preprocessing import iqr_filter, make_preprocessor
from qsec6g.zerotrust.qubit_budget import qubit_budget
from qsec6g.zerotrust.schema import FlowSchema, builtin_schema, load_schema
from qsec6g.zerotrust.splits import entity_split, stratified_split, time_split

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NSL = DATA / "nsl-kdd" / "KDDTest+.txt"


@pytest.mark.skipif(not NSL.is_file(), reason="NSL-KDD not present in ../shared/data")
def test_nsl_kdd_schema_loads_the_shipped_file():
    t = load_table(NSL, builtin_schema("nsl_kdd"))
    assert len(t.y) == 22544
    assert t.X.shape[1] == 41 and "land" in t.X.columns and "difficulty_level" not in t.X.columns
    assert int((t.y == 0).sum()) == 9711                                   # label 5 = normal (data README)
    assert np.bincount(t.y3).tolist() == [9711, 2421, 7458 + 200 + 2754]   # Probe suspicious, rest malicious
    assert t.coerced == {}


def unsw_like(path: Path, n: int = 200, seed: int = 0) -> Path:
    """A small table in UNSW-NB15's published column layout (id, features…, attack_cat, label)."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    df = pd.DataFrame({
        "id": np.arange(n), "dur": rng.exponential(1, n) + label, "proto": rng.choice(["tcp", "udp"], n),
        "service": rng.choice(["-", "http", "dns"], n), "state": rng.choice(["FIN", "INT"], n),
        "spkts": rng.integers(1, 50, n) * (1 + 3 * label), "sbytes": rng.integers(10, 5000, n),
        "attack_cat": np.where(label == 1, "Exploits", "Normal"), "label": label,
    })
    df.to_csv(path, index=False)
    return path


def test_unsw_schema_glob_and_cli_schema(tmp_path):
    unsw_like(tmp_path / "part1.csv", seed=0)
    unsw_like(tmp_path / "part2.csv", seed=1)
    t = load_table(tmp_path / "part*.csv", builtin_schema("unsw_nb15"))
    assert len(t.y) == 400 and "attack_cat" not in t.X.columns and "id" not in t.X.columns
    assert set(t.categorical) == {"proto", "service", "state"}
    flags = FlowSchema.from_flags("label", normal="0", categorical="proto,service,state", drop="id,attack_cat")
    t2 = load_table(tmp_path / "part1.csv", flags)
    assert list(t2.X.columns) == [c for c in t.X.columns]
    np.testing.assert_array_equal(t2.y, t.y[:200])


def test_loader_errors_name_the_problem(tmp_path):
    f = unsw_like(tmp_path / "t.csv")
    with pytest.raises(DataError, match="attack_kind"):
        load_table(f, FlowSchema.from_flags("label", drop="attack_kind"))
    with pytest.raises(DataError, match="no file matches"):
        load_table(tmp_path / "nothing*.csv", builtin_schema("unsw_nb15"))
    bad = tmp_path / "schema.yaml"
    bad.write_text("label: label\nlabell: x\n")
    with pytest.raises(ConfigError, match="labell"):
        load_schema(bad)
    with pytest.raises(ConfigError, match="unknown built-in schema"):
        builtin_schema("kdd99")


def test_non_numeric_values_are_counted_and_imputed_with_zero(tmp_path):
    df = pd.DataFrame({"a": ["1", "x", "3", "4"], "b": [1.0, 2.0, np.nan, 4.0], "y": [0, 1, 0, 1]})
    df.to_csv(tmp_path / "t.csv", index=False)
    t = load_table(tmp_path / "t.csv", FlowSchema.from_flags("y"))
    assert t.coerced == {"a": 1}
    pre = make_preprocessor(["a", "b"], []).fit(t.X.iloc[:2])                # fit on "train" rows only
    scaler = pre.named_transformers_["num"][-1]
    np.testing.assert_allclose(scaler.mean_, [0.5, 1.5])                     # x → NaN → 0 before scaling


def test_preprocessing_uses_train_statistics_only():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(0, 1, 100), "c": rng.choice(["u", "v"], 100)})
    pre = make_preprocessor(["a"], ["c"]).fit(X.iloc[:50])
    shifted = X.copy()
    shifted.loc[50:, "a"] += 1000                                             # changing test rows …
    np.testing.assert_allclose(pre.transform(X.iloc[:50]),
                               make_preprocessor(["a"], ["c"]).fit(shifted.iloc[:50]).transform(shifted.iloc[:50]))
    unseen = pre.transform(pd.DataFrame({"a": [0.0], "c": ["w"]}))           # unseen category ignored
    assert unseen[0, 1:].sum() == 0


def test_iqr_filter_counts():
    X = pd.DataFrame({"a": [1, 2, 3, 4, 100.0], "z": [0, 0, 0, 0, 5.0]})
    keep, counts = iqr_filter(X, ["a", "z"])
    assert keep.tolist() == [True, True, True, True, False]
    assert counts == {"a": 1}                                                 # zero-IQR column skipped


def test_splits_are_disjoint_and_respect_their_rules():
    rng = np.random.default_rng(0)
    y = (rng.random(1000) < 0.1).astype(int)
    tr, va, te = stratified_split(y, seed=1)
    assert len(set(tr) | set(va) | set(te)) == 1000 and not set(tr) & set(te)
    assert abs(y[tr].mean() - y.mean()) < 0.01 and abs(y[te].mean() - y.mean()) < 0.02
    t = np.repeat(np.arange(100), 3)
    a, b, c = time_split(t)
    assert t[a].max() < t[b].min() and t[b].max() < t[c].min()
    e = rng.integers(0, 30, 600).astype(str)
    a, b, c = entity_split(e, seed=2)
    assert not (set(e[a]) & set(e[b])) and not (set(e[a]) & set(e[c])) and not (set(e[b]) & set(e[c]))
    with pytest.raises(UserInputError):
        stratified_split(y, fractions=(0.5, 0.5, 0.5))


def test_prepare_table_split_is_reproducible(tmp_path):
    t = load_table(unsw_like(tmp_path / "t.csv", n=300), builtin_schema("unsw_nb15"))
    a, b = prepare_table(t, "u", seed=3), prepare_table(t, "u", seed=3)
    assert a.split_indices == b.split_indices
    np.testing.assert_array_equal(a.X["test"], b.X["test"])
    assert abs(a.X["train"].mean(axis=0)[0]) < 1e-9                          # scaled on train


def test_qubit_budget_eqs_17_to_19():
    b = qubit_budget(41, "amplitude")
    assert (b.q_enc, b.q_vqc, b.q_total_printed, b.q_total) == (6, 6, 12, 6)
    assert qubit_budget(8, "angle", n_ancilla=1).q_total == 9
    with pytest.raises(UserInputError):
        qubit_budget(0)

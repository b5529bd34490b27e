from pathlib import Path

import pytest

from qsec6g.colosseum import read_srsran_csv
from qsec6g.errors import ConfigError, DataError
from qsec6g.twin.colosseum import load_kpis, load_slot_map, to_episodes

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "colosseum-oran"
BS = DATA / "rome_static_medium" / "sched0" / "tr0" / "exp1" / "bs1"
needs_data = pytest.mark.skipif(not BS.is_dir(), reason="ColO-RAN sample not present (../shared/data/colosseum-oran)")


@needs_data
def test_real_ue_log_drops_truncated_row_and_maps_slots():
    path = BS / "ue1.csv"
    lines = path.read_text().splitlines()
    assert lines[-1].count(",") < lines[0].count(",")  # the shipped file really is truncated
    assert len(read_srsran_csv(path)) == len(lines) - 2
    sm = load_slot_map()
    df = load_kpis(path, sm)
    assert list(df.columns[1:]) == list(sm.features) and not df.isna().any().any()
    assert len(df) < len(lines) - 2  # rows before attach dropped
    x = to_episodes(df, sm.features, 50)
    assert x.shape == (len(df) // 50, 50, 8)


@needs_data
def test_slicing_log_with_empty_header_names_is_tolerated():
    df = read_srsran_csv(next((BS / "slices_bs1").glob("*_metrics.csv")))
    assert "slice_prb" in df.columns and not any(c.startswith("Unnamed") or not c.strip() for c in df.columns)


def _write(tmp_path, text):
    p = tmp_path / "ue.csv"
    p.write_text(text)
    return p


def test_missing_column_and_nan_policies(tmp_path):
    header = "time,dl_snr,rsrp,cfo,dl_mcs,dl_bler,ul_bler,ul_buff,dl_brate,is_attached\n"
    rows = "0,10,-60,1,5,1,2,0,100,1\n1,,-60,1,5,1,2,0,100,1\n2,12,-60,1,5,1,2,0,100,1\n"
    p = _write(tmp_path, header + rows)
    with pytest.raises(DataError, match="dl_snr"):
        load_kpis(p)
    sm = load_slot_map()
    for mode, expect_rows, value in (("drop", 2, 12.0), ("ffill", 3, 10.0), ("mean", 3, 11.0)):
        df = load_kpis(p, sm.model_copy(update={"missing": mode}))
        assert len(df) == expect_rows
        assert df["dl_snr"].iloc[1] == value
    q = _write(tmp_path, "time,dl_snr\n0,1\n")
    with pytest.raises(DataError, match="not in the file"):
        load_kpis(q)
    with pytest.raises(DataError, match="not found"):
        load_kpis(tmp_path / "absent.csv")


def test_bad_slot_map_is_a_config_error(tmp_path):
    p = tmp_path / "sm.yaml"
    p.write_text("slots: {RU: [a], DU: [b]}\n")
    with pytest.raises(ConfigError, match="RU, DU and CU"):
        load_slot_map(p)
    p.write_text("slots: {RU: [a], DU: [b], CU: [c]}\nmissing: guess\n")
    with pytest.raises(ConfigError, match="missing"):
        load_slot_map(p)

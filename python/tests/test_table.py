"""Delta tables from Python: writes in every mode, time travel, history, scans,
delete, update, maintenance, and the errors users meet."""

import datetime
import json

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import quire


def _frame(start, n, day="2024-05-01"):
    return pd.DataFrame({
        "id": np.arange(start, start + n, dtype=np.int64),
        "name": [f"n{i}" for i in range(start, start + n)],
        "score": np.arange(start, start + n) * 0.5,
        "day": pd.to_datetime([day] * n).date,
    })


def _sorted(df):
    return df.sort_values("id").reset_index(drop=True)


def test_create_append_overwrite_and_time_travel(tmp_path):
    uri = str(tmp_path / "t")
    r0 = quire.write_table(uri, _frame(0, 10))
    assert r0["version"] == 0 and r0["rows_written"] == 10
    r1 = quire.write_table(uri, _frame(10, 5), mode="append")
    assert r1["version"] == 1
    t = quire.Table(uri)
    assert t.version == 1
    assert t.schema.names == ["id", "name", "score", "day"]
    assert t.schema.types == ["int64", "string", "double", "date32[day]"]
    pdt.assert_frame_equal(_sorted(t.to_pandas()), _sorted(pd.concat([_frame(0, 10), _frame(10, 5)])))
    quire.write_table(uri, _frame(100, 3), mode="overwrite")
    assert _sorted(quire.Table(uri).to_pandas())["id"].tolist() == [100, 101, 102]
    assert len(quire.Table(uri, version=0).to_pandas()) == 10
    assert len(quire.Table(uri, version=1).to_pandas()) == 15
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    assert quire.Table(uri, as_of=later).version == 2
    with pytest.raises(FileNotFoundError):
        quire.Table(uri, version=7)
    history = quire.Table(uri).history()
    assert [h["version"] for h in history] == [2, 1, 0]
    assert history[0]["parameters"]["mode"] == "Overwrite"
    with pytest.raises(quire.AlreadyExistsError):
        quire.write_table(uri, _frame(0, 1), mode="error")


def test_partitions_filters_and_files(tmp_path):
    uri = str(tmp_path / "p")
    df = pd.concat([_frame(0, 4, "2024-05-01"), _frame(4, 4, "2024-05-02"),
                    _frame(8, 4, "2024-05-03")], ignore_index=True)
    quire.write_table(uri, df, partition_by=["day"])
    t = quire.Table(uri)
    assert t.partition_columns == ["day"]
    files = t.files()
    assert len(files) == 3
    assert sorted(f["partition_values"]["day"] for f in files) == ["2024-05-01", "2024-05-02",
                                                                   "2024-05-03"]
    assert all(f["num_records"] == 4 for f in files)
    got = t.to_pandas(filters=[("day", "==", datetime.date(2024, 5, 2))])
    assert sorted(got["id"]) == [4, 5, 6, 7]
    got = t.to_pandas(columns=["id"], filters="day >= '2024-05-02' and score > 5")
    assert list(got.columns) == ["id"] and sorted(got["id"]) == [11]
    dnf = t.to_pandas(filters=[[("id", "<", 1)], [("day", "in", [datetime.date(2024, 5, 3)]),
                                                 ("id", ">", 10)]])
    assert sorted(dnf["id"]) == [0, 11]
    # Overwrite one partition.
    quire.write_table(uri, _frame(50, 2, "2024-05-02"), mode="overwrite",
                      predicate=[("day", "=", datetime.date(2024, 5, 2))])
    assert sorted(quire.Table(uri).to_pandas()["id"]) == [0, 1, 2, 3, 8, 9, 10, 11, 50, 51]
    with pytest.raises(quire.InvalidArgumentError, match="does not match replace_where"):
        quire.write_table(uri, _frame(60, 1, "2024-05-09"), mode="overwrite",
                          predicate="day = '2024-05-02'")


def test_schema_enforced_and_merged(tmp_path):
    uri = str(tmp_path / "s")
    quire.write_table(uri, _frame(0, 2))
    wrong = _frame(2, 1).assign(id=["x"])
    with pytest.raises(quire.SchemaMismatchError, match="column 'id': the table has type int64"):
        quire.write_table(uri, wrong)
    extra = _frame(3, 1).assign(extra=[1.5])
    with pytest.raises(quire.SchemaMismatchError, match="column 'extra'"):
        quire.write_table(uri, extra)
    quire.write_table(uri, extra, schema_mode="merge")
    t = quire.Table(uri)
    assert t.schema.names[-1] == "extra"
    got = _sorted(t.to_pandas())
    assert got["extra"].isna().tolist() == [True, True, False]
    assert quire.Table(uri).version == 1


def test_delete_update_and_maintenance(tmp_path):
    uri = str(tmp_path / "d")
    for i in range(4):
        quire.write_table(uri, _frame(i * 10, 10))
    t = quire.Table(uri)
    r = t.delete("id >= 35")
    assert t.version == r["version"] == 4
    assert len(t.to_pandas()) == 35
    t.update([("id", "<", 3)], {"name": "updated", "score": -1.0})
    got = _sorted(t.to_pandas())
    assert got["name"][:3].tolist() == ["updated"] * 3 and got["score"][:3].tolist() == [-1.0] * 3
    assert got["name"][3] == "n3"
    before = len(t.files())
    result = t.optimize()
    assert result["version"] == t.version and len(t.files()) < before
    pdt.assert_frame_equal(_sorted(t.to_pandas()), got)
    path = t.checkpoint()
    assert path.endswith(f"{t.version:020d}.checkpoint.parquet")
    assert t.vacuum(dry_run=True) == []  # everything removed is younger than 7 days
    with pytest.raises(quire.InvalidArgumentError, match="7 days"):
        t.vacuum(retention_hours=0)
    doomed = t.vacuum(retention_hours=0, enforce_retention=False, dry_run=True)
    assert doomed and all(p.endswith(".parquet") for p in doomed)
    t.vacuum(retention_hours=0, enforce_retention=False)
    pdt.assert_frame_equal(_sorted(quire.Table(uri).to_pandas()), got)


def test_idempotent_writes(tmp_path):
    uri = str(tmp_path / "i")
    quire.write_table(uri, _frame(0, 1), app_id="job", app_version=1)
    again = quire.write_table(uri, _frame(0, 1), app_id="job", app_version=1)
    assert again["skipped"] and len(quire.Table(uri).to_pandas()) == 1


def test_scan_is_lazy_and_streams(tmp_path):
    uri = str(tmp_path / "l")
    for i in range(3):
        quire.write_table(uri, _frame(i * 100, 100))
    scan = quire.Table(uri).scan(columns=["id"])
    batches = list(scan.to_batches())
    assert sum(b.num_rows for b in batches) == 300
    with pytest.raises(quire.InvalidArgumentError, match="consumed"):
        scan.read_all()


def test_pandas_round_trip_through_a_table(tmp_path, all_types_frame):
    """Delta's types are fewer than Parquet's: unsigned integers widen, time of
    day and nested lists of structs are refused by the protocol's schema; the
    rest comes back equal."""
    df = all_types_frame.drop(columns=["u8", "u16", "u32", "u64", "UInt32", "time", "td",
                                       "bytes", "cat", "cat_ordered", "ts", "i8", "Int8", "i16",
                                       "nested", "ts_paris", "f32"])
    uri = str(tmp_path / "rt")
    quire.write_table(uri, df)
    back = quire.Table(uri).to_pandas(strings="object")
    expected = df.copy()
    expected["string"] = expected["string"].astype(object).where(expected["string"].notna(), None)
    expected["ts_utc"] = expected["ts_utc"]
    back["string"] = back["string"].astype(object)
    pdt.assert_frame_equal(back, expected, check_dtype=False)


def test_missing_table_and_bad_filters(tmp_path):
    with pytest.raises(FileNotFoundError):
        quire.Table(str(tmp_path / "nothing"))
    uri = str(tmp_path / "f")
    quire.write_table(uri, _frame(0, 2))
    with pytest.raises(quire.InvalidArgumentError, match="position"):
        quire.Table(uri).to_pandas(filters="id >")
    with pytest.raises(ValueError, match="unknown filter operator"):
        quire.Table(uri).to_pandas(filters=[("id", "~", 1)])
    with pytest.raises(quire.NotFoundError):
        quire.Table(uri).to_pandas(filters="nope = 1")


def test_nanosecond_timestamps_fit_only_when_whole_microseconds(tmp_path):
    uri = str(tmp_path / "ns")
    ok = pd.DataFrame({"t": pd.to_datetime(["2024-01-01 00:00:00.000001", "2024-01-02"])})
    quire.write_table(uri, ok)
    assert quire.Table(uri).schema.types == ["timestamp[us]"]
    pdt.assert_frame_equal(quire.Table(uri).to_pandas(), ok)
    bad = pd.DataFrame({"t": pd.to_datetime(["2024-01-01 00:00:00.000000001"])})
    with pytest.raises(quire.SchemaMismatchError, match="column 't'.*row 0"):
        quire.write_table(uri, bad)
    assert quire.Table(uri).version == 0

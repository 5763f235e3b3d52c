"""Parquet files from Python: round trips of every dtype, projections, filters,
ParquetFile, and reading files other writers produced."""

import json
import pathlib

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import quire

DATA = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "parquet" / "data"


def test_every_dtype_round_trips(tmp_path, all_types_frame):
    path = tmp_path / "all.parquet"
    summary = quire.write_parquet(all_types_frame, path)
    assert summary["num_rows"] == 5
    back = quire.read_parquet(path)
    pdt.assert_frame_equal(back, all_types_frame)


@pytest.mark.parametrize("compression", ["snappy", "zstd", "gzip", "brotli", "lz4", "none"])
def test_writer_options(tmp_path, compression):
    df = pd.DataFrame({"a": np.arange(10_000), "b": np.arange(10_000) % 7})
    path = tmp_path / "x.parquet"
    quire.write_parquet(df, path, compression=compression, row_group_size=3000,
                        data_page_version="2.0", bloom_filter_columns=["b"],
                        key_value_metadata={"k": "v"})
    f = quire.ParquetFile(path)
    assert f.num_row_groups == 4
    md = f.metadata
    assert md["key_value_metadata"]["k"] == "v"
    expected = "UNCOMPRESSED" if compression == "none" else \
        ("LZ4_RAW" if compression == "lz4" else compression.upper())
    assert md["row_groups"][0]["columns"][0]["compression"] == expected
    pdt.assert_frame_equal(quire.read_parquet(path), df)


def test_unknown_writer_option_is_an_error(tmp_path):
    with pytest.raises(quire.InvalidArgumentError, match="unknown writer option 'compresion'"):
        quire.write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "x.parquet", compresion="zstd")


def test_index_kept_dropped_and_restored(tmp_path):
    df = pd.DataFrame({"a": [1, 2, 3]}, index=pd.Index(["x", "y", "z"], name="key"))
    quire.write_parquet(df, tmp_path / "kept.parquet")
    pdt.assert_frame_equal(quire.read_parquet(tmp_path / "kept.parquet"), df)
    quire.write_parquet(df, tmp_path / "dropped.parquet", index=False)
    pdt.assert_frame_equal(quire.read_parquet(tmp_path / "dropped.parquet"),
                           df.reset_index(drop=True))
    multi = pd.DataFrame({"v": [1.0, 2.0]},
                         index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", None]))
    quire.write_parquet(multi, tmp_path / "multi.parquet")
    pdt.assert_frame_equal(quire.read_parquet(tmp_path / "multi.parquet"), multi)
    ranged = pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(10, 14, 2))
    quire.write_parquet(ranged, tmp_path / "range.parquet")
    pdt.assert_frame_equal(quire.read_parquet(tmp_path / "range.parquet"), ranged)


def test_columns_and_filters(tmp_path):
    n = 100_000
    df = pd.DataFrame({"id": np.arange(n), "g": np.array(["a", "b", "c", "d"])[np.arange(n) % 4],
                       "v": np.arange(n) * 0.5})
    path = tmp_path / "f.parquet"
    quire.write_parquet(df, path, row_group_size=10_000)
    got = quire.read_parquet(path, columns=["v", "id"], filters=[("id", ">=", 99_990)])
    assert list(got.columns) == ["v", "id"]
    assert got["id"].tolist() == list(range(99_990, 100_000))
    dnf = quire.read_parquet(path, filters=[[("id", "<", 3)], [("g", "in", ["d"]), ("id", ">", n - 9)]])
    assert dnf["id"].tolist() == [0, 1, 2, n - 5, n - 1]
    text = quire.read_parquet(path, filters="id < 3 or (g = 'd' and id > 99991)")
    pdt.assert_frame_equal(text, dnf)
    none = quire.read_parquet(path, filters=[("g", "==", "zz")])
    assert len(none) == 0 and list(none.columns) == ["id", "g", "v"]


def test_parquet_file_row_groups_and_batches(tmp_path):
    df = pd.DataFrame({"a": np.arange(25_000, dtype=np.int32), "b": np.arange(25_000) % 3 == 0})
    path = tmp_path / "rg.parquet"
    quire.write_parquet(df, path, row_group_size=10_000)
    f = quire.ParquetFile(path)
    assert (f.num_row_groups, f.num_rows) == (3, 25_000)
    assert f.schema.names == ["a", "b"] and f.schema.types == ["int32", "bool"]
    stats = f.metadata["row_groups"][1]["columns"][0]["statistics"]
    assert (stats["min"], stats["max"], stats["null_count"]) == (10_000, 19_999, 0)
    pdt.assert_frame_equal(f.read_row_group(2, columns=["a"]),
                           df[["a"]].iloc[20_000:].reset_index(drop=True))
    sizes = [b.num_rows for b in f.iter_batches(batch_size=4096)]
    assert sum(sizes) == 25_000 and max(sizes) <= 4096
    with pytest.raises(IndexError):
        f.read_row_group(3)


def _same(got, want):
    """Compare a pandas value with a value of the expected JSON (DuckDB's
    rendering): numbers, booleans, strings, and BLOBs as "0x" hex."""
    if isinstance(got, np.generic):
        got = got.item()
    if want is None:
        return got is None or got is pd.NA or (isinstance(got, float) and got != got)
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return got == want or (got != got and want != want) or abs(got - want) <= 1e-6 * abs(want)
    if isinstance(want, str) and isinstance(got, bytes):
        return want == "0x" + got.hex()
    if isinstance(want, str) and isinstance(got, str):
        return got == want
    return None  # a type JSON renders its own way (timestamps, lists...): not compared


@pytest.mark.parametrize("name", [
    "alltypes_plain.parquet", "alltypes_dictionary.parquet", "alltypes_plain.snappy.parquet",
    "datapage_v2.snappy.parquet", "binary.parquet", "data_index_bloom_encoding_stats.parquet",
    "single_nan.parquet", "int32_with_null_pages.parquet",
    "plain-dict-uncompressed-checksum.parquet", "rle_boolean_encoding.parquet",
    "delta_encoding_required_column.parquet", "dict-page-offset-zero.parquet"])
def test_corpus_files_read_like_their_expected_rows(name):
    """Files of other writers (apache/parquet-testing) against the corpus's
    expected rows, value by value for every flat column JSON can carry."""
    path = DATA / name
    expected = json.loads((DATA / (name + ".expected.json")).read_text())
    frame = quire.read_parquet(path, timestamps="object")
    assert len(frame) == expected["num_rows"]
    assert list(frame.columns) == [c["name"] for c in expected["columns"]]
    rows = expected.get("rows")
    assert rows is not None
    compared = 0
    if all(v is None for row in rows for v in row):
        compared = 1
    for i, row in enumerate(rows):
        for j, want in enumerate(row):
            verdict = _same(frame.iat[i, j], want)
            if verdict is not None:
                assert verdict, (name, i, frame.columns[j], frame.iat[i, j], want)
                compared += 1
    assert compared > 0


def test_timestamps_outside_pandas_range_need_object_mode():
    """nested_structs.rust.parquet holds timestamps in the year 52951: pandas'
    datetime64[ns] cannot hold them, so the default read says so and names the
    way out; Python's datetime cannot either, which timestamps='object' reports.
    The file's timestamps sit inside structs, which become Python objects."""
    path = DATA / "nested_structs.rust.parquet"
    with pytest.raises(quire.InvalidArgumentError,
                       match="column 'ul_observation_date': timestamp 52951-07-27T10:00:00.000000 "
                             "is outside Python's datetime range"):
        quire.read_parquet(path)
    data = quire.read_parquet(path, to_pandas=False, columns=["ul_observation_date"])
    assert data.num_rows == 1


def test_timestamp_column_outside_pandas_range(tmp_path):
    import datetime
    df = pd.DataFrame({"t": [datetime.datetime(3000, 1, 1), datetime.datetime(2000, 1, 1)]},
                      dtype=object)
    quire.write_parquet(df, tmp_path / "far.parquet")
    with pytest.raises(quire.InvalidArgumentError, match="column 't': .*timestamps='object'"):
        quire.read_parquet(tmp_path / "far.parquet")
    back = quire.read_parquet(tmp_path / "far.parquet", timestamps="object")
    assert back["t"].tolist() == df["t"].tolist()


def test_conversion_options(tmp_path):
    import datetime
    import decimal
    df = pd.DataFrame({"i": pd.array([1, None], dtype="Int32"),
                       "b": pd.array([True, None], dtype="boolean"),
                       "s": ["x", None],
                       "d": [datetime.date(2024, 5, 1), None],
                       "dec": [decimal.Decimal("1.25"), None]})
    quire.write_parquet(df, tmp_path / "o.parquet")
    got = quire.read_parquet(tmp_path / "o.parquet", use_metadata=False, integer_nulls="float",
                             boolean_nulls="object", strings="string", dates="datetime64",
                             decimals="float")
    assert got["i"].dtype == np.float64 and np.isnan(got["i"][1])
    assert got["b"].tolist() == [True, None]
    assert str(got["s"].dtype) == "string" and got["s"][1] is pd.NA
    assert got["d"].dtype == "datetime64[ns]" and got["d"][0] == pd.Timestamp("2024-05-01")
    assert got["dec"].dtype == np.float64 and got["dec"][0] == 1.25 and np.isnan(got["dec"][1])
    with pytest.raises(ValueError, match="decimals must be one of"):
        quire.read_parquet(tmp_path / "o.parquet", decimals="int")

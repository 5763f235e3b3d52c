"""quire.dask on a distributed.LocalCluster of 2 worker processes: writes from
Dask commit once, reads come back equal through pandas and Dask, a failed task
leaves the table as it was, and plain Parquet folders read with Hive columns."""

import datetime

import dask
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import quire
import quire.dask


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    assert len(c.scheduler_info()["workers"]) == 2
    yield c
    c.close()
    cluster.close()


def _frame(n=40_000):
    rng = np.random.default_rng(7)
    days = np.array([datetime.date(2024, 5, d) for d in range(1, 5)], dtype=object)
    return pd.DataFrame({
        "id": np.arange(n, dtype=np.int64),
        "day": days[np.arange(n) % 4],
        "kind": np.array(["a", "b", "c"])[np.arange(n) % 3],
        "v": rng.random(n),
    })


def _sorted(df):
    return df.sort_values("id").reset_index(drop=True)


def test_write_from_dask_then_read_with_pandas_and_dask(client, tmp_path):
    uri = str(tmp_path / "events")
    df = _frame()
    ddf = dd.from_pandas(df, npartitions=8)
    result = quire.dask.write_table(ddf, uri, partition_by=["day"])
    assert result["version"] == 0 and result["rows_written"] == len(df)
    table = quire.Table(uri)
    assert table.version == 0 and len(table.history()) == 1
    assert len(table.files()) == 8 * 4  # every task writes one file per day it holds
    pdt.assert_frame_equal(_sorted(table.to_pandas()), _sorted(df))
    back = quire.dask.read_table(uri)
    assert back.npartitions == len(table.files())
    pdt.assert_frame_equal(_sorted(back.compute()), _sorted(df), check_dtype=False)
    grouped = quire.dask.read_table(uri, files_per_partition=5)
    assert grouped.npartitions == -(-len(table.files()) // 5)
    pdt.assert_frame_equal(_sorted(grouped.compute()), _sorted(df), check_dtype=False)
    filtered = quire.dask.read_table(uri, columns=["id", "v"],
                                     filters=[("day", "==", datetime.date(2024, 5, 2)),
                                              ("kind", "=", "b")])
    assert filtered.npartitions == 8  # planned from partition values: one day's files
    expected = df[(df["day"] == datetime.date(2024, 5, 2)) & (df["kind"] == "b")][["id", "v"]]
    pdt.assert_frame_equal(_sorted(filtered.compute()), _sorted(expected), check_dtype=False)
    # A second write appends one version; time travel through Dask too.
    quire.dask.write_table(dd.from_pandas(df.assign(id=df["id"] + len(df)), npartitions=3), uri)
    assert quire.Table(uri).version == 1
    assert len(quire.dask.read_table(uri, version=0).compute()) == len(df)
    assert len(quire.dask.read_table(uri).compute()) == 2 * len(df)


def _fail_on_third(part):
    if (part["id"] >= 20_000).any() and (part["id"] < 25_000).any():
        raise RuntimeError("task failed on purpose")
    return part


def test_a_failed_task_commits_nothing(client, tmp_path):
    uri = str(tmp_path / "fails")
    df = _frame()
    quire.dask.write_table(dd.from_pandas(df.iloc[:100], npartitions=1), uri)
    ddf = dd.from_pandas(df, npartitions=8).map_partitions(_fail_on_third, meta=df.iloc[:0])
    with pytest.raises(RuntimeError, match="on purpose"):
        quire.dask.write_table(ddf, uri, mode="overwrite")
    table = quire.Table(uri)
    assert table.version == 0
    assert len(table.to_pandas()) == 100


def test_read_parquet_folders_with_hive_partitions(client, tmp_path):
    df = _frame(4000)
    for day, part in df.groupby("day"):
        for k, (_, chunk) in enumerate(part.groupby((part["id"] // 4) % 2)):
            folder = tmp_path / "hive" / f"day={day.isoformat()}" / "n=7"
            folder.mkdir(parents=True, exist_ok=True)
            quire.write_parquet(chunk.drop(columns=["day"]), folder / f"part-{k}.parquet",
                                index=False)
    (tmp_path / "hive" / "_SUCCESS").write_text("")
    ddf = quire.dask.read_parquet(str(tmp_path / "hive"))
    assert ddf.npartitions == 8
    got = _sorted(ddf.compute())
    assert got["n"].unique().tolist() == [7]
    assert got["day"].tolist() == [d.isoformat() for d in _sorted(df)["day"]]
    pdt.assert_frame_equal(got[["id", "kind", "v"]], _sorted(df)[["id", "kind", "v"]],
                           check_dtype=False)
    one = quire.dask.read_parquet(str(tmp_path / "hive"), columns=["id"],
                                  filters=[("day", "=", "2024-05-03"), ("id", "<", 100)])
    assert sorted(one.compute()["id"].tolist()) == [i for i in range(100) if i % 4 == 2]
    one_day = quire.dask.read_parquet(str(tmp_path / "hive"), filters=[("day", "=", "2024-05-02")])
    assert one_day.npartitions == 8  # the other days' files are decided empty unread
    assert one_day.compute()["day"].tolist() == ["2024-05-02"] * 1000
    glob = quire.dask.read_parquet(str(tmp_path / "hive" / "day=2024-05-01" / "*" / "*.parquet"))
    assert len(glob.compute()) == 1000

"""quire.fs on local disk, memory and S3 (s3rver): the same operations, and
files pandas and the csv module read and write."""

import csv
import io

import pandas as pd
import pandas.testing as pdt
import pytest

import quire
from quire import fs


@pytest.fixture(params=["local", "memory", "s3"])
def root(request, tmp_path):
    if request.param == "local":
        return str(tmp_path)
    if request.param == "memory":
        return f"memory://fs-test-{id(request)}"
    s3 = request.getfixturevalue("s3_server")
    return f"{s3}/fs-{id(request)}"


def test_operations(root):
    with fs.open(f"{root}/a/one.txt", "wb") as f:
        f.write(b"hello")
    with fs.open(f"{root}/a/b/two.txt", "w") as f:
        f.write("wörld\n")
    assert fs.stat(f"{root}/a/one.txt")["size"] == 5
    assert fs.stat(f"{root}/a/one.txt")["type"] == "file"
    assert fs.du(f"{root}/a") == 5 + len("wörld\n".encode())
    names = sorted(e.rsplit("/", 1)[-1] for e in fs.ls(f"{root}/a", recursive=True))
    assert names == ["one.txt", "two.txt"]
    top = {e["url"].rsplit("/", 1)[-1]: e["type"] for e in fs.ls(f"{root}/a", detail=True)}
    assert top == {"one.txt": "file", "b": "directory"}
    assert [u.rsplit("/", 1)[-1] for u in fs.ls(f"{root}/a/*.txt")] == ["one.txt"]
    assert fs.cp(f"{root}/a", f"{root}/copy", recursive=True) == 2
    with fs.open(f"{root}/copy/b/two.txt", "r") as f:
        assert f.read() == "wörld\n"
    fs.mv(f"{root}/copy/one.txt", f"{root}/moved.txt")
    assert not fs.exists(f"{root}/copy/one.txt") and fs.exists(f"{root}/moved.txt")
    with pytest.raises(quire.InvalidArgumentError, match="recursive=True"):
        fs.rm(f"{root}/a")
    fs.rm(f"{root}/a", recursive=True)
    assert not fs.exists(f"{root}/a/one.txt")
    with pytest.raises(FileNotFoundError):
        fs.stat(f"{root}/a/one.txt")
    fs.rm(f"{root}/a/one.txt", missing_ok=True)
    with pytest.raises(FileNotFoundError):
        fs.rm(f"{root}/a/one.txt")


def test_files_for_pandas_and_csv(root):
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    with fs.open(f"{root}/d.csv", "w", newline="") as f:
        df.to_csv(f, index=False)
    with fs.open(f"{root}/d.csv", "rb") as f:
        pdt.assert_frame_equal(pd.read_csv(f), df)
    with fs.open(f"{root}/d.csv", "r", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["a", "b"], ["1", "x"], ["2", "y"], ["3", "z"]]
    with fs.open(f"{root}/d.csv", "rb") as f:
        f.seek(2)
        assert f.read(1) == b"b"
        f.seek(-2, io.SEEK_END)
        assert f.read() == b"z\n"
    # Parquet files anywhere, through the same URLs.
    quire.write_parquet(df, f"{root}/d.parquet")
    pdt.assert_frame_equal(quire.read_parquet(f"{root}/d.parquet"), df)


def test_writes_are_atomic(root):
    with fs.open(f"{root}/keep.txt", "wb") as f:
        f.write(b"old")
    with pytest.raises(RuntimeError):
        with fs.open(f"{root}/keep.txt", "wb") as f:
            f.write(b"new and half")
            raise RuntimeError("writer failed")
    with fs.open(f"{root}/keep.txt", "rb") as f:
        assert f.read() == b"old"
    with pytest.raises(RuntimeError):
        with fs.open(f"{root}/never.txt", "w") as f:
            f.write("x")
            raise RuntimeError("writer failed")
    assert not fs.exists(f"{root}/never.txt")

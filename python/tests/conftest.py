"""Fixtures of quire's Python tests: scratch folders, a sample DataFrame of every
supported dtype, and an S3 server (s3rver from the project's node_modules)."""

import datetime
import decimal
import os
import pathlib
import shutil
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def all_types_frame():
    """One column per supported pandas dtype, nulls included where the dtype has them."""
    n = 5
    return pd.DataFrame({
        "i8": np.array([1, -2, 3, 4, 5], dtype=np.int8),
        "i16": np.array([1, -2, 3, 4, 5], dtype=np.int16),
        "i32": np.array([1, -2, 3, 4, 5], dtype=np.int32),
        "i64": np.array([1, -2, 3, 4, 2**60], dtype=np.int64),
        "u8": np.array([1, 2, 3, 4, 255], dtype=np.uint8),
        "u16": np.array([1, 2, 3, 4, 65535], dtype=np.uint16),
        "u32": np.array([1, 2, 3, 4, 2**32 - 1], dtype=np.uint32),
        "u64": np.array([1, 2, 3, 4, 2**63], dtype=np.uint64),
        "f32": np.array([1.5, np.nan, -3.25, 4, 5], dtype=np.float32),
        "f64": np.array([1.5, np.nan, -3.25, np.inf, 5], dtype=np.float64),
        "b": np.array([True, False, True, False, True]),
        "Int64": pd.array([1, None, 3, None, 5], dtype="Int64"),
        "Int8": pd.array([1, None, -3, None, 5], dtype="Int8"),
        "UInt32": pd.array([1, None, 3, None, 5], dtype="UInt32"),
        "boolean": pd.array([True, None, False, None, True], dtype="boolean"),
        "Float64": pd.array([1.5, None, 3.0, None, 5.0], dtype="Float64"),
        "s": ["a", None, "ccc", "", "é✓"],
        "string": pd.array(["a", None, "ccc", "", "é✓"], dtype="string"),
        "bytes": [b"a", None, b"\x00\xff", b"", b"z"],
        "cat": pd.Categorical(["x", "y", None, "x", "z"]),
        "cat_ordered": pd.Categorical(["lo", "hi", "lo", None, "hi"], categories=["lo", "hi"],
                                      ordered=True),
        "ts": pd.to_datetime(["2024-01-01 00:00:00", None, "1970-01-01 00:00:00.000000001",
                              "2262-04-11", "1677-09-22"]),
        "ts_utc": pd.to_datetime(["2024-01-01", None, "2024-05-01 12:34:56.789", "2000-01-01",
                                  "1999-12-31"]).tz_localize("UTC"),
        "ts_paris": pd.to_datetime(["2024-01-01", None, "2024-07-01 12:00", "2000-01-01",
                                    "1999-12-31"]).tz_localize("Europe/Paris"),
        "td": pd.to_timedelta(["1 day", None, "-3 s", "1 ns", "0 s"]),
        "date": [datetime.date(2024, 1, 1), None, datetime.date(1, 1, 1),
                 datetime.date(9999, 12, 31), datetime.date(1970, 1, 1)],
        "time": [datetime.time(0, 0), None, datetime.time(23, 59, 59, 999999),
                 datetime.time(12, 30), datetime.time(1, 2, 3)],
        "dec": [decimal.Decimal("1.50"), None, decimal.Decimal("-12345678901234567890.12"),
                decimal.Decimal("0.00"), decimal.Decimal("3.14")],
        "list": [[1, 2], None, [], [3], [4, 5, 6]],
        "list_str": [["a"], ["b", None], None, [], ["c"]],
        "struct": [{"x": 1, "y": "a"}, None, {"x": 2, "y": None}, {"x": None, "y": "c"},
                   {"x": 4, "y": "d"}],
        "nested": [[{"k": [1]}], None, [], [{"k": []}, {"k": None}], [{"k": [2, 3]}]],
    }, index=pd.RangeIndex(n))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """An s3rver on a free loopback port with bucket "test"; the AWS_* variables
    point quire at it. Stopped after the session."""
    if shutil.which("node") is None or not (ROOT / "node_modules/s3rver").is_dir():
        pytest.fail("s3rver is missing: run scripts/setup.sh (make test does)")
    port = _free_port()
    data = tmp_path_factory.mktemp("s3rver")
    proc = subprocess.Popen(
        ["node", "--openssl-legacy-provider", str(ROOT / "node_modules/s3rver/bin/s3rver.js"),
         "--address", "127.0.0.1", "--port", str(port), "--directory", str(data), "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(endpoint + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(urllib.request.Request(endpoint + "/test", method="PUT"), timeout=5)
        saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                                                 "AWS_SECRET_ACCESS_KEY", "AWS_REGION")}
        os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="S3RVER",
                          AWS_SECRET_ACCESS_KEY="S3RVER", AWS_REGION="us-east-1")
        yield "s3://test"
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    finally:
        proc.terminate()
        proc.wait(10)

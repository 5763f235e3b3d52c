"""The Arrow PyCapsule protocol both ways, zero-copy conversion to pandas, errors
as typed exceptions, the GIL released during work, and Ctrl-C."""

import ctypes
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import _quire
import quire


class StreamOnly:
    """A foreign producer offering only __arrow_c_stream__."""

    def __init__(self, inner):
        self.inner = inner

    def __arrow_c_stream__(self, requested_schema=None):
        return self.inner.__arrow_c_stream__(requested_schema)


class ArrayOnly:
    """A foreign producer offering only __arrow_c_array__ (one record batch)."""

    def __init__(self, inner):
        self.inner = inner

    def __arrow_c_array__(self, requested_schema=None):
        return self.inner.__arrow_c_array__(requested_schema)


def test_pycapsule_round_trips(tmp_path, all_types_frame):
    data = quire.from_pandas(all_types_frame)
    via_stream = quire.from_arrow(StreamOnly(data))
    assert via_stream.equals(data)
    via_array = quire.from_arrow(ArrayOnly(data))
    assert via_array.equals(data)
    pdt.assert_frame_equal(via_stream.to_pandas(), all_types_frame)
    # Writers take any producer.
    quire.write_parquet(StreamOnly(data), tmp_path / "s.parquet")
    quire.write_table(str(tmp_path / "t"), ArrayOnly(quire.from_pandas(pd.DataFrame({"a": [1, 2]}))))
    assert quire.Table(str(tmp_path / "t")).to_pandas()["a"].tolist() == [1, 2]


def test_capsules_are_named_and_released(tmp_path):
    data = quire.from_pandas(pd.DataFrame({"a": [1, 2, 3]}))
    schema = data.__arrow_c_schema__()
    stream = data.__arrow_c_stream__()
    pycapsule_name = ctypes.pythonapi.PyCapsule_GetName
    pycapsule_name.restype = ctypes.c_char_p
    pycapsule_name.argtypes = [ctypes.py_object]
    assert pycapsule_name(schema) == b"arrow_schema"
    assert pycapsule_name(stream) == b"arrow_array_stream"
    schema_c, array_c = data.__arrow_c_array__()
    assert pycapsule_name(array_c) == b"arrow_array"
    del schema, stream, schema_c, array_c  # unconsumed capsules release their structs
    scan_file = tmp_path / "x.parquet"
    quire.write_parquet(data, scan_file)
    scan = quire.ParquetFile(scan_file).scan()
    assert pycapsule_name(scan.__arrow_c_stream__()) == b"arrow_array_stream"
    with pytest.raises(quire.InvalidArgumentError, match="consumed"):
        scan.__arrow_c_stream__()


def test_numeric_columns_convert_without_copy(tmp_path):
    n = 200_000
    quire.write_parquet(pd.DataFrame({"a": np.arange(n, dtype=np.int64), "f": np.ones(n)}),
                        tmp_path / "z.parquet", row_group_size=n)
    data = quire.read_parquet(tmp_path / "z.parquet", to_pandas=False)
    df = data.to_pandas()
    for i, column in enumerate(["a", "f"]):
        address = _quire.column_buffer_address(data._table, i)
        assert address != 0
        assert df[column].to_numpy().__array_interface__["data"][0] == address
    copied = data.to_pandas(zero_copy=False)
    assert copied["a"].to_numpy().__array_interface__["data"][0] != \
        _quire.column_buffer_address(data._table, 0)
    pdt.assert_frame_equal(df, copied)
    df.loc[0, "a"] = 42  # the frame owns writable memory
    assert df["a"][0] == 42


def test_errors_are_typed(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        quire.read_parquet(tmp_path / "missing.parquet")
    assert isinstance(info.value, quire.NotFoundError) and info.value.code == "NotFound"
    assert "missing.parquet" in str(info.value)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 100 + b"PAR1")
    with pytest.raises(quire.CorruptFileError) as corrupt:
        quire.read_parquet(bad)
    assert isinstance(corrupt.value, ValueError) and "bad.parquet" in str(corrupt.value)
    with pytest.raises(TypeError, match="PyCapsule"):
        quire.write_parquet([1, 2, 3], tmp_path / "x.parquet")
    mixed = pd.DataFrame({"m": ["a", 1]})
    with pytest.raises(quire.SchemaMismatchError, match="column 'm': row 1 holds a int"):
        quire.write_parquet(mixed, tmp_path / "mixed.parquet")
    assert not (tmp_path / "mixed.parquet").exists()


def _big_file(tmp_path, rows=3_000_000):
    path = tmp_path / "big.parquet"
    rng = np.random.default_rng(1)
    quire.write_parquet(pd.DataFrame({"a": rng.integers(0, 1 << 40, rows),
                                      "b": rng.random(rows)}), path,
                        compression="zstd", row_group_size=250_000)
    return path


def test_gil_is_released_while_decoding(tmp_path):
    path = _big_file(tmp_path)
    f = quire.ParquetFile(path)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    start = time.perf_counter()
    for i in range(f.num_row_groups):
        f.read_row_group(i, to_pandas=False)
    end = time.perf_counter()
    stop.set()
    thread.join()
    during = [t for t in ticks if start <= t <= end]
    # With the GIL held through each decode, the counter would wait for every row
    # group; released, it ticks throughout.
    assert len(during) >= 5, (len(during), end - start)


def test_ctrl_c_interrupts_a_long_read(tmp_path):
    path = _big_file(tmp_path, rows=6_000_000)
    timer = threading.Timer(0.05, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in range(50):
                quire.ParquetFile(path).read(to_pandas=False)
    finally:
        timer.cancel()
    # The library still works afterwards.
    assert quire.ParquetFile(path).num_rows == 6_000_000

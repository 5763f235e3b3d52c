"""Property-based round trips (hypothesis): any DataFrame of the supported dtypes,
with any nulls, written to Parquet and read back, is equal; so is its Arrow data
passed through the PyCapsule protocol."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pandas.testing as pdt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quire

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_INTS = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
         "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}


def _column(kind, n):
    """A strategy for one column of `kind` with n rows."""
    if kind in _INTS:
        info = np.iinfo(_INTS[kind])
        values = st.lists(st.integers(int(info.min), int(info.max)), min_size=n, max_size=n)
        return values.map(lambda v: pd.Series(np.array(v, dtype=_INTS[kind])))
    if kind.startswith("nullable_"):
        name = kind[len("nullable_"):]
        info = np.iinfo(_INTS[name.lower()])
        values = st.lists(st.none() | st.integers(int(info.min), int(info.max)), min_size=n,
                          max_size=n)
        return values.map(lambda v: pd.Series(pd.array(v, dtype=name)))
    if kind == "float64":
        values = st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)
        return values.map(lambda v: pd.Series(np.array(v, dtype=np.float64)))
    if kind == "float32":
        values = st.lists(st.floats(width=32), min_size=n, max_size=n)
        return values.map(lambda v: pd.Series(np.array(v, dtype=np.float32)))
    if kind == "bool":
        return st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: pd.Series(v, dtype=bool))
    if kind == "boolean":
        return st.lists(st.none() | st.booleans(), min_size=n, max_size=n).map(
            lambda v: pd.Series(pd.array(v, dtype="boolean")))
    if kind == "str":
        return st.lists(st.none() | st.text(max_size=20), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "string":
        return st.lists(st.none() | st.text(max_size=20), min_size=n, max_size=n).map(
            lambda v: pd.Series(pd.array(v, dtype="string")))
    if kind == "bytes":
        return st.lists(st.none() | st.binary(max_size=20), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "category":
        return st.lists(st.none() | st.sampled_from(["a", "b", "c", "long value"]), min_size=n,
                        max_size=n).map(lambda v: pd.Series(pd.Categorical(v, categories=["a", "b", "c", "long value"])))
    if kind == "datetime":
        ns = st.integers(-(2**62), 2**62)
        return st.lists(st.none() | ns, min_size=n, max_size=n).map(
            lambda v: pd.Series(pd.array([pd.NaT if x is None else pd.Timestamp(x) for x in v],
                                         dtype="datetime64[ns]")))
    if kind == "datetime_tz":
        ns = st.integers(-(2**62), 2**62)
        return st.lists(st.none() | ns, min_size=n, max_size=n).map(
            lambda v: pd.Series(pd.to_datetime([pd.NaT if x is None else x for x in v], utc=True)
                                .tz_convert("America/New_York")))
    if kind == "timedelta":
        return st.lists(st.none() | st.integers(-(2**62), 2**62), min_size=n, max_size=n).map(
            lambda v: pd.Series(pd.to_timedelta([pd.NaT if x is None else x for x in v])))
    if kind == "date":
        return st.lists(st.none() | st.dates(), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "time":
        return st.lists(st.none() | st.times(), min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "decimal":
        return st.lists(st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=3,
                                                min_value=-10**20, max_value=10**20),
                        min_size=n, max_size=n).map(
            lambda v: pd.Series([None if x is None else x.quantize(decimal.Decimal("0.001"))
                                 for x in v], dtype=object))
    if kind == "list":
        return st.lists(st.none() | st.lists(st.integers(-5, 5), max_size=4), min_size=n,
                        max_size=n).map(lambda v: pd.Series(v, dtype=object))
    if kind == "struct":
        member = st.fixed_dictionaries({"x": st.integers(-5, 5), "y": st.none() | st.text(max_size=3)})
        return st.lists(st.none() | member, min_size=n, max_size=n).map(
            lambda v: pd.Series(v, dtype=object))
    raise AssertionError(kind)


KINDS = list(_INTS) + ["nullable_Int8", "nullable_Int64", "nullable_UInt16", "float64", "float32",
                       "bool", "boolean", "str", "string", "bytes", "category", "datetime",
                       "datetime_tz", "timedelta", "date", "time", "decimal", "list", "struct"]


@st.composite
def frames(draw):
    n = draw(st.integers(1, 30))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6, unique=True))
    data = {}
    for kind in kinds:
        data[kind] = draw(_column(kind, n)).reset_index(drop=True)
    return pd.DataFrame(data)


def _normalise(df):
    """Object columns hold None for missing values on both sides; a column whose
    values are all missing has no type to infer, so it comes back as nulls of the
    null type, i.e. None objects."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].where(out[c].notna(), None)
    return out


@SETTINGS
@given(frames())
def test_parquet_round_trip(tmp_path_factory, df):
    path = tmp_path_factory.mktemp("rt") / "x.parquet"
    quire.write_parquet(df, path, row_group_size=7)
    back = quire.read_parquet(path)
    pdt.assert_frame_equal(_normalise(back), _normalise(df))


@SETTINGS
@given(frames())
def test_capsule_round_trip(df):
    data = quire.from_pandas(df)

    class Producer:
        def __arrow_c_stream__(self, requested_schema=None):
            return data.__arrow_c_stream__(requested_schema)

    again = quire.from_arrow(Producer())
    assert again.equals(data)
    pdt.assert_frame_equal(_normalise(again.to_pandas()), _normalise(df))

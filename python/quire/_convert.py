"""pandas <-> Arrow. The C++ half (_quire.to_pandas_parts, array_from_*) moves the
values; this half picks types and builds pandas objects.

To pandas (defaults, each with an option):
  integers with nulls -> pandas nullable Int64... (integer_nulls="float": float64 + NaN)
  booleans with nulls -> pandas "boolean"        (boolean_nulls="object": True/False/None)
  strings             -> object                  (strings="string": pandas string dtype)
  dictionary columns  -> Categorical
  dates               -> datetime.date objects   (dates="datetime64": datetime64[ns])
  timestamps          -> datetime64[ns] with the column's time zone
                                                 (timestamps="object": datetime objects)
  decimals            -> decimal.Decimal         (decimals="float": float64, nearest value)
  durations -> timedelta64[ns]; times -> datetime.time;
  lists -> list, structs -> dict, maps -> list of (key, value) tuples.
Numeric columns without nulls that arrive as one chunk are not copied.

From pandas, every dtype above maps back; object columns are typed by their first
non-null value. The index is kept as columns unless it is a default RangeIndex
(index=None), always (True) or never (False), and pandas' own metadata (the
"pandas" key that PyArrow writes too) lets a read restore the index and dtypes.
"""

import datetime
import decimal
import json

import numpy as np
import pandas as pd

import _quire

from ._errors import SchemaMismatchError, UnsupportedError

PANDAS_KEY = "pandas"

_NUMPY_TYPES = {
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
    "float16": "halffloat", "float32": "float", "float64": "double",
}
_MASKED = {"Int8": "int8", "Int16": "int16", "Int32": "int32", "Int64": "int64",
           "UInt8": "uint8", "UInt16": "uint16", "UInt32": "uint32", "UInt64": "uint64",
           "Float32": "float", "Float64": "double"}


def tzinfo(name):
    """A tzinfo for an Arrow time zone: "UTC", an IANA name or "+01:00"."""
    if name in ("UTC", "utc", "Z", "+00:00", "Etc/UTC"):
        return datetime.timezone.utc
    if name and name[0] in "+-" and len(name) >= 3:
        sign = -1 if name[0] == "-" else 1
        hours, _, minutes = name[1:].partition(":")
        return datetime.timezone(sign * datetime.timedelta(hours=int(hours),
                                                           minutes=int(minutes or 0)))
    import zoneinfo
    return zoneinfo.ZoneInfo(name)


def _pandas_tz(name):
    """What pandas takes for a time zone: its own resolution of names (pytz in
    pandas 1.x), a fixed tzinfo for offsets."""
    if name and name[0] in "+-":
        return tzinfo(name)
    return "UTC" if name in ("UTC", "utc", "Z", "Etc/UTC") else name


def _tz_name(tz):
    """Arrow's time zone string for a pandas/pytz/zoneinfo tzinfo."""
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if key:
        return key
    if tz is datetime.timezone.utc:
        return "UTC"
    offset = tz.utcoffset(None)
    if offset is None:
        return str(tz)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --- from pandas -------------------------------------------------------------------


def _mask_of(values):
    mask = pd.isna(values)
    return np.asarray(mask, dtype=bool) if mask.any() else None


def _first_valid(values):
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT:
            continue
        if isinstance(v, float) and v != v:
            continue
        return v
    return None


def _objects_to_array(values, column):
    """An Arrow array from a 1-D object array, typed by its first non-null value."""
    values = np.asarray(values, dtype=object)
    first = _first_valid(values)
    n = len(values)
    if first is None:
        return _quire.array_of_nulls("null", n)
    def null_mask():
        return np.fromiter((v is None or v is pd.NA or v is pd.NaT
                            or (isinstance(v, float) and v != v) for v in values),
                           dtype=bool, count=n)

    try:
        if isinstance(first, str):
            return _quire.array_from_objects(values, "string", column)
        if isinstance(first, (bytes, bytearray, memoryview)):
            return _quire.array_from_objects(values, "binary", column)
        if isinstance(first, (bool, np.bool_)):
            return _quire.array_from_scalars(values, "bool", column)
        if isinstance(first, (int, np.integer)):
            return _quire.array_from_scalars(values, "int", column)
        if isinstance(first, (float, np.floating)):
            return _quire.array_from_scalars(values, "float", column)
        if isinstance(first, decimal.Decimal):
            return _quire.array_from_scalars(values, "decimal", column)
        if isinstance(first, (datetime.datetime, pd.Timestamp)):
            if first.tzinfo is None and not any(isinstance(v, pd.Timestamp) and v.nanosecond
                                                for v in values):
                return _quire.array_from_scalars(values, "datetime", column)
            if any(isinstance(v, pd.Timestamp) and v.nanosecond for v in values):
                series = pd.Series(values)
                converted = pd.to_datetime(series, utc=first.tzinfo is not None)
                if first.tzinfo is not None:
                    converted = converted.dt.tz_convert(first.tzinfo)
                return _series_to_array(converted, column)
            # Aware datetimes: microseconds since the epoch in UTC, any year.
            mask = null_mask()
            epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
            step = datetime.timedelta(microseconds=1)
            micros = np.array([(v - epoch) // step if not m else 0 for v, m in zip(values, mask)],
                              dtype=np.int64)
            return _quire.array_from_fixed(f"timestamp[us, tz={_tz_name(first.tzinfo)}]", micros,
                                           mask if mask.any() else None)
        if isinstance(first, datetime.date):
            return _quire.array_from_scalars(values, "date", column)
        if isinstance(first, datetime.time):
            return _quire.array_from_scalars(values, "time", column)
        if isinstance(first, (datetime.timedelta, pd.Timedelta)):
            return _series_to_array(pd.to_timedelta(pd.Series(values)), column)
        mask = null_mask()
        any_null = mask.any()
        if isinstance(first, dict):
            keys = []
            for v, m in zip(values, mask):
                if not m:
                    for k in v:
                        if k not in keys:
                            keys.append(k)
            children = []
            for k in keys:
                child = np.empty(n, dtype=object)
                child[:] = [None if m else v.get(k) for v, m in zip(values, mask)]
                children.append(_objects_to_array(child, f"{column}.{k}"))
            return _quire.array_from_parts("struct", n, mask if any_null else None, None, children,
                                           [str(k) for k in keys])
        if isinstance(first, (list, tuple, np.ndarray)):
            lengths = np.fromiter((0 if m else len(v) for v, m in zip(values, mask)), dtype=np.int64,
                                  count=n)
            offsets = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            flat = np.empty(int(offsets[-1]), dtype=object)
            pos = 0
            for v, m in zip(values, mask):
                if not m:
                    flat[pos:pos + len(v)] = list(v)
                    pos += len(v)
            child = _objects_to_array(flat, f"{column}.item")
            if offsets[-1] <= np.iinfo(np.int32).max:
                return _quire.array_from_parts("list", n, mask if any_null else None,
                                               offsets.astype(np.int32), [child])
            return _quire.array_from_parts("large_list", n, mask if any_null else None, offsets,
                                           [child])
    except (TypeError, ValueError, OverflowError, AttributeError) as e:
        if isinstance(e, SchemaMismatchError):
            raise
        raise SchemaMismatchError(
            f"column '{column}': values of mixed types ({type(first).__name__} first): {e}") from e
    raise UnsupportedError(
        f"column '{column}': cannot store Python objects of type {type(first).__name__}")


def _series_to_array(series, column):
    dtype = series.dtype
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = np.asarray(dtype.categories, dtype=dtype.categories.dtype)
        codes = series.cat.codes.to_numpy()
        missing = codes < 0
        taken = categories.take(np.where(missing, 0, codes)) if len(categories) else \
            np.empty(len(codes), dtype=categories.dtype)
        if missing.any():
            taken = taken.astype(object)
            taken[missing] = None
        return _series_to_array(pd.Series(taken, dtype=taken.dtype if not missing.any() else object),
                                column)
    if name in _MASKED:
        arr = series.array
        return _quire.array_from_fixed(_MASKED[name], np.ascontiguousarray(arr._data),
                                       arr._mask if arr._mask.any() else None)
    if name == "boolean":
        arr = series.array
        return _quire.array_from_bool(arr._data, arr._mask if arr._mask.any() else None)
    if isinstance(dtype, pd.StringDtype):
        return _quire.array_from_objects(np.asarray(series.array, dtype=object), "string", column)
    if isinstance(dtype, pd.DatetimeTZDtype):
        ns = series.array.asi8
        mask = np.asarray(series.isna(), dtype=bool)
        return _quire.array_from_fixed(f"timestamp[ns, tz={_tz_name(dtype.tz)}]",
                                       np.ascontiguousarray(ns), mask if mask.any() else None)
    if isinstance(dtype, np.dtype):
        if dtype.kind == "b":
            return _quire.array_from_bool(np.ascontiguousarray(series.to_numpy()))
        if name in _NUMPY_TYPES:
            values = np.ascontiguousarray(series.to_numpy())
            return _quire.array_from_fixed(_NUMPY_TYPES[name], values)
        if dtype.kind in "Mm":
            # datetime64 -> timestamp, timedelta64 -> duration, in units Arrow has.
            unit = np.datetime_data(dtype)[0]
            if unit not in ("s", "ms", "us", "ns"):
                series = series.astype("datetime64[ns]" if dtype.kind == "M" else "timedelta64[ns]")
                unit = "ns"
            values = np.ascontiguousarray(series.to_numpy().view(np.int64))
            mask = np.asarray(series.isna(), dtype=bool)
            arrow_type = "timestamp" if dtype.kind == "M" else "duration"
            return _quire.array_from_fixed(f"{arrow_type}[{unit}]", values,
                                           mask if mask.any() else None)
        if dtype.kind == "O":
            return _objects_to_array(series.to_numpy(), column)
        if dtype.kind in "SU":
            return _objects_to_array(series.astype(object).to_numpy(), column)
    raise UnsupportedError(f"column '{column}': pandas dtype {name} is not supported")


def _column_metadata(name, field_name, series):
    dtype = series.dtype
    meta = None
    if isinstance(dtype, pd.CategoricalDtype):
        pandas_type = "categorical"
        categories = dtype.categories
        meta = {"ordered": bool(dtype.ordered), "num_categories": len(categories)}
        if len(categories) <= 10000:
            try:
                values = categories.tolist()
                json.dumps(values)
                meta["categories"] = values
            except (TypeError, ValueError):
                pass
    elif isinstance(dtype, pd.DatetimeTZDtype):
        pandas_type = "datetimetz"
        meta = {"timezone": _tz_name(dtype.tz)}
    else:
        pandas_type = str(dtype)
    return {"name": name, "field_name": field_name, "pandas_type": pandas_type,
            "numpy_type": str(dtype), "metadata": meta}


def from_pandas(df, index=None):
    """An ArrowTable of `df`'s columns (and index, see the module doc) with pandas
    metadata."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if isinstance(df.columns, pd.MultiIndex):
        raise UnsupportedError("DataFrames with MultiIndex columns are not supported")
    names, arrays, columns_meta, index_meta = [], [], [], []
    for i, name in enumerate(df.columns):
        field = str(name)
        if field in names:
            raise SchemaMismatchError(f"duplicate column name '{field}'")
        series = df.iloc[:, i]
        arrays.append(_series_to_array(series, field))
        names.append(field)
        columns_meta.append(_column_metadata(None if name is None else str(name), field, series))
    idx = df.index
    keep_index = index is True or (index is None and not (
        isinstance(idx, pd.RangeIndex) and idx.name is None))
    if keep_index:
        levels = idx.levels if isinstance(idx, pd.MultiIndex) else [idx]
        for level in range(len(levels)):
            values = idx.get_level_values(level) if isinstance(idx, pd.MultiIndex) else idx
            level_name = values.name
            field = str(level_name) if level_name is not None and str(level_name) not in names \
                else f"__index_level_{level}__"
            series = pd.Series(values, copy=False).reset_index(drop=True)
            arrays.append(_series_to_array(series, field))
            names.append(field)
            columns_meta.append(_column_metadata(None if level_name is None else str(level_name),
                                                 field, series))
            index_meta.append(field)
    elif index is None and isinstance(idx, pd.RangeIndex):
        index_meta.append({"kind": "range", "name": idx.name, "start": int(idx.start),
                           "stop": int(idx.stop), "step": int(idx.step)})
    meta = {"index_columns": index_meta,
            "column_indexes": [],
            "columns": columns_meta,
            "creator": {"library": "quire", "version": _quire_version()},
            "pandas_version": pd.__version__}
    table = _quire.batch_from_arrays(names, arrays, {PANDAS_KEY: json.dumps(meta)})
    return table


def _quire_version():
    from . import __version__
    return __version__


# --- to pandas ---------------------------------------------------------------------


def _part_to_array(part, length):
    kind = part["kind"]
    if kind == "numpy":
        return part["values"]
    if kind == "masked":
        dtype = part["dtype"]
        if dtype == "boolean":
            return pd.arrays.BooleanArray(part["values"], part["mask"])
        if dtype.startswith("Float"):
            return pd.arrays.FloatingArray(part["values"], part["mask"])
        return pd.arrays.IntegerArray(part["values"], part["mask"])
    if kind == "datetime":
        values = part["values"].view("datetime64[ns]")
        if part["tz"] is None:
            return values
        return pd.arrays.DatetimeArray(values, dtype=pd.DatetimeTZDtype(tz=_pandas_tz(part["tz"])))
    if kind == "timedelta":
        return part["values"].view("timedelta64[ns]")
    if kind == "categorical":
        categories = _part_to_array(part["categories"], None)
        return pd.Categorical.from_codes(part["codes"], categories=pd.Index(categories),
                                         ordered=part["ordered"])
    if kind == "string":
        return pd.array(part["values"], dtype="string")
    return part["values"]


def _make_frame(names, arrays, length):
    index = pd.RangeIndex(length)
    try:
        from pandas.core.internals import BlockManager
        from pandas.core.internals.api import make_block
        blocks = []
        for i, arr in enumerate(arrays):
            if isinstance(arr, np.ndarray):
                blocks.append(make_block(arr.reshape(1, -1), placement=[i]))
            else:
                blocks.append(make_block(arr, placement=[i], ndim=2))
        manager = BlockManager(blocks, [pd.Index(names, dtype=object), index])
        return pd.DataFrame(manager)
    except (ImportError, TypeError, ValueError, AssertionError):
        frame = pd.DataFrame({i: a for i, a in enumerate(arrays)}, index=index, copy=False)
        frame.columns = pd.Index(names, dtype=object)
        return frame


def _restore_dtype(values, meta):
    """Apply the dtype pandas metadata recorded, where the Arrow type lost it."""
    numpy_type = meta.get("numpy_type")
    pandas_type = meta.get("pandas_type")
    extra = meta.get("metadata") or {}
    try:
        if pandas_type == "categorical" and not isinstance(values, pd.Categorical):
            categories = extra.get("categories")
            if categories is not None:
                return pd.Categorical(values, categories=categories, ordered=extra.get("ordered", False))
            return pd.Categorical(values, ordered=extra.get("ordered", False))
        if pandas_type == "datetimetz" and isinstance(values, pd.arrays.DatetimeArray) \
                and extra.get("timezone"):
            return values.tz_convert(_pandas_tz(extra["timezone"]))
        if numpy_type and numpy_type.startswith("timedelta64") and \
                getattr(values, "dtype", None) is not None and values.dtype.kind in "iu" or \
                (numpy_type and numpy_type.startswith("timedelta64")
                 and isinstance(values, pd.arrays.IntegerArray)):
            # Parquet has no duration type: durations are stored as integers.
            if isinstance(values, pd.arrays.IntegerArray):
                data = values._data.astype("int64").view("m8[ns]").copy()
                data[values._mask] = np.timedelta64("NaT")
                return data
            return np.asarray(values, dtype="int64").view("m8[ns]")
        if numpy_type in _MASKED or numpy_type == "boolean":
            if isinstance(values, np.ndarray) or (numpy_type == "boolean" and values.dtype == object):
                return pd.array(values, dtype=numpy_type)
        if numpy_type == "string" and not isinstance(getattr(values, "dtype", None), pd.StringDtype):
            return pd.array(values, dtype="string")
        if numpy_type and numpy_type.startswith("datetime64[") and isinstance(values, np.ndarray) \
                and values.dtype.kind == "M" and str(values.dtype) != numpy_type:
            return values.astype(numpy_type)
    except (TypeError, ValueError):
        return values
    return values


def to_pandas(table, columns=None, integer_nulls="pandas", boolean_nulls="pandas",
              strings="object", dates="object", timestamps="datetime64", decimals="object",
              use_metadata=True, zero_copy=True):
    """A pandas DataFrame of an ArrowTable (see the module doc for the options)."""
    for option, value, allowed in (("integer_nulls", integer_nulls, ("pandas", "float")),
                                   ("boolean_nulls", boolean_nulls, ("pandas", "object")),
                                   ("strings", strings, ("object", "string")),
                                   ("dates", dates, ("object", "datetime64")),
                                   ("timestamps", timestamps, ("datetime64", "object")),
                                   ("decimals", decimals, ("object", "float"))):
        if value not in allowed:
            raise ValueError(f"{option} must be one of {allowed}, not {value!r}")
    options = {"integer_nulls": integer_nulls, "boolean_nulls": boolean_nulls, "strings": strings,
               "dates": dates, "timestamps": timestamps, "decimals": decimals,
               "zero_copy": zero_copy}
    parts = _quire.to_pandas_parts(table, options)
    length = table.num_rows
    names = list(table.column_names)
    arrays = [_part_to_array(p, length) for p in parts]
    meta = None
    if use_metadata:
        raw = table.metadata().get(PANDAS_KEY.encode())
        if raw:
            try:
                meta = json.loads(raw)
            except ValueError:
                meta = None
    index_fields = []
    range_index = None
    if meta:
        by_field = {c.get("field_name"): c for c in meta.get("columns", []) if isinstance(c, dict)}
        for i, name in enumerate(names):
            if name in by_field:
                arrays[i] = _restore_dtype(arrays[i], by_field[name])
        for entry in meta.get("index_columns", []):
            if isinstance(entry, str) and entry in names:
                index_fields.append(entry)
            elif isinstance(entry, dict) and entry.get("kind") == "range":
                range_index = entry
    frame_names = [n for n in names if n not in index_fields]
    frame_arrays = [a for n, a in zip(names, arrays) if n not in index_fields]
    frame = _make_frame(frame_names, frame_arrays, length)
    if index_fields:
        by_name = dict(zip(names, arrays))
        field_to_name = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])
                         if isinstance(c, dict)}
        level_arrays = [by_name[f] for f in index_fields]
        level_names = [field_to_name.get(f, f) for f in index_fields]
        if len(level_arrays) == 1:
            frame.index = pd.Index(level_arrays[0], name=level_names[0])
        else:
            frame.index = pd.MultiIndex.from_arrays(level_arrays, names=level_names)
    elif range_index is not None:
        start, step = range_index.get("start", 0), range_index.get("step", 1)
        if columns is None and length == len(range(start, range_index.get("stop", 0), step)):
            frame.index = pd.RangeIndex(start, start + step * length, step, name=range_index.get("name"))
    if meta:
        by_field = {c.get("field_name"): c for c in meta.get("columns", []) if isinstance(c, dict)}
        renames = {f: by_field[f].get("name") for f in frame_names
                   if f in by_field and by_field[f].get("name") not in (None, f)}
        if renames:
            frame = frame.rename(columns=renames)
    return frame

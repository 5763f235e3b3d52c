"""Data objects: ArrowData (materialised batches) and Scan (a lazy stream), both
speaking the Arrow PyCapsule protocol, and conversion of user data to Arrow."""

import _quire

from . import _convert


class ArrowData:
    """Arrow record batches held by quire: a query's or a file's result.

    ``to_pandas()`` converts; ``__arrow_c_stream__`` / ``__arrow_c_array__`` /
    ``__arrow_c_schema__`` hand the batches to PyArrow, Polars or DuckDB without a
    copy (``pyarrow.table(data)``, ``polars.from_arrow(data)``).
    """

    __slots__ = ("_table",)

    def __init__(self, table):
        self._table = table

    @property
    def num_rows(self):
        return self._table.num_rows

    @property
    def num_columns(self):
        return self._table.num_columns

    @property
    def column_names(self):
        return list(self._table.column_names)

    @property
    def schema(self):
        return _quire.table_schema(self._table)

    def __len__(self):
        return self._table.num_rows

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self):
        return self._table.__arrow_c_schema__()

    def __arrow_c_array__(self, requested_schema=None):
        return self._table.__arrow_c_array__(requested_schema)

    def to_pandas(self, **options):
        """A pandas DataFrame (options: see quire._convert.to_pandas)."""
        return _convert.to_pandas(self._table, **options)

    def select(self, columns):
        return ArrowData(self._table.select(list(columns)))

    def slice(self, offset, length):
        return ArrowData(self._table.slice(offset, length))

    def equals(self, other):
        return isinstance(other, ArrowData) and self._table.equals(other._table)

    def __repr__(self):
        return "quire." + repr(self._table)[len("quire."):].replace("ArrowTable", "ArrowData", 1)


class Scan:
    """A lazy read: nothing is read until it is consumed, once, by
    ``to_batches()``, ``read_all()``, ``to_pandas()`` or ``__arrow_c_stream__``."""

    def __init__(self, stream):
        self._stream = stream

    @property
    def schema(self):
        return self._stream.schema_string

    def __arrow_c_schema__(self):
        return self._stream.__arrow_c_schema__()

    def __arrow_c_stream__(self, requested_schema=None):
        return self._stream.__arrow_c_stream__(requested_schema)

    def to_batches(self):
        """Iterate over the batches as ArrowData, reading as you go."""
        while True:
            batch = self._stream.read_next()
            if batch is None:
                return
            yield ArrowData(batch)

    def __iter__(self):
        return self.to_batches()

    def read_all(self):
        return ArrowData(self._stream.read_all())

    def to_pandas(self, **options):
        return self.read_all().to_pandas(**options)


def from_pandas(df, index=None):
    """ArrowData of a pandas DataFrame (``index``: see quire._convert)."""
    return ArrowData(_convert.from_pandas(df, index=index))


def from_arrow(obj):
    """ArrowData read from any Arrow PyCapsule producer (PyArrow, Polars...)."""
    return ArrowData(_quire.import_data(obj))


def to_pandas(data, **options):
    """A pandas DataFrame of any Arrow data (see quire._convert.to_pandas)."""
    if isinstance(data, (ArrowData, Scan)):
        return data.to_pandas(**options)
    return as_table(data).to_pandas(**options)


def native(data, index=None):
    """What the core takes: an ArrowTable, a BatchStream, or a PyCapsule producer."""
    import pandas as pd
    if isinstance(data, ArrowData):
        return data._table
    if isinstance(data, Scan):
        return data._stream
    if isinstance(data, pd.DataFrame):
        return _convert.from_pandas(data, index=index)
    if isinstance(data, (_quire.ArrowTable, _quire.BatchStream)):
        return data
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    raise TypeError("data must be a pandas DataFrame or implement the Arrow PyCapsule protocol "
                    f"(__arrow_c_stream__ or __arrow_c_array__), not {type(data).__name__}")


def as_table(data):
    return ArrowData(_quire.import_data(native(data)))

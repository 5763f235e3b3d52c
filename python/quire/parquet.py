"""Parquet files: read_parquet, write_parquet and ParquetFile."""

import os

import _quire

from . import _filters
from ._data import ArrowData, Scan, native


def _url(path):
    return os.fspath(path)


def read_parquet(path, columns=None, filters=None, num_threads=0, to_pandas=True,
                 **pandas_options):
    """Read a Parquet file (a path or URL: s3://, az://, memory://) into a pandas
    DataFrame, or ArrowData with ``to_pandas=False``.

    ``filters``: an expression string (``"a > 10 and b = 'x'"``) or DNF lists
    (``[[("a", ">", 10)], [("b", "in", ["x", "y"])]]``); row groups and pages
    the statistics, page indexes and bloom filters rule out are not read.
    """
    table = _quire.read_parquet(_url(path), columns=list(columns) if columns is not None else None,
                                filter=_filters.to_expression(filters), num_threads=num_threads)
    data = ArrowData(table)
    return data.to_pandas(**pandas_options) if to_pandas else data


def write_parquet(data, path, index=None, **options):
    """Write a pandas DataFrame or Arrow data to a Parquet file, atomically.

    Options: compression ("snappy", "zstd", "gzip", "brotli", "lz4", "none"),
    compression_level, row_group_size (rows), row_group_bytes, data_page_size,
    use_dictionary, write_statistics, write_page_index, data_page_version ("1.0",
    "2.0"), bloom_filter_columns, num_threads, key_value_metadata. Returns a dict
    with num_rows, num_row_groups and file_bytes.
    """
    return _quire.write_parquet(native(data, index=index), _url(path), options)


class ParquetFile:
    """An open Parquet file: its metadata and schema, read by row group or batch."""

    def __init__(self, path):
        self._file = _quire.ParquetFile(_url(path))
        self.path = _url(path)

    @property
    def metadata(self):
        """A dict: num_rows, num_row_groups, created_by, key_value_metadata and per
        row group its columns' types, codecs, sizes and statistics."""
        return self._file.metadata

    @property
    def schema(self):
        return self._file.schema

    @property
    def num_row_groups(self):
        return self._file.num_row_groups

    @property
    def num_rows(self):
        return self._file.num_rows

    def read_row_group(self, i, columns=None, to_pandas=True, **pandas_options):
        data = ArrowData(self._file.read_row_group(i, columns=list(columns) if columns else None))
        return data.to_pandas(**pandas_options) if to_pandas else data

    def read(self, columns=None, filters=None, to_pandas=True, **pandas_options):
        scan = self.scan(columns=columns, filters=filters, batch_size=1 << 20)
        data = scan.read_all()
        return data.to_pandas(**pandas_options) if to_pandas else data

    def scan(self, columns=None, filters=None, batch_size=64 * 1024):
        return Scan(self._file.iter_batches(batch_size=batch_size,
                                            columns=list(columns) if columns else None,
                                            filter=_filters.to_expression(filters)))

    def iter_batches(self, batch_size=64 * 1024, columns=None, filters=None):
        """Iterate over ArrowData batches of at most ``batch_size`` rows."""
        return self.scan(columns=columns, filters=filters, batch_size=batch_size).to_batches()

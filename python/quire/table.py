"""Delta tables: quire.Table and quire.write_table."""

import datetime
import json
import os

import _quire

from . import _filters
from ._data import ArrowData, Scan, native


def _url(uri):
    return os.fspath(uri)


def _as_of(value):
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return int(value.timestamp() * 1000)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):
        return _as_of(value.to_pydatetime())
    raise TypeError(f"as_of must be a datetime, a date, a string or ms since the epoch, "
                    f"not {type(value).__name__}")


def _mode(mode):
    if mode not in ("append", "overwrite", "error"):
        raise ValueError(f"mode must be 'append', 'overwrite' or 'error', not {mode!r}")
    return mode


def write_table(uri, data, mode="append", partition_by=None, schema_mode=None, predicate=None,
                index=False, name=None, description=None, configuration=None, app_id=None,
                app_version=None, target_file_size=None, **parquet_options):
    """Write `data` (a pandas DataFrame or Arrow data) to the Delta table at `uri`,
    creating it when absent, as one new version.

    mode: "append", "overwrite" (every row, or those matching `predicate`, an
    expression on partition columns) or "error" (fail if the table exists).
    schema_mode="merge" adds new columns and widens types. app_id/app_version make
    the write idempotent. Returns a dict with the version written and counts.
    """
    if schema_mode not in (None, "merge"):
        raise ValueError(f"schema_mode must be None or 'merge', not {schema_mode!r}")
    options = dict(parquet_options)
    options.update(name=name, description=description, configuration=configuration,
                   app_id=app_id, app_version=app_version, target_file_size=target_file_size)
    return _quire.write_table(_url(uri), native(data, index=index), mode=_mode(mode),
                              partition_by=list(partition_by or []),
                              schema_merge=schema_mode == "merge",
                              predicate=_filters.to_expression(predicate), options=options)


class Table:
    """One version of a Delta table: the latest, or ``version=`` / ``as_of=``
    (a datetime, a date, an ISO string or ms since the epoch) for time travel.

    Reads (files, scan, to_pandas) see that version. Writes (delete, update,
    optimize, vacuum) commit a new version and move this object to it.
    """

    def __init__(self, uri, version=None, as_of=None):
        self.uri = _url(uri)
        self._t = _quire.Table(self.uri, version=version, as_of=_as_of(as_of))

    @property
    def version(self):
        return self._t.version

    @property
    def schema(self):
        return self._t.schema

    @property
    def partition_columns(self):
        return list(self._t.partition_columns)

    @property
    def metadata(self):
        return self._t.metadata

    @property
    def protocol(self):
        return self._t.protocol

    def files(self):
        """The active data files: path (relative to the table), size,
        partition_values, modification_time, num_records, deletion_vector."""
        out = []
        for f in self._t.files():
            stats = f.pop("stats")
            f["num_records"] = None
            if stats:
                try:
                    f["num_records"] = json.loads(stats).get("numRecords")
                except ValueError:
                    pass
            out.append(f)
        return out

    def history(self, limit=None):
        """The versions, newest first: version, timestamp (datetime, UTC),
        operation, parameters and the whole commit_info."""
        out = []
        for e in self._t.history(limit):
            info = json.loads(e["commit_info"] or "{}")
            out.append({
                "version": e["version"],
                "timestamp": datetime.datetime.fromtimestamp(e["timestamp_ms"] / 1000,
                                                             datetime.timezone.utc),
                "operation": e["operation"],
                "parameters": info.get("operationParameters", {}),
                "metrics": info.get("operationMetrics", {}),
                "commit_info": info,
            })
        return out

    def scan(self, columns=None, filters=None, num_threads=0):
        """A lazy scan (``__arrow_c_stream__``, ``to_batches()``, ``to_pandas()``):
        files are pruned by partition values and statistics, row groups and pages
        inside them by the filter too."""
        return Scan(self._t.scan(columns=list(columns) if columns is not None else None,
                                 filter=_filters.to_expression(filters), num_threads=num_threads))

    def to_arrow(self, columns=None, filters=None, num_threads=0):
        return self.scan(columns=columns, filters=filters, num_threads=num_threads).read_all()

    def to_pandas(self, columns=None, filters=None, num_threads=0, **pandas_options):
        return self.to_arrow(columns, filters, num_threads).to_pandas(**pandas_options)

    def __arrow_c_stream__(self, requested_schema=None):
        return self.scan().__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self):
        return self._t.schema.__arrow_c_schema__()

    def delete(self, predicate=None):
        """Delete the rows matching `predicate` (all rows when None)."""
        result = self._t.delete(_filters.to_expression(predicate))
        self._t.refresh()
        return result

    def update(self, predicate, values):
        """Set columns (``values``: name -> constant) of the rows matching `predicate`."""
        converted = {}
        for k, v in values.items():
            if hasattr(v, "item") and not isinstance(v, (str, bytes)):
                v = v.item()
            if isinstance(v, datetime.datetime):
                if v.tzinfo is not None:
                    v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                v = v.isoformat()
            elif isinstance(v, datetime.date):
                v = v.isoformat()
            converted[k] = v
        result = self._t.update(_filters.to_expression(predicate), converted)
        self._t.refresh()
        return result

    def vacuum(self, retention_hours=None, dry_run=False, enforce_retention=True):
        """Delete files no version within the retention uses; returns the paths."""
        result = self._t.vacuum(retention_hours, dry_run, enforce_retention)
        return result["files"]

    def optimize(self, target_size=None, where=None):
        """Compact small files into files of about target_size bytes."""
        result = self._t.optimize(target_size, _filters.to_expression(where))
        self._t.refresh()
        return result

    def checkpoint(self):
        """Write a checkpoint of the latest version; returns its path."""
        return self._t.checkpoint()

    def refresh(self):
        """Move to the latest version."""
        self._t.refresh()
        return self

    def __repr__(self):
        return f"quire.Table({self.uri!r}, version={self.version})"

"""Dask for data that outgrows one machine.

read_table plans a scan from one snapshot in the client (the files the filter
keeps, pruned by partition values and statistics) and reads one file per Dask
partition; each task rebuilds the part of the plan it was given without reading
the log again. write_table writes the data files in the tasks, each returning its
add actions, and commits them all in one final task: one new version, or none
if any task failed (orphaned files are left to vacuum), as in Kartothek.
"""

import os
import re
import urllib.parse

import dask
import dask.dataframe as dd
import _quire

from . import _convert, _filters

_MASKED_FOR = {"int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64",
               "uint8": "UInt8", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
               "bool": "boolean"}


def _meta(empty_table, schema):
    """An empty DataFrame with the dtypes every partition is given: nullable
    integer and boolean columns as pandas nullable dtypes, so that partitions with
    and without nulls agree."""
    frame = _convert.to_pandas(empty_table)
    types = dict(zip(schema.names, zip(schema.types, schema.nullable)))
    for column in frame.columns:
        arrow_type, nullable = types.get(column, (None, False))
        if nullable and arrow_type in _MASKED_FOR:
            frame[column] = frame[column].astype(_MASKED_FOR[arrow_type])
    return frame


def _conform(frame, meta):
    """Give a partition the dtypes of the meta every partition shares."""
    for column, dtype in meta.dtypes.items():
        if column in frame.columns and frame[column].dtype != dtype:
            frame[column] = frame[column].astype(dtype)
    return frame


def _read_table_part(uri, version, actions, columns, expression, dtypes):
    table = _quire.scan_part(uri, version, actions, columns=columns, filter=expression,
                             num_threads=1)
    return _conform(_convert.to_pandas(table), dtypes)


def read_table(uri, columns=None, filters=None, version=None, as_of=None, files_per_partition=1):
    """A dask DataFrame of the Delta table at `uri` (one partition per data file
    the filter may match, or per `files_per_partition` files: many small files
    cost the scheduler more than they take to read), planned from one snapshot
    (`version`/`as_of` for time travel); the filter is pushed down in every
    partition."""
    if files_per_partition < 1:
        raise ValueError("files_per_partition must be at least 1")
    from .table import Table
    uri = os.fspath(uri)
    table = Table(uri, version=version, as_of=as_of)
    expression = _filters.to_expression(filters)
    columns = list(columns) if columns is not None else None
    indices = table._t.plan(expression)
    empty = _quire.scan_part(uri, table.version, table._t.part_actions([]), columns=columns,
                             filter=None)
    schema = _quire.table_schema(empty)
    meta = _meta(empty, schema)
    parts = [table._t.part_actions(indices[i:i + files_per_partition])
             for i in range(0, len(indices), files_per_partition)]
    if not parts:
        return dd.from_pandas(meta, npartitions=1)
    return dd.from_map(_read_table_part, [uri] * len(parts), [table.version] * len(parts), parts,
                       meta=meta, columns=columns, expression=expression, dtypes=meta,
                       enforce_metadata=False,
                       label="quire-read-table", token=(uri, table.version, expression,
                                                        tuple(columns or ()), files_per_partition))


# --- plain Parquet files and Hive folders ---------------------------------------------

_HIDDEN = re.compile(r"(^|/)[_.]")


def _list_files(urls):
    from . import fs
    if isinstance(urls, (str, os.PathLike)):
        urls = [os.fspath(urls)]
    files = []
    roots = []
    for url in urls:
        url = os.fspath(url)
        info = None
        if not any(c in url for c in "*?["):
            info = fs.stat(url)
        if info is not None and info["type"] == "file":
            files.append(url)
            roots.append(None)
            continue
        entries = fs.ls(url, recursive=True, detail=True)
        base = url.rstrip("/")
        for e in entries:
            if e["type"] != "file":
                continue
            rel = e["url"][len(base) + 1:] if e["url"].startswith(base + "/") else e["url"]
            if _HIDDEN.search(rel) or not (rel.endswith(".parquet") or rel.endswith(".parq")
                                          or "." not in rel.rsplit("/", 1)[-1]):
                continue
            files.append(e["url"])
            roots.append(base if info is not None else None)
    return files, roots


def _hive_values(url, root):
    if root is None:
        return []
    rel = url[len(root) + 1:]
    values = []
    for part in rel.split("/")[:-1]:
        if "=" in part:
            key, _, value = part.partition("=")
            value = urllib.parse.unquote(value)
            values.append((urllib.parse.unquote(key),
                           None if value == "__HIVE_DEFAULT_PARTITION__" else value))
    return values


def _infer_partition_types(all_values):
    types = {}
    for values in all_values:
        for key, value in values:
            current = types.get(key, "int64")
            if value is None:
                types.setdefault(key, current)
                continue
            if current == "int64":
                try:
                    int(value)
                except ValueError:
                    current = "double"
            if current == "double":
                try:
                    float(value)
                except ValueError:
                    current = "string"
            types[key] = current
    return types


def _read_parquet_part(url, columns, expression, partitions, dtypes):
    table = _quire.read_parquet_part(url, columns=columns, filter=expression, partitions=partitions)
    return _conform(_convert.to_pandas(table, use_metadata=False), dtypes)


def read_parquet(urls, columns=None, filters=None):
    """A dask DataFrame of Parquet files: a path or URL, a glob, a folder (read
    recursively, Hive `key=value` folders becoming typed columns), or a list of
    them. One partition per file; filters are pushed down per file, and files
    whose partition values rule the filter out are read as empty."""
    files, roots = _list_files(urls)
    if not files:
        raise FileNotFoundError(f"no Parquet files at {urls!r}")
    all_values = [_hive_values(f, r) for f, r in zip(files, roots)]
    types = _infer_partition_types(all_values)
    partitions = [[(k, types[k], v) for k, v in values] for values in all_values]
    expression = _filters.to_expression(filters)
    columns = list(columns) if columns is not None else None
    first = _quire.read_parquet_part(files[0], columns=columns, filter="false" if expression is None
                                     else f"({expression}) and false", partitions=partitions[0])
    meta = _meta(first, _quire.table_schema(first))
    return dd.from_map(_read_parquet_part, files, [columns] * len(files), [expression] * len(files),
                       partitions, meta=meta, dtypes=meta, enforce_metadata=False,
                       label="quire-read-parquet",
                       token=(tuple(files), expression, tuple(columns or ())))


# --- writes -----------------------------------------------------------------------------


def _write_part(frame, uri, staged, mode, predicate, options, index):
    data = _convert.from_pandas(frame, index=index)
    return _quire.write_staged_files(uri, staged, data, mode=mode, predicate=predicate,
                                     options=options)


def _commit(parts, uri, staged, mode, predicate, options):
    return _quire.commit_staged(uri, staged, list(parts), mode=mode, predicate=predicate,
                                options=options)


def write_table(ddf, uri, partition_by=None, mode="append", schema_mode=None, predicate=None,
                index=False, compute=True, **options):
    """Write a dask DataFrame to the Delta table at `uri`: every task writes its
    partition's Parquet files and returns their add actions, then one task commits
    them all as one new version. Returns that commit's result (a dict), or the
    delayed object with compute=False."""
    if mode not in ("append", "overwrite", "error"):
        raise ValueError(f"mode must be 'append', 'overwrite' or 'error', not {mode!r}")
    if schema_mode not in (None, "merge"):
        raise ValueError(f"schema_mode must be None or 'merge', not {schema_mode!r}")
    uri = os.fspath(uri)
    expression = _filters.to_expression(predicate)
    # The data's schema, for creating or evolving the table: object columns say
    # nothing in the empty meta, so type them from the first rows.
    sample = ddf._meta
    if any(dtype == object for dtype in sample.dtypes):
        head = ddf.head(100, npartitions=min(ddf.npartitions, 4), compute=True)
        if len(head):
            sample = head
    meta_table = _convert.from_pandas(sample, index=index)
    staged = _quire.stage_write(uri, _quire.table_schema(meta_table), mode=mode,
                                partition_by=list(partition_by or []),
                                schema_merge=schema_mode == "merge", predicate=expression,
                                options=options)
    if staged["skipped"]:
        return {"version": staged["read_version"], "skipped": True}
    staged = dict(staged)
    write = dask.delayed(_write_part, pure=False)
    parts = [write(part, uri, staged, mode, expression, options, index)
             for part in ddf.to_delayed()]
    result = dask.delayed(_commit, pure=False)(parts, uri, staged, mode, expression, options)
    return result.compute() if compute else result


__all__ = ["read_table", "read_parquet", "write_table"]

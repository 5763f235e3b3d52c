"""quire: Parquet files and Delta tables on local disks and object stores.

    import quire
    df = quire.read_parquet("s3://bucket/file.parquet", columns=["a"], filters=[("a", ">", 1)])
    quire.write_table("s3://bucket/events", df, mode="append", partition_by=["date"])
    t = quire.Table("s3://bucket/events")
    t.to_pandas(filters="date = '2024-05-01'")

Every result holding data implements the Arrow PyCapsule protocol
(``__arrow_c_stream__``, ``__arrow_c_schema__``), so PyArrow, Polars and DuckDB
take it without a copy; every function taking data accepts a pandas DataFrame or
any such object. Errors are subclasses of ``quire.QuireError``.
"""

__version__ = "0.1.0"

from ._errors import (  # noqa: F401
    AlreadyExistsError,
    CancelledError,
    CommitConflictError,
    CommitStateUnknownError,
    CorruptFileError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    QuireError,
    ResourceExhaustedError,
    SchemaMismatchError,
    StorageError,
    UnsupportedError,
)
from ._data import ArrowData, Scan, from_arrow, from_pandas, to_pandas  # noqa: F401
from .parquet import ParquetFile, read_parquet, write_parquet  # noqa: F401
from .table import Table, write_table  # noqa: F401
from . import fs  # noqa: F401


def __getattr__(name):
    # quire.dask imports dask, which is slow: only on first use.
    if name == "dask":
        import importlib
        return importlib.import_module(".dask", __name__)
    raise AttributeError(f"module 'quire' has no attribute {name!r}")

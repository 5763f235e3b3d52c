"""quire's exceptions: one class per error code of the C++ core.

Each also derives from the built-in exception Python code already catches for
that kind of failure (``FileNotFoundError`` for missing paths, ``ValueError`` for
bad input...), so ``except FileNotFoundError`` works as users expect.
"""


class QuireError(Exception):
    """Base of every error quire raises. ``code`` names the core's error code
    ("NotFound", "Corrupt", ...); ``retryable`` says whether repeating the call
    may succeed (transient storage failures)."""

    code = "Internal"
    retryable = False


class InvalidArgumentError(QuireError, ValueError):
    """Bad arguments or options: fix the call."""


class NotFoundError(QuireError, FileNotFoundError):
    """A path, column, version or table does not exist."""


class AlreadyExistsError(QuireError, FileExistsError):
    """The file or table exists already."""


class CorruptFileError(QuireError, ValueError):
    """Input violates its specification (a damaged Parquet file, a bad log entry)."""


class UnsupportedError(QuireError, NotImplementedError):
    """Valid input that quire does not handle yet."""


class StorageError(QuireError, OSError):
    """The storage failed (see ``retryable``)."""


class CommitConflictError(QuireError):
    """A concurrent commit conflicts with this one: read the table again and retry."""


class CommitStateUnknownError(QuireError):
    """The commit's outcome is unknown: read the table's log before retrying."""


class CancelledError(QuireError):
    """The operation was cancelled."""


class ResourceExhaustedError(QuireError, MemoryError):
    """A configured memory or size limit was hit."""


class SchemaMismatchError(QuireError, ValueError):
    """Data does not fit the table's or file's schema."""


class InternalError(QuireError):
    """A bug in quire: please report it."""

"""Files on any store quire reaches (local paths, file://, memory://, s3://,
az://), with one set of operations: ls, du, stat, rm, mv, cp, mkdir, open."""

import io
import os

import _quire

_fs = _quire.fs


def ls(url, recursive=False, detail=False):
    """The entries below `url` (or matching a glob): URLs, or dicts with detail=True."""
    entries = _fs.ls(os.fspath(url), recursive)
    return entries if detail else [e["url"] for e in entries]


def stat(url):
    """A dict: url, path, type ("file" or "directory"), size, mtime, etag."""
    return _fs.stat(os.fspath(url))


def du(url):
    """Bytes of the file, or of every file below the directory."""
    return _fs.du(os.fspath(url))


def exists(url):
    try:
        _fs.stat(os.fspath(url))
        return True
    except FileNotFoundError:
        return False


def rm(url, recursive=False, missing_ok=False):
    _fs.rm(os.fspath(url), recursive, missing_ok)


def mkdir(url):
    _fs.mkdir(os.fspath(url))


def cp(src, dst, recursive=False):
    """Copy a file (or a directory with recursive=True), across stores too;
    returns the number of files copied."""
    return _fs.cp(os.fspath(src), os.fspath(dst), recursive)


def mv(src, dst):
    _fs.mv(os.fspath(src), os.fspath(dst))


class _RawReader(io.RawIOBase):
    def __init__(self, url):
        self._file = _fs.InputFile(url)
        self._pos = 0
        self.name = url

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, b):
        n = self._file.readinto_at(self._pos, memoryview(b).cast("B"))
        self._pos += n
        return n

    def readall(self):
        data = self._file.read_at(self._pos, max(0, self._file.size - self._pos))
        self._pos += len(data)
        return data

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._file.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def tell(self):
        return self._pos

    @property
    def size(self):
        return self._file.size


class _RawWriter(io.RawIOBase):
    """Bytes written appear at the URL only when the file is closed without an
    error: an exception inside ``with`` leaves the URL as it was."""

    def __init__(self, url, overwrite=True):
        self._file = _fs.OutputFile(url, overwrite)
        self.name = url
        self._written = 0

    def writable(self):
        return True

    def write(self, b):
        n = self._file.write(memoryview(b).cast("B"))
        self._written += n
        return n

    def tell(self):
        return self._written

    def abort(self):
        self._file.abort()
        super().close()

    def close(self):
        if not self.closed:
            try:
                self._file.close()
            finally:
                super().close()


class _AtomicBufferedWriter(io.BufferedWriter):
    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.raw.abort()
            return False
        return super().__exit__(exc_type, exc, tb)


class _AtomicTextWriter(io.TextIOWrapper):
    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.buffer.raw.abort()
            return False
        return super().__exit__(exc_type, exc, tb)


def open(url, mode="rb", encoding=None, newline=None, buffer_size=8 * 1024 * 1024):  # noqa: A001
    """Open a file for reading ("rb", "r") or writing ("wb", "w", and "xb"/"x",
    which fail if the file exists), as a Python file object usable by pandas and
    the csv module. Written files appear whole on close, or not at all."""
    url = os.fspath(url)
    if mode in ("rb", "r"):
        raw = _RawReader(url)
        buffered = io.BufferedReader(raw, buffer_size=min(buffer_size, max(raw.size, 1)))
        if mode == "rb":
            return buffered
        return io.TextIOWrapper(buffered, encoding=encoding or "utf-8", newline=newline)
    if mode in ("wb", "w", "xb", "x"):
        raw = _RawWriter(url, overwrite=not mode.startswith("x"))
        buffered = _AtomicBufferedWriter(raw, buffer_size=buffer_size)
        if "b" in mode:
            return buffered
        return _AtomicTextWriter(buffered, encoding=encoding or "utf-8", newline=newline)
    raise ValueError(f"mode must be 'rb', 'r', 'wb', 'w', 'xb' or 'x', not {mode!r}")

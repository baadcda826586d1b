"""What an input path is before anything reads it: the sha256 of its bytes, or why they cannot be read.

Only a regular file is ever opened, and never so that the open can block: a
FIFO named *.pdf must not hang a batch before any time limit applies.  A path
whose bytes cannot be read still gets a documents row, under a doc_id of its
path (``path_doc_id``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

# The doc_id of a file whose bytes cannot be read: this prefix and the sha256 of its path.  A
# sha256 of bytes is 64 hex digits, so the two never clash, and the name is safe on any file system.
PATH_ID_PREFIX = "path-"


class Unreadable(OSError):
    """A path that cannot be read as a file; ``str()`` is the reason, for a documents row."""


_NOT_REGULAR = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "directory"))


def _kind(mode: int) -> str:
    return next((name for test, name in _NOT_REGULAR if test(mode)), "not a file")


def _why(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symbolic link loop: the link leads, directly or not, back to itself"
    if isinstance(error, FileNotFoundError):
        if os.path.islink(path):
            return f"a dangling symbolic link: its target {os.readlink(path)} does not exist"
        return "no such file (moved or deleted before it was read)"
    if isinstance(error, PermissionError):
        return f"cannot be read: permission denied ({type(error).__name__})"
    return f"cannot be read: {error.strerror or error} ({type(error).__name__})"


def open_regular(path: Path):
    """Open a file for reading, never blocking: only a regular file is opened at all.

    A FIFO, socket or device named *.pdf would block ``open()`` (or read
    forever) before any time limit applies; a directory cannot be read.
    The file is checked before it is opened and again once it is (O_NONBLOCK,
    in case a FIFO took its place in between).  Raises ``Unreadable`` with
    the reason.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise Unreadable(_why(path, error)) from None
    if not stat.S_ISREG(mode):
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise Unreadable(_why(path, error)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    return os.fdopen(fd, "rb")


def path_doc_id(path: Path) -> str:
    """The doc_id of a path whose bytes cannot be read: stable for the path, so a rerun replaces its row.

    ``path-`` and the sha256 of the absolute path, the folder's symbolic links
    resolved (``./x.pdf`` and ``/data/x.pdf`` are one path), the file's own not
    (two dangling links are two inputs).
    """
    folder, name = os.path.split(os.path.abspath(path))
    key = os.path.join(os.path.realpath(folder), name)
    return PATH_ID_PREFIX + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Identity:
    """What a path is before it is read: its doc_id and size, or why its bytes cannot be read."""

    doc_id: str
    size: int = 0
    error: str | None = None  # not None: the path cannot be read, and doc_id is path_doc_id(path)


def identify(path: Path) -> Identity:
    """The doc_id of a path (sha256 of its bytes), or a path doc_id and the reason it cannot be read; never blocks."""
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            digest = hashlib.sha256()
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except Unreadable as error:
        return Identity(path_doc_id(path), error=str(error))
    except OSError as error:  # e.g. EIO while reading
        return Identity(path_doc_id(path), error=_why(path, error))
    return Identity(digest.hexdigest(), size)

"""Durable file writes: a reader sees the old file or the new one, never half of one, even after a crash.

One place for the fsync-and-rename dance, used by the data releases, the exports and
the deck builder, and for its cheaper form without the flush, used by the caches (the
answer store, the queue of views drawn ahead). Imports nothing of ours, so any module can use it.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (a rename or a new file in it) to disk, so they survive a power cut."""
    directory = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half of one.

    A temporary file in the same directory (same file system, so the rename is atomic) is
    written and fsynced, then ``os.replace``d over ``path``, and the directory is fsynced so
    the rename survives a crash. The temporary file is created with mode 0666 less the umask,
    like any file the user writes, and removed if anything fails. Its name starts with a dot
    and ends in ``.tmp``, so a crash can leave only a hidden file that readers ignore.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_replacing(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half of one, without a disk flush.

    For caches, written on every answer: a crash may lose the file (it is drawn again), never leave half of it.
    The temporary file beside it is hidden (``.put-``: readers and sweeps skip dot files) and removed if the
    write fails. Raises OSError.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".put-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

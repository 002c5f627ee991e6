"""Crash-safe writes: everything is written to a temporary name in the destination folder,
flushed to disk, then ``os.replace``-d over the destination (atomic on POSIX and Windows).

An interrupted or failed write leaves the previous file untouched; the temporary file is
removed on failure (a process killed with SIGKILL can leave a ``.<name>.*.tmp`` file behind,
which is never read).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: str) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    try:
        fd = os.open(path or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_overwrite(path: str, overwrite: bool) -> None:
    """Raises ``FileExistsError`` when ``path`` exists and ``overwrite`` is false."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} already exists and overwrite=False; pass overwrite=True to replace it")


def temp_name(path: str, suffix: str = ".tmp") -> str:
    """A fresh, unused name next to ``path`` (same folder, so the final rename is atomic)."""
    folder, base = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=suffix, dir=folder)
    os.close(fd)
    return tmp


@contextlib.contextmanager
def atomic_file(path: str) -> Iterator[str]:
    """``with atomic_file(path) as tmp:`` write the complete file to ``tmp``; on a normal exit it
    is synced and renamed to ``path``, on an exception it is deleted and ``path`` is unchanged."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot save to {path}: the folder {folder} does not exist")
    tmp = temp_name(path)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(folder)


@contextlib.contextmanager
def atomic_directory(path: str) -> Iterator[str]:
    """Like :func:`atomic_file` for a folder: it is written under a temporary name, then swapped
    in. The old folder is renamed aside before the new one takes its name and deleted after, so
    at every moment one complete version exists (under ``path`` or the aside name)."""
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"cannot save to {path}: the folder {parent} does not exist")
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=parent)
    try:
        yield tmp
        for name in os.listdir(tmp):
            full = os.path.join(tmp, name)
            if os.path.isfile(full):
                _fsync_file(full)
        aside = None
        if os.path.lexists(path):
            if not os.path.isdir(path) or os.path.islink(path):
                raise FileExistsError(f"cannot save the model folder to {path}: a file (not a folder) is there")
            aside = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".old", dir=parent)
            os.rmdir(aside)
            os.replace(path, aside)
        os.replace(tmp, path)
        _fsync_dir(parent)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

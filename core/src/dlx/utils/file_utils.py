"""``get_file``: Keras's downloader (same signature and cache layout), made resumable and atomic.

A download goes to ``<target>.part`` beside the final file; an interrupted one resumes from
where it stopped with an HTTP ``Range`` request (a server that ignores it sends the whole file
again, and the part file restarts). The finished file is hash-checked and only then moved into
place with ``os.replace``, so the cache never holds a partial or corrupt file under its final
name. A cached file whose hash does not match is fetched again. Errors name the URL and the
cache path.

The cache folder is ``cache_dir`` if given, else ``$DLX_HOME``, else ``~/.dlx``; an unwritable
one falls back to ``<tmp>/.dlx`` as in Keras.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

_CHUNK = 1 << 16


class DownloadError(OSError):
    """A file could not be fetched (the message names the URL and the cache path)."""


def dlx_home() -> str:
    """dlx's cache root: ``$DLX_HOME`` or ``~/.dlx``."""
    return os.path.expanduser(os.environ.get("DLX_HOME") or os.path.join("~", ".dlx"))


def resolve_hasher(algorithm: str, file_hash: str | None = None):
    """The hashlib constructor for ``algorithm`` (``"auto"``: sha256 for 64-hex hashes, else md5)."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"hash_algorithm={algorithm!r}; expected 'auto', 'sha256' or 'md5'")


def hash_file(fpath, algorithm: str = "sha256", chunk_size: int = _CHUNK) -> str:
    """The hex digest of the file at ``fpath``."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash: str, algorithm: str = "auto", chunk_size: int = _CHUNK) -> bool:
    """Whether the file's hash equals ``file_hash``."""
    hasher = resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash).lower()


def _is_within(directory: str, target: str) -> bool:
    directory, target = os.path.realpath(directory), os.path.realpath(target)
    return os.path.commonpath([directory, target]) == directory


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extracts a tar (gz/bz2/xz) or zip archive into ``path``; members that would land outside
    it (absolute paths, ``..``, links out) are refused. Returns whether an archive was found."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else [archive_format] if isinstance(archive_format, str) \
        else list(archive_format)
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as tf:
                for m in tf.getmembers():
                    if not _is_within(path, os.path.join(path, m.name)) or m.issym() or (m.islnk() and \
                            not _is_within(path, os.path.join(path, m.linkname))):
                        raise ValueError(f"extract_archive: {file_path}: refusing member {m.name!r} (it would be "
                                         f"written outside {path})")
                kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                _extract_atomically(path, lambda d, tf=tf, kw=kw: tf.extractall(d, **kw))
            return True
        if fmt == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as zf:
                for name in zf.namelist():
                    if not _is_within(path, os.path.join(path, name)):
                        raise ValueError(f"extract_archive: {file_path}: refusing member {name!r} (it would be "
                                         f"written outside {path})")
                _extract_atomically(path, zf.extractall)
            return True
    return False


def _extract_atomically(path: str, extract) -> None:
    """Extracts into a sibling temporary folder, then renames it to ``path``."""
    tmp = f"{path}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        extract(tmp)
        if os.path.exists(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _download(origin: str, target: str, timeout: float) -> None:
    """Fetches ``origin`` into ``target`` through ``target.part``, resuming a previous part."""
    part = target + ".part"
    have = os.path.getsize(part) if os.path.exists(part) else 0
    request = urllib.request.Request(origin, headers={"User-Agent": "dlx"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # the part file already holds the whole file
            os.replace(part, target)
            return
        raise DownloadError(f"URL fetch failure on {origin}: HTTP {e.code} {e.reason}; nothing was written to "
                            f"{target}") from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(f"URL fetch failure on {origin}: {reason}. The file would be cached at {target}; when "
                            f"offline, place it there by hand.") from e
    with response:
        status = getattr(response, "status", 200)
        mode = "ab" if (have and status == 206) else "wb"
        total = response.headers.get("Content-Length")
        total = int(total) + (have if mode == "ab" else 0) if total is not None else None
        from dlx.callbacks.progbar_logger import Progbar

        bar = Progbar(total, unit_name="byte", verbose=1 if sys.stdout.isatty() else 0)
        done = have if mode == "ab" else 0
        try:
            with open(part, mode) as f:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    f.write(chunk)
                    done += len(chunk)
                    bar.update(done)
        except OSError as e:
            raise DownloadError(f"URL fetch failure on {origin} after {done} bytes: {e}. The partial download is "
                                f"kept at {part} and resumes on the next call.") from e
    if total is not None and done < total:
        raise DownloadError(f"URL fetch failure on {origin}: the connection closed after {done} of {total} bytes. "
                            f"The partial download is kept at {part} and resumes on the next call.")
    os.replace(part, target)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Downloads a file from a URL unless it is already in the cache (Keras's ``get_file``).

    Arguments:
        fname: the local file name (default: the URL's last path component). With ``extract``,
            a name without an extension names the extraction folder.
        origin: the URL.
        untar: deprecated: ``extract`` with ``archive_format="tar"``.
        md5_hash: deprecated: ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 or md5 hex digest of the file.
        cache_subdir: the folder under the cache root (an absolute path is used as it is).
        hash_algorithm: ``"auto"``, ``"sha256"`` or ``"md5"``.
        extract: extract the archive (tar, tar.gz, tar.bz2, zip) and return the folder.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"`` or ``None``.
        cache_dir: the cache root (default ``$DLX_HOME`` or ``~/.dlx``).
        force_download: download even when a cached file exists.

    Returns:
        The path of the file (or of the extraction folder with ``extract``).

    Raises:
        DownloadError: when the URL cannot be fetched (naming the URL and the cache path).
        ValueError: when the downloaded file's hash does not match ``file_hash``.
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file to download)')
    if cache_dir is None:
        cache_dir = dlx_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir))
    with contextlib.suppress(OSError):
        os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):
        import tempfile

        base = os.path.join(tempfile.gettempdir(), ".dlx")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: can't parse a file name from origin={origin!r}; pass `fname`")
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(f"get_file: paths are not accepted as `fname` (use `cache_dir` / `cache_subdir` for the "
                         f"folder); received fname={fname!r}")
    if extract or untar:
        if provided and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        print(f"A local file was found at {target}, but its {hash_algorithm} hash does not match {file_hash} "
              "(incomplete or outdated): downloading it again.")
        download = True
    fresh = False
    if download:
        if force_download and os.path.exists(target + ".part"):
            os.remove(target + ".part")
        print(f"Downloading data from {origin}")
        _download(origin, target, timeout=float(os.environ.get("DLX_DOWNLOAD_TIMEOUT", "60")))
        fresh = True
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            got = hash_file(target, resolve_hasher(hash_algorithm, file_hash))
            os.remove(target)
            raise ValueError(f"get_file: incomplete or corrupted file downloaded from {origin}: its "
                             f"{hash_algorithm} hash is {got}, expected {file_hash}. Nothing was kept at {target}.")
    if extract or untar:
        if untar:
            archive_format = "tar"
        needs = fresh or not os.path.isdir(extraction_dir)
        if needs and not extract_archive(target, extraction_dir, archive_format):
            raise ValueError(f"get_file: {target} (from {origin}) is not a {archive_format} archive that can be "
                             "extracted")
        return extraction_dir
    return target

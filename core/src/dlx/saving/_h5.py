"""Reading and writing the Keras 3 HDF5 weights layout (single file or sharded).

Layout (measured on Keras 3.15, see ``docs/saving.md``): every saveable object at path ``P``
(``""`` for the model, ``"layers/dense"``, ``"optimizer"``...) owns a group ``P/vars`` whose
attribute ``name`` is the object's name and whose datasets ``"0"``, ``"1"``... are its own
variables in order. bfloat16 values are stored as float32 with the dataset attribute
``dtype="bfloat16"``. A sharded save writes ``<base>.weights.json`` (``metadata.total_size`` and
a ``weight_map`` from ``"/P/vars"`` to the shard file names) and ``<base>_00000.weights.h5``...

Every h5py / OS / JSON failure while reading becomes a :class:`~dlx.saving.FileFormatError`
naming the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np

from dlx.saving.errors import FileFormatError

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
SHARD_RE = re.compile(r"^(?P<base>.+)_(?P<index>\d{5})\.weights\.h5$")
_SAVE_ID_ATTR = "dlx_save_id"


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency of dlx
        raise ImportError("dlx.saving needs h5py to read and write weights files: pip install h5py") from e
    return h5py


@dataclasses.dataclass
class Entry:
    """The state one saveable object contributes: its path, its name and its values by key."""

    path: str
    name: str | None
    values: dict[str, np.ndarray]

    @property
    def nbytes(self) -> int:
        return int(sum(v.nbytes for v in self.values.values()))


def vars_key(path: str) -> str:
    """The group path of ``path``'s variables (``"vars"`` for the root)."""
    return f"{path}/vars" if path else "vars"


def _to_storable(value: np.ndarray) -> tuple[np.ndarray, str | None]:
    value = np.asarray(value)
    if value.dtype.name == "bfloat16":
        return value.astype(np.float32), "bfloat16"
    return value, None


def _from_stored(ds, data: np.ndarray) -> np.ndarray:
    tag = ds.attrs.get("dtype")
    if isinstance(tag, bytes):
        tag = tag.decode("utf-8", "replace")
    if tag == "bfloat16" and data.dtype.kind == "V" and data.dtype.itemsize == 2:
        # Stored as raw bfloat16 bits: widen to float32 (the upper half of the float32 pattern)
        return (data.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
    return data


# ----------------------------------------------------------------------------------------- writing
def write_entries(h5file, entries: list[Entry]) -> None:
    """Writes ``entries`` into an open, empty ``h5py.File``."""
    for e in entries:
        group = h5file.require_group(vars_key(e.path))
        if e.name is not None:
            group.attrs["name"] = e.name
        for key, value in e.values.items():
            data, tag = _to_storable(value)
            ds = group.create_dataset(key, data=data)
            if tag is not None:
                ds.attrs["dtype"] = tag


def write_h5_file(path: str, entries: list[Entry]) -> None:
    """Writes a ``.weights.h5`` file at ``path`` (the caller makes the write atomic)."""
    h5py = _h5py()
    with h5py.File(path, "w") as f:
        write_entries(f, entries)


def h5_bytes(entries: list[Entry]) -> bytes:
    """The HDF5 file holding ``entries``, in memory (for ``.keras`` archives)."""
    h5py = _h5py()
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        write_entries(f, entries)
    return buf.getvalue()


def shard_base(path: str) -> str:
    """``"dir/w"`` for ``"dir/w.weights.json"`` or ``"dir/w.weights.h5"``."""
    for suffix in (".weights.json", ".weights.h5"):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return os.path.splitext(path)[0]


def plan_shards(entries: list[Entry], max_bytes: float) -> list[list[tuple[Entry, list[str]]]]:
    """Splits the values into shards of at most ``max_bytes`` each (a new shard starts when the
    next value would not fit, as Keras does); an object's values may span shards.

    Raises:
        ValueError: when one value alone is larger than ``max_bytes``.
    """
    shards: list[list[tuple[Entry, list[str]]]] = [[]]
    size = 0.0
    for e in entries:
        keys: list[str] = []
        shards[-1].append((e, keys))
        for key, value in e.values.items():
            n = float(np.asarray(value).nbytes)
            if n > max_bytes:
                raise ValueError(f"save_weights: the variable {vars_key(e.path)}/{key} takes {n / 1024:.2f} KiB, more "
                                 f"than max_shard_size ({max_bytes / 1024:.2f} KiB); increase max_shard_size")
            if size + n > max_bytes and size > 0:
                shards.append([])
                size = 0.0
                keys = []
                shards[-1].append((e, keys))
            keys.append(key)
            size += n
    return shards


def write_sharded(index_path: str, entries: list[Entry], max_shard_size: float, commit) -> list[str]:
    """Writes ``<base>.weights.json`` and its shards ``<base>_NNNNN.weights.h5``.

    Arguments:
        index_path: the index file path (``.weights.json``).
        entries: the state to write.
        max_shard_size: the largest shard, in GiB (as Keras: ``1.0`` is 1024**3 bytes).
        commit: ``commit(final_path, writer)`` writes one file crash-safely (``writer(tmp)``).

    Returns:
        The shard file names written.
    """
    h5py = _h5py()
    base = shard_base(index_path)
    base_name = os.path.basename(base)
    shards = plan_shards(entries, float(max_shard_size) * 1024 ** 3)
    save_id = uuid.uuid4().hex
    weight_map: dict[str, list[str]] = {}
    names = []
    for i, shard in enumerate(shards):
        fname = f"{base_name}_{i:05d}.weights.h5"
        names.append(fname)

        def writer(tmp, shard=shard):
            with h5py.File(tmp, "w") as f:
                f.attrs[_SAVE_ID_ATTR] = save_id
                for e, keys in shard:
                    if not keys and e.values:
                        continue
                    group = f.require_group(vars_key(e.path))
                    first = next(iter(e.values), None)
                    if e.name is not None and (first is None or keys[0] == first):
                        group.attrs["name"] = e.name
                    for key in keys:
                        data, tag = _to_storable(e.values[key])
                        ds = group.create_dataset(key, data=data)
                        if tag is not None:
                            ds.attrs["dtype"] = tag

        commit(os.path.join(os.path.dirname(index_path), fname), writer)
        for e, keys in shard:
            if keys:
                lst = weight_map.setdefault("/" + vars_key(e.path), [])
                if fname not in lst:
                    lst.append(fname)
    index = {"metadata": {"total_size": float(sum(e.nbytes for e in entries)), _SAVE_ID_ATTR: save_id},
             "weight_map": weight_map}

    def write_index(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(index, f, indent=4)

    commit(index_path, write_index)
    # shards of an earlier, larger save under the same base are now stale
    folder = os.path.dirname(index_path) or "."
    for other in os.listdir(folder):
        m = SHARD_RE.match(other)
        if m and m.group("base") == base_name and other not in names:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, other))
    return names


# ----------------------------------------------------------------------------------------- reading
@contextlib.contextmanager
def reading(path, what: str = "") -> Iterator[None]:
    """Turns any low-level failure inside the block into a FileFormatError naming ``path``."""
    try:
        yield
    except FileFormatError:
        raise
    except Exception as e:  # h5py, zipfile (BadZipFile, struct.error, zlib.error), OSError, ...
        where = f" ({what})" if what else ""
        raise FileFormatError(path, f"the file is corrupt or not in the expected format{where}: "
                                    f"{type(e).__name__}: {e}") from e


class WeightsSource:
    """Read access to a weights layout: ``get(path)`` gives ``(name, {key: array})`` or ``None``.

    Arguments:
        files: open ``h5py.File`` objects (one, or every shard).
        label: the file name used in error messages.
        weight_map: for sharded saves, ``"/P/vars"`` -> shard names (else ``None``).
        by_name: shard name -> open file.
    """

    def __init__(self, files: list, label: str, weight_map: dict | None = None, by_name: dict | None = None):
        self.files = files
        self.label = label
        self.weight_map = weight_map
        self.by_name = by_name or {}
        self._closers: list = []

    def _groups(self, path: str) -> list:
        key = vars_key(path)
        if self.weight_map is not None:
            names = self.weight_map.get("/" + key)
            if names is not None:
                if isinstance(names, str):
                    names = [names]
                out = []
                for n in names:
                    f = self.by_name.get(n)
                    if f is None:
                        raise FileFormatError(self.label, f"the index lists the shard {n!r} for {key!r}, but that "
                                                          "shard file is missing")
                    if key not in f:
                        raise FileFormatError(self.label, f"the shard {n!r} has no group {key!r} although the "
                                                          "index says it holds it")
                    out.append(f[key])
                return out
        out = []
        for f in self.files:
            if key in f:
                out.append(f[key])
        return out[:1] if self.weight_map is None else out

    def has(self, path: str) -> bool:
        with reading(self.label, f"group {vars_key(path)!r}"):
            return bool(self._groups(path))

    def get(self, path: str) -> tuple[str | None, dict[str, np.ndarray]] | None:
        """The object's name attribute and values at ``path`` (``None`` when absent)."""
        h5py = _h5py()
        key = vars_key(path)
        with reading(self.label, f"group {key!r}"):
            groups = self._groups(path)
            if not groups:
                return None
            name = None
            values: dict[str, Any] = {}
            for g in groups:
                if not isinstance(g, h5py.Group):
                    raise FileFormatError(self.label, f"{key!r} is a {type(g).__name__}, expected an HDF5 group")
                if name is None and "name" in g.attrs:
                    n = g.attrs["name"]
                    name = n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n)
                for k in g:
                    ds = g[k]
                    if not isinstance(ds, h5py.Dataset):
                        raise FileFormatError(self.label, f"{key}/{k} is a group, expected a dataset (an array)")
                    values[k] = _from_stored(ds, np.asarray(ds[()]))
            return name, _ordered(values)

    def close(self) -> None:
        for f in self.files:
            with contextlib.suppress(Exception):
                f.close()
        for c in self._closers:
            with contextlib.suppress(Exception):
                c.close()


def _ordered(values: dict) -> dict:
    def key(k):
        return (0, int(k), "") if k.isdigit() else (1, 0, k)

    return {k: values[k] for k in sorted(values, key=key)}


def open_h5(source, label: str):
    """Opens an HDF5 file (a path or a file object) for reading, with a clear error."""
    h5py = _h5py()
    with reading(label, "opening it as HDF5"):
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fh:
                head = fh.read(8)
            if head != HDF5_MAGIC:
                raise FileFormatError(label, f"not an HDF5 file (it starts with {head!r}, an HDF5 file starts with "
                                             f"{HDF5_MAGIC!r})")
        else:
            head = source.read(8)
            source.seek(0)
            if head != HDF5_MAGIC:
                raise FileFormatError(label, f"not an HDF5 file (it starts with {head!r}, an HDF5 file starts with "
                                             f"{HDF5_MAGIC!r})")
        return h5py.File(source, "r")


def open_weights_h5(path: str) -> WeightsSource:
    """A :class:`WeightsSource` over a single ``.weights.h5`` file."""
    f = open_h5(path, path)
    return WeightsSource([f], path)


def open_sharded(index_path: str) -> WeightsSource:
    """A :class:`WeightsSource` over a sharded save described by ``<base>.weights.json``."""
    with reading(index_path, "reading the shard index"), open(index_path, encoding="utf-8") as fh:
        index = json.load(fh)
    if not isinstance(index, dict) or not isinstance(index.get("weight_map"), dict):
        raise FileFormatError(index_path, "not a sharded-weights index: expected a JSON object with a 'weight_map' "
                                          "object (as written by save_weights(max_shard_size=...))")
    weight_map = index["weight_map"]
    names: list[str] = []
    for k, v in weight_map.items():
        lst = [v] if isinstance(v, str) else v
        if not isinstance(k, str) or not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
            raise FileFormatError(index_path, f"bad weight_map entry {k!r}: {v!r}; expected a list of shard names")
        for n in lst:
            if os.path.basename(n) != n or not n:
                raise FileFormatError(index_path, f"bad shard name {n!r} in weight_map (it must be a plain file name "
                                                  "in the index's folder)")
            if n not in names:
                names.append(n)
    folder = os.path.dirname(index_path)
    meta = index.get("metadata") if isinstance(index.get("metadata"), dict) else {}
    save_id = meta.get(_SAVE_ID_ATTR)
    files, by_name = [], {}
    try:
        for n in names:
            full = os.path.join(folder, n)
            if not os.path.isfile(full):
                raise FileFormatError(index_path, f"the shard {n!r} listed in the index is missing (looked for {full})")
            f = open_h5(full, full)
            files.append(f)
            by_name[n] = f
            if save_id is not None:
                with reading(full, "reading the shard's save id"):
                    sid = f.attrs.get(_SAVE_ID_ATTR)
                    sid = sid.decode() if isinstance(sid, bytes) else sid
                if sid != save_id:
                    raise FileFormatError(full, f"this shard does not belong to the save described by {index_path} "
                                                "(its save id differs): the sharded save was interrupted or its "
                                                "files were mixed with another save's")
    except BaseException:
        for f in files:
            with contextlib.suppress(Exception):
                f.close()
        raise
    return WeightsSource(files, index_path, weight_map=weight_map, by_name=by_name)

"""Reading dataset files that hold pickled objects (the sequences of ``imdb.npz``, the CIFAR
batches) with an unpickler that builds only NumPy arrays and plain Python containers: a crafted
file cannot run code."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

_ALLOWED = frozenset({("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
                      ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
                      ("numpy._core.multiarray", "scalar")})


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a dataset file: only NumPy arrays and "
                                     "Python containers are expected (the file may be corrupt or malicious)")


def load_pickle(f, encoding: str = "ASCII"):
    return SafeUnpickler(f, encoding=encoding).load()


def _read_member(buf: io.BytesIO):
    try:
        return np.lib.format.read_array(buf, allow_pickle=False)
    except ValueError:
        buf.seek(0)
        major, _ = np.lib.format.read_magic(buf)
        if major == 1:
            np.lib.format.read_array_header_1_0(buf)
        else:
            np.lib.format.read_array_header_2_0(buf)
        return load_pickle(buf, encoding="latin1")


def load_npz(path) -> dict:
    """The arrays of an ``.npz`` file; object arrays through :class:`SafeUnpickler`."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if member.endswith(".npy"):
                out[member[:-4]] = _read_member(io.BytesIO(zf.read(member)))
    return out

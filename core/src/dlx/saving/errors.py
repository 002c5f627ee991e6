"""dlx's own error types for reading and writing model files.

Every problem with a file's *content* (corrupt, truncated, wrong format, weights that do not
fit the model) is a :class:`FileFormatError` that names the file and says what is wrong; raw
``h5py`` / ``zipfile`` / ``json`` exceptions never leave :mod:`dlx.saving`.
"""

from __future__ import annotations

import os


class FileFormatError(ValueError):
    """A model or weights file cannot be read: it is corrupt, truncated, of another format, or
    its weights do not match the model.

    Arguments:
        path: the file (or archive member) concerned.
        problem: what is wrong, in words.

    Example:

    >>> import os, tempfile
    >>> from dlx import saving
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.keras")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"not a zip")
    >>> try:
    ...     saving.load_model(path)
    ... except saving.FileFormatError as e:
    ...     print(e.problem)
    not a model file: it is neither a .keras zip archive ... nor an HDF5 file (legacy .h5); ...
    """

    def __init__(self, path, problem: str):
        self.path = os.fspath(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class WeightsMismatchError(FileFormatError):
    """The file is well formed but its weights do not fit the model (a missing layer, a
    different number of variables, or a different shape).

    Arguments:
        path: the file (or archive member) concerned.
        problem: which weights do not fit, and how, in words.

    Example:

    >>> import os, tempfile
    >>> import dlx
    >>> from dlx import saving
    >>> path = os.path.join(tempfile.mkdtemp(), "small.weights.h5")
    >>> dlx.Sequential([dlx.Input((2,)), dlx.layers.Dense(1)]).save_weights(path)
    >>> bigger = dlx.Sequential([dlx.Input((3,)), dlx.layers.Dense(1)])
    >>> try:
    ...     bigger.load_weights(path)
    ... except saving.WeightsMismatchError as e:
    ...     print(e.problem)
    the weights do not fit the model: ... variable 'kernel' has shape (3, 1), the file's '0' has shape (2, 1)
    """


__all__ = ["FileFormatError", "WeightsMismatchError"]

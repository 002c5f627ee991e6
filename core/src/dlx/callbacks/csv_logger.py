"""Stream epoch results to a CSV file."""

from __future__ import annotations

import csv
import os

import numpy as np

from dlx.callbacks.callback import Callback


class CSVLogger(Callback):
    """Writes one row per epoch (``epoch`` then every log key, sorted).

    Arguments:
        filename: the CSV path.
        separator: the column separator.
        append: append to an existing file (no second header).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    >>> with open(path) as f:
    ...     print(f.readline().strip(), len(f.readlines()))
    epoch,loss 2
    """

    requires_model_state = False

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._file = None
        self._writer = None

    def on_train_begin(self, logs=None):
        existed = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        if existed:
            with open(self.filename, newline="") as f:
                header = f.readline().strip()
            self.keys = header.split(self.sep)[1:] if header else None
        self._file = open(self.filename, "a" if self.append else "w", newline="")  # noqa: SIM115
        self._writer = None
        self._header_written = existed

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if self.keys is None:
            self.keys = sorted(logs)
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch", *self.keys], delimiter=self.sep,
                                          extrasaction="ignore")
            if not self._header_written:
                self._writer.writeheader()
                self._header_written = True

        def fmt(v):
            a = np.asarray(v)
            return a.item() if a.ndim == 0 else f'"[{", ".join(str(x) for x in a.reshape(-1))}]"'

        self._writer.writerow({"epoch": epoch, **{k: fmt(logs[k]) if k in logs else "NA" for k in self.keys}})
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file = None

"""Save the model (or its weights) during training."""

from __future__ import annotations

import os

from dlx.callbacks.callback import Callback
from dlx.callbacks.monitor import get_monitor_value, is_better, resolve_mode


class ModelCheckpoint(Callback):
    """Saves the model with ``model.save(path)`` (``.keras``) or ``model.save_weights(path)``
    (``.weights.h5`` with ``save_weights_only``) every epoch or every ``save_freq`` batches.

    Arguments:
        filepath: a path, formatted with ``epoch`` (1-based), ``batch`` and the logs, e.g.
            ``"ckpt/{epoch:02d}-{val_loss:.2f}.weights.h5"``.
        monitor: the quantity compared with ``save_best_only``.
        verbose: print a line per save.
        save_best_only: save only when ``monitor`` improves (the file is overwritten).
        save_weights_only: save weights only.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: the value ``monitor`` must beat for the first save.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "best.weights.h5")
    >>> best = callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True,
    ...                                  save_weights_only=True)
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[best])
    >>> os.path.exists(path)
    True
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError(f"ModelCheckpoint: with save_weights_only=True, filepath={self.filepath!r} must end in "
                             "'.weights.h5'")
        if not save_weights_only and not self.filepath.endswith(".keras"):
            raise ValueError(f"ModelCheckpoint: filepath={self.filepath!r} must end in '.keras' (or pass "
                             "save_weights_only=True with a '.weights.h5' path)")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: save_freq={save_freq!r}; expected 'epoch' or a positive int")
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = resolve_mode(monitor, mode)
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches_seen = 0
        self._epoch = 0
        self.requires_model_state = save_freq != "epoch"

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._last_end = 0

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += batch + 1 - getattr(self, "_last_end", 0)  # a group of steps_per_execution batches
        self._last_end = batch + 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            from dlx.trainers.trainer import pythonify_logs

            self._save(self._epoch, batch, pythonify_logs(logs))

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _path(self, epoch, batch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, batch=None if batch is None else batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint: filepath={self.filepath!r} names {e}, which is not in the logs "
                           f"{sorted(logs)}") from None

    def _save(self, epoch, batch, logs):
        path = self._path(epoch, batch, logs)
        if self.save_best_only:
            current = get_monitor_value(logs, self.monitor, "ModelCheckpoint")
            if current is None or not is_better(self.mode, current, self.best):
                if self.verbose and current is not None:
                    print(f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.best}")
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best} to {current}, saving to {path}")
            self.best = current
        elif self.verbose:
            print(f"Epoch {epoch + 1}: saving model to {path}")
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)

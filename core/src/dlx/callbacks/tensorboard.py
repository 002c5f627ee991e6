"""Write training curves and weight histograms for TensorBoard."""

from __future__ import annotations

import os

import numpy as np

from dlx.callbacks.callback import Callback
from dlx.callbacks.event_file import EventFileWriter


class TensorBoard(Callback):
    """Logs epoch metrics (``epoch_<name>``) to ``<log_dir>/train`` and ``<log_dir>/validation``,
    optionally batch metrics (``batch_<name>``, every ``update_freq`` batches) and weight
    histograms (every ``histogram_freq`` epochs). Event files are written directly (no
    TensorFlow needed) and read by ``tensorboard --logdir``.

    Arguments:
        log_dir: the log directory.
        histogram_freq: epochs between weight histograms (0: none).
        update_freq: ``"epoch"`` or a number of batches between batch-level scalars.
    """

    requires_model_state = False

    def __init__(self, log_dir="logs", histogram_freq=0, update_freq="epoch", **kwargs):
        super().__init__()
        unsupported = {k: v for k, v in kwargs.items() if k not in ("write_graph", "write_images", "profile_batch",
                                                                     "embeddings_freq", "write_steps_per_second")}
        if unsupported:
            raise TypeError(f"TensorBoard: unknown argument(s) {sorted(unsupported)}")
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError(f"TensorBoard: update_freq={update_freq!r}; expected 'epoch' or a positive int")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.update_freq = update_freq
        self._writers: dict[str, EventFileWriter] = {}
        self._step = 0

    def _writer(self, name):
        w = self._writers.get(name)
        if w is None:
            w = self._writers[name] = EventFileWriter(os.path.join(self.log_dir, name))
        return w

    def on_train_begin(self, logs=None):
        self._step = 0

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.update_freq != "epoch" and self._step % self.update_freq == 0 and logs:
            from dlx.trainers.trainer import pythonify_logs

            vals = {f"batch_{k}": v for k, v in pythonify_logs(logs).items() if np.ndim(v) == 0}
            self._writer("train").add_scalars(self._step, vals)

    def on_epoch_end(self, epoch, logs=None):
        train, val = {}, {}
        for k, v in (logs or {}).items():
            if np.ndim(v) != 0:
                continue
            if k.startswith("val_"):
                val[f"epoch_{k[4:]}"] = float(v)
            else:
                train[f"epoch_{k}"] = float(v)
        if train:
            self._writer("train").add_scalars(epoch, train)
        if val:
            self._writer("validation").add_scalars(epoch, val)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            hist = {v.path: v.numpy() for v in getattr(self.model, "weights", self.model.trainable_variables)}
            self._writer("train").add_histograms(epoch, hist)
        for w in self._writers.values():
            w.flush()

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}

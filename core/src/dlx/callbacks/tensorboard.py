"""Write training curves and weight histograms for TensorBoard."""

from __future__ import annotations

import os
import time

import numpy as np

from dlx.callbacks.callback import Callback
from dlx.callbacks.event_file import EventFileWriter, text_value


class TensorBoard(Callback):
    """Logs epoch metrics (``epoch_<name>``) to ``<log_dir>/train`` and ``<log_dir>/validation``,
    optionally batch metrics (``batch_<name>``, every ``update_freq`` batches) and weight
    histograms (every ``histogram_freq`` epochs). Event files are written directly (no
    TensorFlow needed) and read by ``tensorboard --logdir``.

    Arguments:
        log_dir: the log directory.
        histogram_freq: epochs between weight histograms (0: none).
        write_graph: write the model's architecture (its JSON config, TensorBoard's Keras
            conceptual graph under the tag ``keras``) when training starts.
        write_images: not supported (``True`` raises).
        write_steps_per_second: log ``epoch_steps_per_second``.
        update_freq: ``"epoch"``, ``"batch"`` or a number of batches between batch-level scalars.
        profile_batch: must be 0 (dlx runs no profiler here).
        embeddings_freq, embeddings_metadata: must be 0 / ``None`` (no embedding projector).
    """

    requires_model_state = False

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError(f"TensorBoard: update_freq={update_freq!r}; expected 'epoch', 'batch' or a positive int")
        # what dlx cannot write raises here rather than being dropped silently
        if write_images:
            raise ValueError("TensorBoard: write_images=True is not supported by dlx (it writes no image "
                             "summaries); use histogram_freq to follow the weights")
        if profile_batch not in (0, None, (0, 0), "0"):
            raise ValueError(f"TensorBoard: profile_batch={profile_batch!r}: dlx does not run the TensorFlow/JAX "
                             "profiler from this callback; profile with the framework's own tools (must be 0)")
        if embeddings_freq or embeddings_metadata is not None:
            raise ValueError(f"TensorBoard: embeddings_freq={embeddings_freq!r} / embeddings_metadata: the "
                             "embedding projector is not supported by dlx (must be 0 / None)")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self.update_freq = update_freq
        self._epoch_start = None
        self._epoch_steps = 0
        self._writers: dict[str, EventFileWriter] = {}
        self._step = 0

    def _writer(self, name):
        w = self._writers.get(name)
        if w is None:
            w = self._writers[name] = EventFileWriter(os.path.join(self.log_dir, name))
        return w

    def on_train_begin(self, logs=None):
        self._step = 0
        if self.write_graph:
            self._write_model_graph()

    def _write_model_graph(self):
        """The model's architecture as TensorBoard's Keras conceptual graph (its JSON config, tag
        ``keras``), as Keras writes it; a model without a config (a subclass without
        ``get_config``) is skipped, as in Keras."""
        try:
            config = self.model.to_json()
        except Exception:
            return
        self._writer("train").add_values(0, [text_value("keras", config, "graph_keras_model", b"1")])

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._epoch_steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        self._epoch_steps += 1
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
        if self.write_steps_per_second and self._epoch_start is not None and self._epoch_steps:
            train["epoch_steps_per_second"] = self._epoch_steps / max(time.perf_counter() - self._epoch_start, 1e-9)
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

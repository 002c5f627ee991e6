"""Back up training state so that an interrupted ``fit`` resumes where it stopped."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from dlx.callbacks.callback import Callback
from dlx.distribution.engine import coordinates_writes, write_once


class BackupAndRestore(Callback):
    """Backs up the model (``model.save_weights``), the optimizer and metric state, and the
    position in training (epoch, step, shuffling seed); a new ``fit`` with the same callback
    restores them and resumes at the same epoch and step, so an interrupted run ends with the
    same weights as an uninterrupted one.

    Arguments:
        backup_dir: where the backup lives (deleted after a successful ``fit`` unless
            ``delete_checkpoint=False``).
        save_freq: ``"epoch"``, ``False`` (never) or a number of batches.
        double_checkpoint: keep the previous backup too, and fall back to it if the latest one
            is unreadable.
        delete_checkpoint: delete the backup when training finishes.

    Under a :mod:`dlx.distribution` the backup holds the gathered (unsharded) values, and in a
    job of several processes only process 0 writes and deletes it; every process restores from
    it, so ``backup_dir`` must be a directory that all processes see.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> import os, tempfile
    >>> backup = callbacks.BackupAndRestore(os.path.join(tempfile.mkdtemp(), "backup"))
    >>> history = model.fit(x, y, epochs=2, verbose=0, callbacks=[backup])
    >>> history.epoch  # a finished run deletes its backup, so the next fit starts afresh
    [0, 1]
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is empty; expected a directory path")
        if save_freq not in ("epoch", False) and (not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"BackupAndRestore: save_freq={save_freq!r}; expected 'epoch', False or a positive int")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self.requires_model_state = isinstance(save_freq, int) and not isinstance(save_freq, bool)
        self._epoch = 0
        self._batches = 0

    def _dir(self, which="latest"):
        return os.path.join(self.backup_dir, which)

    def on_train_begin(self, logs=None):
        for which in ("latest", "previous") if self.double_checkpoint else ("latest",):
            try:
                self._restore(self._dir(which))
                return
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError) as e:
                if which == "latest" and self.double_checkpoint:
                    continue
                raise ValueError(f"BackupAndRestore: the backup in {self._dir(which)} is unreadable: {e}") from e

    def _restore(self, d):
        meta_path = os.path.join(d, "training_metadata.json")
        with open(meta_path) as f:
            meta = json.load(f)
        self.model.load_weights(os.path.join(d, "model.weights.h5"))
        with np.load(os.path.join(d, "state.npz")) as z:
            opt_vars = self.model.optimizer.variables
            if len(opt_vars) != meta["num_optimizer_variables"]:
                raise ValueError(f"the optimizer has {len(opt_vars)} variables; the backup has "
                                 f"{meta['num_optimizer_variables']}")
            for i, v in enumerate(opt_vars):
                v.assign(z[f"optimizer_{i}"])
            mvars = self.model._metric_variables()
            if len(mvars) == meta["num_metric_variables"]:
                for i, v in enumerate(mvars):
                    v.assign(z[f"metric_{i}"])
        epoch, step = int(meta["epoch"]), int(meta["step"])
        self.model._initial_epoch = epoch
        self.model._initial_step = step
        if meta.get("data_seed") is not None:
            self.model._data_seed = int(meta["data_seed"])
        self._epoch = epoch

    def _save(self, epoch, step):
        """Backs up the state after ``step`` batches of ``epoch`` (``step=0``: at the epoch's start)."""
        if _writes_files():
            write_once(lambda: self._write(epoch, step))

    def _write(self, epoch, step):
        tmp = self._dir("tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        self.model.save_weights(os.path.join(tmp, "model.weights.h5"))
        opt_vars = self.model.optimizer.variables
        mvars = self.model._metric_variables()
        arrays = {f"optimizer_{i}": v.numpy() for i, v in enumerate(opt_vars)}
        arrays.update({f"metric_{i}": v.numpy() for i, v in enumerate(mvars)})
        np.savez(os.path.join(tmp, "state.npz"), **arrays)
        meta = {"epoch": epoch, "step": step, "data_seed": getattr(self.model, "_data_seed", None),
                "num_optimizer_variables": len(opt_vars), "num_metric_variables": len(mvars)}
        with open(os.path.join(tmp, "training_metadata.json"), "w") as f:
            json.dump(meta, f)
        latest = self._dir("latest")
        if self.double_checkpoint and os.path.isdir(latest):
            shutil.rmtree(self._dir("previous"), ignore_errors=True)
            os.replace(latest, self._dir("previous"))
        else:
            shutil.rmtree(latest, ignore_errors=True)
        os.replace(tmp, latest)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._last_end = getattr(self.model, "_initial_step", 0) if epoch == getattr(self.model, "_initial_epoch",
                                                                                      -1) else 0

    def on_train_batch_end(self, batch, logs=None):
        if not self.requires_model_state:
            return
        self._batches += batch + 1 - self._last_end  # a group of steps_per_execution batches
        self._last_end = batch + 1
        if self._batches >= self.save_freq:
            self._batches = 0
            self._save(self._epoch, batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and _writes_files():
            write_once(lambda: shutil.rmtree(self.backup_dir, ignore_errors=True))


def _writes_files() -> bool:
    """Whether this process takes part in writing the backup: always, except in a multi-process
    distributed job, where process 0 writes (the variables it backs up are replicated, equal on
    every process) -- through the engine's :func:`write_once` where it coordinates writes (torch),
    which every process then calls."""
    from dlx.distribution.strategies import distribution

    dist = distribution()
    return dist is None or dist.data_shard_id == 0 or coordinates_writes()

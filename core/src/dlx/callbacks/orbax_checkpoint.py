"""Save the training state with Orbax (``orbax-checkpoint``), as Keras 3's ``OrbaxCheckpoint``."""

from __future__ import annotations

import os

from dlx.callbacks.callback import Callback
from dlx.callbacks.monitor import get_monitor_value, is_better, resolve_mode


class OrbaxCheckpoint(Callback):
    """Saves the model's state into an Orbax checkpoint directory during ``fit``, in the background
    by default, in the layout Keras 3's ``OrbaxCheckpoint`` writes (one folder per step, each with
    the ``pytree`` state tree, the ``model_config`` and any ``assets``; see
    :mod:`dlx.saving.orbax_checkpoint`). ``dlx.saving.load_model(directory)`` rebuilds the model
    of the latest step, ``model.load_weights(directory)`` restores it into a built model; both
    read checkpoints that Keras wrote too.

    Steps are numbered as Keras numbers them: with ``save_freq="epoch"`` the step is the epoch
    index (0, 1...); with an integer ``save_freq`` it is the number of batches trained, counted
    from the optimizer's ``iterations`` when the model is set (so a resumed model continues the
    numbering). Orbax skips (does not write) a step that is not newer than the directory's
    latest one.

    Arguments:
        directory: the checkpoint directory (created when missing).
        monitor: the quantity ``save_best_only`` compares.
        verbose: 1 prints a line for each save.
        save_best_only: save only when ``monitor`` improves on the best value seen.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (how ``monitor`` improves).
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: the value ``monitor`` must beat for the first save.
        max_to_keep: how many of the latest steps to keep (``None``: all).
        save_on_background: write asynchronously while training goes on (the callback waits
            for the writes at the end of ``fit``).
        save_weights_only: save the trainable and non-trainable variables only (no optimizer
            and metric state, no model config: restore with ``load_weights``).

    Needs the ``orbax-checkpoint`` package (``pip install orbax-checkpoint``, or the ``dlx[orbax]``
    extra). Under a :mod:`dlx.distribution` of several processes the gathered state is written
    once for the job (torch: by process 0), as ``model.save`` does.
    """

    def __init__(self, directory, monitor="val_loss", verbose=0, save_best_only=False, mode="auto",
                 save_freq="epoch", initial_value_threshold=None, max_to_keep=1, save_on_background=True,
                 save_weights_only=False):
        super().__init__()
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"OrbaxCheckpoint: save_freq={save_freq!r}; expected 'epoch' or a positive int")
        if max_to_keep is not None and (isinstance(max_to_keep, bool) or not isinstance(max_to_keep, int)
                                        or max_to_keep < 1):
            raise ValueError(f"OrbaxCheckpoint: max_to_keep={max_to_keep!r}; expected a positive int or None")
        from dlx.saving.orbax_checkpoint import orbax_v1

        self._ocp = orbax_v1()
        self.directory = os.fspath(directory)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.mode = resolve_mode(monitor, mode)
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self.max_to_keep = max_to_keep
        self.save_on_background = save_on_background
        self.save_weights_only = save_weights_only
        self.requires_model_state = save_freq != "epoch"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._total_batches_seen = 0
        self._async_futures = []
        self.checkpointer = self._new_checkpointer()

    def _new_checkpointer(self):
        training = self._ocp.training
        keep = None if self.max_to_keep is None else training.preservation_policies.LatestN(self.max_to_keep)
        # every save the callback decides on is written: the schedule is the callback's
        return training.Checkpointer(directory=os.path.abspath(self.directory), preservation_policy=keep,
                                     save_decision_policy=training.save_decision_policies.FixedIntervalPolicy(1))

    def set_model(self, model):
        super().set_model(model)
        opt = getattr(model, "optimizer", None)
        if opt is not None:
            self._total_batches_seen = int(opt.iterations)  # a restored model continues the step numbers

    # -- multi-host queries (Keras's API): Orbax coordinates processes only through jax's client
    def is_multihost_enabled(self) -> bool:
        """Whether Orbax coordinates several hosts: on jax, when ``jax.distributed`` is initialized."""
        from dlx import backend

        if backend.backend() != "jax":
            return False
        import orbax.checkpoint as ocp

        return bool(ocp.multihost.is_jax_distributed_client_initialized())

    def is_primary_host(self) -> bool:
        """Whether this process is the primary (0) host; always ``True`` on a single host."""
        if not self.is_multihost_enabled():
            return True
        import orbax.checkpoint as ocp

        return bool(ocp.multihost.is_primary_host(primary_host=0))

    def _sync(self, key: str) -> None:
        if self.is_multihost_enabled():
            import orbax.checkpoint as ocp

            ocp.multihost.sync_global_processes(key)

    # -- the schedule ------------------------------------------------------------------------------
    def _batch_is_due(self, batch) -> bool:
        """Counts the batches trained up to ``batch`` (a group with ``steps_per_execution``)."""
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch began
        else:
            added = batch - self._last_batch_seen
        self._last_batch_seen = batch
        self._batches_seen_since_last_saving += added
        self._total_batches_seen += added
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _improved(self, logs, where: str) -> bool:
        if not self.save_best_only:
            return True
        current = get_monitor_value(logs, self.monitor, f"OrbaxCheckpoint (skipping the save at {where})")
        if current is None or not is_better(self.mode, current, self.best):
            return False
        self.best = current
        return True

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch" or not self._batch_is_due(batch):
            return
        if self.save_best_only:
            from dlx.trainers.trainer import pythonify_logs

            logs = pythonify_logs(logs)
        if self._improved(logs, f"batch {batch}"):
            self._save(self._total_batches_seen)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch" and self._improved(logs, f"epoch {epoch}"):
            self._save(epoch)

    def _save(self, step: int) -> None:
        from dlx.distribution.engine import write_once
        from dlx.saving.orbax_checkpoint import checkpointables

        payload = checkpointables(self.model, self.save_weights_only)
        if self.verbose:
            print(f"OrbaxCheckpoint: saving step {step} to {self.directory}")

        if self.checkpointer is None:  # closed by the end of an earlier fit
            self.checkpointer = self._new_checkpointer()

        def write():
            with self._ocp.Context():
                if self.save_on_background:
                    self._async_futures.append(self.checkpointer.save_checkpointables_async(step, payload))
                else:
                    self.checkpointer.save_checkpointables(step, payload)

        write_once(write)

    def on_train_end(self, logs=None):
        self.wait_until_finished()
        if self.checkpointer is not None:
            self.checkpointer.close()
            self.checkpointer = None  # a later fit with this callback opens a new one
        self._sync("checkpoint_cleanup")

    def wait_until_finished(self) -> None:
        """Blocks until every background save has been written (raising a save's error)."""
        futures, self._async_futures = self._async_futures, []
        for f in futures:
            f.result()
        if self.checkpointer is not None:
            self.checkpointer.wait()
        self._sync("checkpoint_wait_complete")

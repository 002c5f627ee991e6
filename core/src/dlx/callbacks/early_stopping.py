"""Stop training when a monitored quantity stops improving."""

from __future__ import annotations

from dlx.callbacks.callback import Callback
from dlx.callbacks.monitor import get_monitor_value, is_better, resolve_mode


class EarlyStopping(Callback):
    """Stops ``fit`` after ``patience`` epochs without improvement of ``monitor``.

    Arguments:
        monitor: the logged quantity (``"val_loss"``).
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: print a message when stopping / restoring.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: training stops if the quantity does not beat this value.
        restore_best_weights: put back the weights of the best epoch when stopping (or at the end).
        start_from_epoch: epochs to wait before monitoring starts.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> stop = callbacks.EarlyStopping(monitor="loss", patience=2)
    >>> stop.set_model(model)
    >>> stop.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7]):
    ...     stop.on_epoch_end(epoch, {"loss": loss})
    ...     print(epoch, model.stop_training)
    0 False
    1 False
    2 False
    3 True
    """

    requires_model_state = False

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience={patience!r}; expected >= 0")
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode_arg = mode
        self.mode = resolve_mode(monitor, mode)
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self.baseline
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = get_monitor_value(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if is_better(self.mode, current, self.best, self.min_delta):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or is_better(self.mode, current, self.baseline, 0.0):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

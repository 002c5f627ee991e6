"""Set the learning rate at the start of each epoch from a function of the epoch."""

from __future__ import annotations

import inspect

import numpy as np

from dlx.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets ``optimizer.learning_rate = schedule(epoch, lr)`` (or ``schedule(epoch)``) before
    every epoch.

    Arguments:
        schedule: a function of the 0-based epoch (and the current learning rate).
        verbose: print the new rate.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> schedule = callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[schedule])
    >>> round(float(model.optimizer.learning_rate), 4)
    0.05
    """

    requires_model_state = False

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule={schedule!r}; expected a callable")
        self.schedule = schedule
        self.verbose = verbose
        try:
            self._two_args = len(inspect.signature(schedule).parameters) >= 2
        except (TypeError, ValueError):
            self._two_args = True

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(np.asarray(self.model.optimizer.learning_rate))
        new = self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)
        new = float(np.asarray(new))
        if not np.isfinite(new):
            raise ValueError(f"LearningRateScheduler: schedule returned {new!r} for epoch {epoch}; expected a finite "
                             "float")
        self.model.optimizer.learning_rate = new
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {new}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(np.asarray(self.model.optimizer.learning_rate))

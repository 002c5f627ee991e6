"""The :class:`History` callback (returned by ``fit``)."""

from __future__ import annotations

from dlx.callbacks.callback import Callback


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"]`` is the per-epoch loss list.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> history = model.fit(x, y, epochs=3, verbose=0)
    >>> history.epoch, sorted(history.history), len(history.history["loss"])
    ([0, 1, 2], ['loss'], 3)
    """

    requires_model_state = False

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self

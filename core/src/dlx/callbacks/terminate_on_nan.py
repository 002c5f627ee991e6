"""Stop training when the loss becomes NaN or infinite."""

from __future__ import annotations

import numpy as np

from dlx.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's ``loss`` is NaN or infinite.

    Arguments:
        raise_error: ``False`` (default): print a line and set ``model.stop_training`` (the epoch
            ends, ``on_train_end`` runs). ``True``: raise ``RuntimeError`` at once, so no other
            callback's cleanup runs (a backup is kept, nothing is overwritten by a final save).

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> stop = callbacks.TerminateOnNaN()
    >>> stop.set_model(model)
    >>> stop.on_train_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> model.stop_training
    True
    """

    requires_model_state = False

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(np.asarray(loss)).all():
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                                   "Terminating training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True

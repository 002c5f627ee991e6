"""A callback built from functions."""

from __future__ import annotations

from dlx.callbacks.callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


class LambdaCallback(Callback):
    """Calls the given functions from the matching hooks: ``on_epoch_begin(epoch, logs)``,
    ``on_train_batch_end(batch, logs)``, ``on_train_begin(logs)``... (``on_batch_begin`` /
    ``on_batch_end`` are accepted for the training batch hooks).

    Arguments:
        on_epoch_begin: called as ``f(epoch, logs)`` at the start of each epoch.
        on_epoch_end: called as ``f(epoch, logs)`` at the end of each epoch.
        on_train_begin: called as ``f(logs)`` when training starts.
        on_train_end: called as ``f(logs)`` when training ends.
        on_train_batch_begin: called as ``f(batch, logs)`` before each training batch.
        on_train_batch_end: called as ``f(batch, logs)`` after each training batch.
        **kwargs: functions for the other hooks by name (``on_test_begin``,
            ``on_test_batch_end``, ``on_predict_end``...), and ``on_batch_begin`` /
            ``on_batch_end`` for the training batch hooks.

    Raises:
        TypeError: for an unknown hook name or a value that is not callable.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> seen = []
    >>> log = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[log])
    >>> seen
    [0, 1]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        fns = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end, "on_train_begin": on_train_begin,
               "on_train_end": on_train_end, "on_train_batch_begin": on_train_batch_begin,
               "on_train_batch_end": on_train_batch_end}
        if "on_batch_begin" in kwargs:
            fns["on_train_batch_begin"] = kwargs.pop("on_batch_begin")
        if "on_batch_end" in kwargs:
            fns["on_train_batch_end"] = kwargs.pop("on_batch_end")
        for k, v in kwargs.items():
            if k not in _HOOKS:
                raise TypeError(f"LambdaCallback: unknown hook {k!r}; expected one of {list(_HOOKS)}")
            fns[k] = v
        for k, fn in fns.items():
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback: {k}={fn!r} is not callable")
                setattr(self, k, fn)
        self.requires_model_state = fns["on_train_batch_begin"] is not None or fns["on_train_batch_end"] is not None

""":class:`CallbackList`: dispatches every hook to a list of callbacks."""

from __future__ import annotations

from dlx.callbacks.callback import Callback
from dlx.callbacks.history import History
from dlx.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """A container that calls each hook on every callback, in order.

    Arguments:
        callbacks: a list of :class:`Callback`.
        add_history: append a :class:`History` if the list has none.
        add_progbar: append a :class:`ProgbarLogger` if the list has none.
        model: the model the callbacks act on.
        **params: ``verbose``, ``epochs``, ``steps`` (given to ``set_params``).

    Example:

    >>> from dlx import callbacks
    >>> class Echo(callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print("epoch", epoch, logs)
    >>> cbs = callbacks.CallbackList([Echo()], add_history=True)
    >>> [type(c).__name__ for c in cbs.callbacks]
    ['Echo', 'History']
    >>> cbs.on_epoch_end(0, {"loss": 0.5})
    epoch 0 {'loss': 0.5}
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for i, cb in enumerate(self.callbacks):
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks[{i}] is {type(cb).__name__}; expected a dlx.callbacks.Callback")
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Adds a callback at the end of the list (it receives hooks after the others).

        Arguments:
            callback: the callback to add.
        """
        self.callbacks.append(callback)

    def set_params(self, params):
        """Stores the training parameters and passes them to every callback in the list.

        Arguments:
            params: the parameters, a dict (``epochs``, ``steps``, ``verbose``).
        """
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        """Attaches the model to the list and to every callback in it.

        Arguments:
            model: the model.
        """
        self._model = model
        for cb in self.callbacks:
            cb.set_model(model)

    @property
    def needs_state_on_batch(self) -> bool:
        return any(cb.needs_state_on_batch for cb in self.callbacks)

    @property
    def reads_state_on_batch(self) -> bool:
        return any(cb.reads_state_on_batch for cb in self.callbacks)

    def _call(self, hook, *args):
        *head, logs = args
        args = (*head, {} if logs is None else logs)  # callbacks always receive a logs dict, as in Keras
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

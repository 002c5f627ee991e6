"""The :class:`Callback` base class."""

from __future__ import annotations

_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")


class Callback:
    """Base class of callbacks: override any hook. ``self.model`` is the model being trained
    and ``self.params`` holds ``verbose``, ``epochs`` and ``steps``.

    During ``fit`` the model's variables are written from the compiled training state at epoch
    ends. In a training *batch* hook they are written when the callback first reads
    :attr:`model` there (as Keras does on JAX), so a batch hook that does not read the model costs
    nothing; ``requires_model_state = True`` writes them before every batch end whatever the hook
    reads (a hook that reaches the model another way than through :attr:`model`), ``False``
    never in batch hooks.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    >>> class PrintKeys(callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, sorted(logs))
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[PrintKeys()])
    0 ['loss']
    1 ['loss']
    """

    requires_model_state: bool | None = None

    def __init__(self):
        self.params: dict = {}
        self._model = None

    def set_params(self, params: dict) -> None:
        """Stores the training parameters (``epochs``, ``steps``, ``verbose``) as :attr:`params`; the
        training loop calls it before the first hook.

        Arguments:
            params: the parameters, a dict.
        """
        self.params = params

    def set_model(self, model) -> None:
        """Attaches the model being trained, evaluated or run (:attr:`model`); the loop calls it first.

        Arguments:
            model: the model.
        """
        self._model = model

    @property
    def model(self):
        """The model; in ``fit``'s batch hooks its variables are first written from the training
        state (once per hook)."""
        model = self._model
        sync = getattr(model, "_sync_pending_state", None)
        if sync is not None:
            sync()
        return model

    @property
    def needs_state_on_batch(self) -> bool:
        """Whether ``fit`` writes the variables before every training batch end
        (``requires_model_state = True``)."""
        return bool(self.requires_model_state)

    @property
    def reads_state_on_batch(self) -> bool:
        """Whether a training batch hook may read :attr:`model` (one is overridden and
        ``requires_model_state`` is not ``False``): ``fit`` then writes the variables on that read."""
        if self.requires_model_state is not None:
            return bool(self.requires_model_state)
        return any(getattr(type(self), h) is not getattr(Callback, h) for h in _BATCH_HOOKS)

    def on_batch_begin(self, batch, logs=None):
        """Alias of :meth:`on_train_batch_begin` (Keras 2 name)."""

    def on_batch_end(self, batch, logs=None):
        """Alias of :meth:`on_train_batch_end` (Keras 2 name)."""

    def on_epoch_begin(self, epoch, logs=None):
        """At the start of an epoch (``fit`` only)."""

    def on_epoch_end(self, epoch, logs=None):
        """At the end of an epoch; ``logs`` has the epoch's metrics and ``val_*`` results."""

    def on_train_batch_begin(self, batch, logs=None):
        """Before a training batch (with ``steps_per_execution > 1``: before each group)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """After a training batch; ``logs`` has the running metrics (backend tensors)."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Before an evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """After an evaluation batch."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Before a prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """After a prediction batch; ``logs["outputs"]`` holds the batch's outputs."""

    def on_train_begin(self, logs=None):
        """At the start of ``fit``."""

    def on_train_end(self, logs=None):
        """At the end of ``fit``; ``logs`` are the last epoch's."""

    def on_test_begin(self, logs=None):
        """At the start of ``evaluate`` (and of validation inside ``fit``)."""

    def on_test_end(self, logs=None):
        """At the end of ``evaluate``; ``logs`` has the results."""

    def on_predict_begin(self, logs=None):
        """At the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """At the end of ``predict``."""

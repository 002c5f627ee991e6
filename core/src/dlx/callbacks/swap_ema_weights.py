"""Evaluate (and optionally checkpoint) with the optimizer's moving averages of the weights."""

from __future__ import annotations

from dlx import ops
from dlx.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Puts the optimizer's exponential moving averages of the weights (``use_ema=True``) into
    the model for evaluation, and the trained weights back afterwards (Keras 3 semantics).

    The swap is in place: each trainable variable and its average exchange values, so no third
    copy is kept. ``evaluate``/``predict`` (and the validation inside ``fit``) run on the
    averages.

    Arguments:
        swap_on_epoch: also swap at each epoch's end (so other callbacks, such as
            ``ModelCheckpoint``, see the averages) and back at the next epoch's start. After
            the last epoch the averages are restored, so ``fit``'s final
            ``finalize_variable_values`` leaves the averages in the model, as in Keras.

    Unlike Keras 3.15 (whose ``on_predict_end`` tests the flag the wrong way round and leaves the
    averages in the model after ``predict``), the trained weights come back after ``predict`` too.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> from dlx import callbacks, layers, optimizers
    >>> model = dlx.Sequential([dlx.Input((2,)), layers.Dense(1)])
    >>> model.compile(optimizer=optimizers.SGD(0.1, use_ema=True), loss="mse")
    >>> x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    >>> swap = callbacks.SwapEMAWeights()
    >>> history = model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), callbacks=[swap])
    >>> sorted(history.history)  # val_loss was computed with the averaged weights
    ['loss', 'val_loss']
    >>> trained = model.get_weights()[0]
    >>> _ = model.predict(x, verbose=0, callbacks=[swap])  # predicts with the averages ...
    >>> np.array_equal(model.get_weights()[0], trained)  # ... then puts the trained weights back
    True
    """

    requires_model_state = False

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        inner = getattr(optimizer, "optimizers", None)  # MultiOptimizer
        if inner is not None:
            found = [o for o in inner if getattr(o, "use_ema", False)]
            if not found:
                raise ValueError("SwapEMAWeights needs an optimizer with use_ema=True; every optimizer of this "
                                 "MultiOptimizer has use_ema=False")
            return found
        if not getattr(optimizer, "use_ema", False):
            raise ValueError("SwapEMAWeights needs an optimizer with use_ema=True; got "
                             f"{type(optimizer).__name__} with use_ema={getattr(optimizer, 'use_ema', None)}")
        return [optimizer]

    @staticmethod
    def _pairs(optimizer):
        if not optimizer.built:
            return []
        return [(v, a) for v, a in zip(optimizer._trainable_variables, optimizer._ema) if a is not None]

    def _swap(self):
        for optimizer in self._ema_optimizers():
            for variable, average in self._pairs(optimizer):
                held = ops.convert_to_numpy(variable.value)
                variable.assign(average.value)
                average.assign(held)

    def _averages_from_model(self):
        """After the last epoch's swap the averages sit in the model: copy them back, so that
        ``finalize_variable_values`` finds them in the optimizer."""
        for optimizer in self._ema_optimizers():
            for variable, average in self._pairs(optimizer):
                average.assign(variable.value)

    def _to_model(self):
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def _from_model(self):
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._from_model()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._to_model()
            if epoch == self.params.get("epochs", 0) - 1:
                self._averages_from_model()

    def on_test_begin(self, logs=None):
        self._to_model()

    def on_test_end(self, logs=None):
        self._from_model()

    def on_predict_begin(self, logs=None):
        self._to_model()

    def on_predict_end(self, logs=None):
        self._from_model()

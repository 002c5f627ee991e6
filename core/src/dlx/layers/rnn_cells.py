"""Recurrent cells: SimpleRNNCell, LSTMCell, GRUCell (one timestep each) and StackedRNNCells.

:class:`dlx.layers.RNN` runs a cell over the time axis (:mod:`dlx.layers.rnn`).
"""

from __future__ import annotations

from typing import Any

from dlx import activations, constraints, initializers, ops, regularizers
from dlx.layers.layer import Layer
from dlx.random import SeedGenerator


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


class DropoutRNNCell:
    """Mixin: per-sequence dropout masks for a cell's inputs and recurrent state (the same mask at
    every timestep, as in Keras)."""

    def _init_dropout(self, dropout, recurrent_dropout, seed):
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = ops.random_dropout(self.seed_generator.next(), ops.ones_like(step_input),
                                                    self.dropout, None)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = ops.random_dropout(self.seed_generator.next(), ops.ones_like(step_state),
                                                              self.recurrent_dropout, None)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


class _CellBase(Layer, DropoutRNNCell):
    """Shared arguments of the built-in cells."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': units={units!r}; expected a positive integer")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)

    def _weights(self, input_dim, n):
        self.kernel = self.add_weight(shape=(input_dim, n * self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, n * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), self.compute_dtype) for d in self._state_sizes()]

    def _state_sizes(self):
        s = self.state_size
        return list(s) if isinstance(s, (list, tuple)) else [s]

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "recurrent_initializer": _ser(initializers, self.recurrent_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "recurrent_regularizer": _ser(regularizers, self.recurrent_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "recurrent_constraint": _ser(constraints, self.recurrent_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class SimpleRNNCell(_CellBase):
    """``h' = activation(x @ kernel + h @ recurrent_kernel + bias)``.

    Arguments:
        units: the size of the output and of each state (a positive int).
        activation: the activation of the new state (``None``: linear).
        use_bias: whether the cell has a bias.
        kernel_initializer: the initializer of the input kernel.
        recurrent_initializer: the initializer of the recurrent kernel.
        bias_initializer: the initializer of the bias.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on those weights
            (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        seed: an int for reproducible dropout masks.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when ``units`` is not a positive integer.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.RNN(layers.SimpleRNNCell(4))(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self._weights(input_shape[-1], 1)
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def call(self, sequence, states, training=False):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask(sequence) if training else None
        rdp = self.get_recurrent_dropout_mask(prev) if training else None
        if dp is not None:
            sequence = sequence * dp
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if rdp is not None:
            prev = prev * rdp
        out = self.activation(h + ops.matmul(prev, self.recurrent_kernel))
        return out, [out]


class LSTMCell(_CellBase):
    """Long short-term memory cell (gates ``i, f, c, o`` in that order in the kernels).

    Arguments:
        units: the size of the output and of each state (a positive int).
        activation: the activation of the candidate state and output (``None``: linear).
        recurrent_activation: the activation of the gates.
        use_bias: whether the cell has a bias.
        kernel_initializer: the initializer of the input kernel.
        recurrent_initializer: the initializer of the recurrent kernel.
        bias_initializer: the initializer of the bias.
        unit_forget_bias: initialize the forget gate's bias to 1 (the other gates' from
            ``bias_initializer``).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on those weights
            (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        seed: an int for reproducible dropout masks.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...); Keras's legacy
            ``implementation`` is accepted and ignored.

    Raises:
        ValueError: when ``units`` is not a positive integer.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> cell = layers.LSTMCell(4)
    >>> cell.state_size
    [4, 4]
    >>> layers.RNN(cell)(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self._weights(input_shape[-1], 4)
        if not self.use_bias:
            self.bias = None
            return
        if self.unit_forget_bias:
            base = self.bias_initializer
            units = self.units

            def init(shape, dtype=None):
                return ops.concatenate([base((units,), dtype), ops.ones((units,), dtype), base((2 * units,), dtype)])
        else:
            init = self.bias_initializer
        self.bias = self.add_weight(shape=(4 * self.units,), initializer=init, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias")

    def call(self, sequence, states, training=False):
        h_prev, c_prev = states[0], states[1]
        dp = self.get_dropout_mask(sequence) if training else None
        rdp = self.get_recurrent_dropout_mask(h_prev) if training else None
        if dp is not None:
            sequence = sequence * dp
        if rdp is not None:
            h_prev = h_prev * rdp
        z = ops.matmul(sequence, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        c = f * c_prev + i * self.activation(zc)
        o = self.recurrent_activation(zo)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_CellBase):
    """Gated recurrent unit cell (gates ``z, r, h``; ``reset_after=True`` is the CuDNN-compatible
    variant with two biases).

    Arguments:
        units: the size of the output and of each state (a positive int).
        activation: the activation of the candidate state and output (``None``: linear).
        recurrent_activation: the activation of the gates.
        use_bias: whether the cell has a bias.
        kernel_initializer: the initializer of the input kernel.
        recurrent_initializer: the initializer of the recurrent kernel.
        bias_initializer: the initializer of the bias.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on those weights
            (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        reset_after: apply the reset gate after the recurrent matrix product (two biases,
            the CuDNN-compatible variant) rather than before it.
        seed: an int for reproducible dropout masks.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...); Keras's legacy
            ``implementation`` is accepted and ignored.

    Raises:
        ValueError: when ``units`` is not a positive integer.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.RNN(layers.GRUCell(4), return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self._weights(input_shape[-1], 3)
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(shape=shape, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        else:
            self.bias = None

    def call(self, sequence, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask(sequence) if training else None
        rdp = self.get_recurrent_dropout_mask(h_prev) if training else None
        if dp is not None:
            sequence = sequence * dp
        if self.bias is not None and self.reset_after:
            b_in, b_rec = ops.get_item(self.bias, 0), ops.get_item(self.bias, 1)
        else:
            b_in, b_rec = self.bias, None
        x = ops.matmul(sequence, self.kernel)
        if b_in is not None:
            x = x + b_in
        xz, xr, xh = ops.split(x, 3, axis=-1)
        hp = h_prev * rdp if rdp is not None else h_prev
        u = self.units
        if self.reset_after:
            rec = ops.matmul(hp, self.recurrent_kernel)
            if b_rec is not None:
                rec = rec + b_rec
            rz, rr, rh = ops.split(rec, 3, axis=-1)
            z = self.recurrent_activation(xz + rz)
            r = self.recurrent_activation(xr + rr)
            hh = self.activation(xh + r * rh)
        else:
            rk = self.recurrent_kernel
            rz = ops.matmul(hp, ops.get_item(rk, (slice(None), slice(0, u))))
            rr = ops.matmul(hp, ops.get_item(rk, (slice(None), slice(u, 2 * u))))
            z = self.recurrent_activation(xz + rz)
            r = self.recurrent_activation(xr + rr)
            hh = self.activation(xh + ops.matmul(r * hp, ops.get_item(rk, (slice(None), slice(2 * u, 3 * u)))))
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def get_config(self) -> dict:
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class StackedRNNCells(Layer):
    """Several cells run as one (the output of each feeds the next).

    Arguments:
        cells: a list of RNN cells (objects with ``call`` and ``state_size``).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when an entry of ``cells`` is not an RNN cell.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> cells = layers.StackedRNNCells([layers.LSTMCell(8), layers.LSTMCell(4)])
    >>> layers.RNN(cells)(np.ones((2, 5, 3), "float32")).shape
    (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = list(cells)
        for c in self.cells:
            if not hasattr(c, "call") or not hasattr(c, "state_size"):
                raise ValueError(f"StackedRNNCells '{self.name}': {c!r} is not an RNN cell (needs call and "
                                 "state_size)")

    @property
    def state_size(self):
        out = []
        for c in self.cells:
            s = c.state_size
            out.extend(s if isinstance(s, (list, tuple)) else [s])
        return out

    @property
    def output_size(self):
        return getattr(self.cells[-1], "output_size", self.cells[-1].state_size)

    def build(self, input_shape):
        shape = tuple(input_shape)
        for c in self.cells:
            if not c.built:
                c.build(shape)
            out = getattr(c, "output_size", c.state_size)
            shape = (*shape[:-1], out if isinstance(out, int) else out[0])

    def get_initial_state(self, batch_size=None):
        """The initial states of every cell, in order, as one flat list.

        Arguments:
            batch_size: the number of sequences.

        Returns:
            A list of tensors.
        """
        out = []
        for c in self.cells:
            out.extend(c.get_initial_state(batch_size))
        return out

    def call(self, sequence, states, training=False):
        new_states = []
        i = 0
        x = sequence
        for c in self.cells:
            s = c.state_size
            n = len(s) if isinstance(s, (list, tuple)) else 1
            x, ns = c(x, list(states[i:i + n]), training=training)
            new_states.extend(ns if isinstance(ns, (list, tuple)) else [ns])
            i += n
        return x, new_states

    def get_config(self) -> dict:
        from dlx import saving

        return {**super().get_config(), "cells": [saving.serialize(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None):
        from dlx import saving

        config = dict(config)
        config["cells"] = [saving.deserialize(c, custom_objects) for c in config["cells"]]
        return super().from_config(config)


__all__ = ["DropoutRNNCell", "GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"]

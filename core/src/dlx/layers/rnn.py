"""Recurrent layers: RNN, SimpleRNN/LSTM/GRU (and their cells), StackedRNNCells, Bidirectional.

The time loop is unrolled in Python over the (static) number of timesteps, with ``dlx.ops`` at
each step, so every backend runs and differentiates it. Symbolic inputs with an unknown number
of timesteps get their output shape from :meth:`RNN.compute_output_shape`.
"""

from __future__ import annotations

from typing import Any

from dlx import activations, constraints, initializers, ops, regularizers
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer, shapes_to_symbolic
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
    """``h' = activation(x @ kernel + h @ recurrent_kernel + bias)``."""

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
    """Long short-term memory cell (gates ``i, f, c, o`` in that order in the kernels)."""

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
    variant with two biases)."""

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
    """Several cells run as one (the output of each feeds the next)."""

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


class RNN(Layer):
    """Runs a cell over the time axis of ``(batch, timesteps, features)`` inputs.

    Arguments:
        cell: an RNN cell (``call(x, states) -> (output, new_states)``, ``state_size``), or a
            list of cells (stacked).
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse (outputs stay in processing order).
        stateful: keep the final states as the next batch's initial states (needs a fixed batch
            size).
        unroll: kept for Keras compatibility (the loop is always unrolled).
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Call arguments: ``sequences, initial_state=None, mask=None, training=False``.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(f"RNN: cell={cell!r} is not an RNN cell (it needs call() and state_size)")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self.states = None

    def _state_sizes(self):
        s = self.cell.state_size
        return list(s) if isinstance(s, (list, tuple)) else [s]

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) < 3:
            raise ValueError(f"Input 0 of layer '{self.name}' is incompatible with the layer: expected ndim=3, found "
                             f"ndim={len(sequences_shape)}. Full shape received: {tuple(sequences_shape)}")
        step = (sequences_shape[0], *tuple(sequences_shape)[2:])
        if not self.cell.built:
            self.cell.build(step)
        if self.stateful:
            b = sequences_shape[0]
            if b is None:
                raise ValueError(f"RNN '{self.name}': stateful=True needs a fixed batch size; pass batch_size= (or "
                                 "batch_shape=) to Input")
            self.states = [self.add_weight(shape=(b, d), initializer="zeros", trainable=False, name=f"state_{i}")
                           for i, d in enumerate(self._state_sizes())]

    def reset_states(self) -> None:
        """Zeroes the kept states of a stateful RNN."""
        if self.states:
            for v in self.states:
                v.assign(ops.zeros(v.shape, v.dtype))

    reset_state = reset_states

    def get_initial_state(self, batch_size):
        if hasattr(self.cell, "get_initial_state"):
            return list(self.cell.get_initial_state(batch_size))
        return [ops.zeros((batch_size, d), self.compute_dtype) for d in self._state_sizes()]

    def call(self, sequences, initial_state=None, mask=None, training=False):
        shape = ops.shape(sequences)
        batch, steps = shape[0], shape[1]
        if steps is None:
            raise ValueError(f"RNN '{self.name}': the number of timesteps must be known when the layer runs; received "
                             f"input shape {shape}")
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self._state_sizes()):
                raise ValueError(f"RNN '{self.name}': expected {len(self._state_sizes())} initial state(s); received "
                                 f"{len(states)}")
        elif self.stateful:
            states = [v.value for v in self.states]
        elif batch is None and len(shape) == 3 and all(isinstance(d, int) for d in self._state_sizes()):
            # a free batch size (traced for export): zero states shaped from the input itself
            column = ops.zeros_like(ops.get_item(sequences, (slice(None), 0, slice(0, 1))))
            states = [column + ops.zeros((1, d), column.dtype) for d in self._state_sizes()]
        else:
            states = self.get_initial_state(batch)
        if hasattr(self.cell, "reset_dropout_mask"):
            self.cell.reset_dropout_mask()
            self.cell.reset_recurrent_dropout_mask()
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        prev_out = None
        for t in order:
            x_t = ops.get_item(sequences, (slice(None), t))
            out, new_states = self.cell(x_t, states, training=training)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
            if mask is not None:
                m = ops.expand_dims(ops.cast(ops.get_item(mask, (slice(None), t)), "bool"), -1)
                new_states = [ops.where(m, ns, s) for ns, s in zip(new_states, states)]
                fallback = ops.zeros_like(out) if self.zero_output_for_mask or prev_out is None else prev_out
                out = ops.where(m, out, fallback)
            states = new_states
            prev_out = out
            if self.return_sequences:
                outputs.append(out)
        if hasattr(self.cell, "reset_dropout_mask"):
            self.cell.reset_dropout_mask()
            self.cell.reset_recurrent_dropout_mask()
        if self.stateful:
            for v, s in zip(self.states, states):
                v.assign(s)
        result = ops.stack(outputs, axis=1) if self.return_sequences else prev_out
        if self.return_state:
            return [result, *states]
        return result

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = getattr(self.cell, "output_size", None)
        if out is None:
            out = self._state_sizes()[0]
        out = out if isinstance(out, int) else out[0]
        b, t = sequences_shape[0], sequences_shape[1]
        main = (b, t, out) if self.return_sequences else (b, out)
        if self.return_state:
            return [main, *[(b, d) for d in self._state_sizes()]]
        return main

    def compute_output_spec(self, sequences, initial_state=None, **kwargs):
        return shapes_to_symbolic(self.compute_output_shape(sequences.shape), self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._state_sizes())
        return out

    def get_config(self) -> dict:
        from dlx import saving

        return {**super().get_config(), "cell": saving.serialize(self.cell),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None):
        from dlx import saving

        config = dict(config)
        config["cell"] = saving.deserialize(config["cell"], custom_objects)
        return super().from_config(config)


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")


class _BuiltinRNN(RNN):
    _cell_cls: type = SimpleRNNCell

    def get_config(self) -> dict:
        cfg = super().get_config()
        cell_cfg = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell_cfg.pop(k, None)
        cfg.pop("cell")
        return {**cfg, **cell_cfg}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None):
        return Layer.from_config.__func__(cls, config)

    def __getattr__(self, name):
        d = self.__dict__
        cell = d.get("cell")
        if cell is not None and not name.startswith("_"):
            try:
                return getattr(cell, name)
            except AttributeError:
                pass
        return super().__getattr__(name)


class SimpleRNN(_BuiltinRNN):
    """Fully-connected RNN: the output is fed back as the next step's state.

    Arguments: those of :class:`SimpleRNNCell` plus ``return_sequences``, ``return_state``,
    ``go_backwards``, ``stateful``, ``unroll``.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 seed=None, **kwargs):
        cell = SimpleRNNCell(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                             kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                             recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed,
                             dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                             name="simple_rnn_cell")
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)


class LSTM(_BuiltinRNN):
    """Long short-term memory layer.

    Arguments: those of :class:`LSTMCell` plus ``return_sequences``, ``return_state``,
    ``go_backwards``, ``stateful``, ``unroll``; ``use_cudnn`` is accepted for Keras
    compatibility (the computation is the same on every backend).
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell = LSTMCell(units, activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
                        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                        recurrent_dropout, seed, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                        name="lstm_cell")
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn
        self.input_spec = InputSpec(ndim=3)


class GRU(_BuiltinRNN):
    """Gated recurrent unit layer.

    Arguments: those of :class:`GRUCell` plus ``return_sequences``, ``return_state``,
    ``go_backwards``, ``stateful``, ``unroll``; ``use_cudnn`` as in :class:`LSTM`.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell = GRUCell(units, activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                       bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                       kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout,
                       reset_after, seed, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                       name="gru_cell")
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn
        self.input_spec = InputSpec(ndim=3)


class Bidirectional(Layer):
    """Runs an RNN forwards and a copy backwards and merges their outputs.

    Arguments:
        layer: an ``RNN`` instance (e.g. ``LSTM(8, return_sequences=True)``).
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or ``None`` (a list).
        backward_layer: optional explicit backward RNN (``go_backwards=True``).
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        from dlx import saving

        if not isinstance(layer, RNN):
            raise ValueError(f"Bidirectional: layer={layer!r} must be an RNN layer (LSTM, GRU, SimpleRNN, RNN)")
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Bidirectional: merge_mode={merge_mode!r}; expected 'concat', 'sum', 'mul', 'ave' or "
                             "None")
        explicit_dtype = kwargs.get("dtype")
        super().__init__(**kwargs)
        self._layer_config = saving.serialize(layer)
        cfg = layer.get_config()
        cfg["name"] = "forward_" + layer.name
        if explicit_dtype is not None:  # an explicit policy applies to the wrapped RNNs
            cfg["dtype"] = self.dtype_policy
        self.forward_layer = type(layer).from_config(cfg)
        if backward_layer is None:
            cfg = layer.get_config()
            cfg["name"] = "backward_" + layer.name
            if explicit_dtype is not None:
                cfg["dtype"] = self.dtype_policy
            cfg["go_backwards"] = not layer.go_backwards
            self.backward_layer = type(layer).from_config(cfg)
            self._custom_backward = False
        else:
            if not isinstance(backward_layer, RNN):
                raise ValueError(f"Bidirectional: backward_layer={backward_layer!r} must be an RNN layer")
            if backward_layer.return_sequences != layer.return_sequences or \
                    backward_layer.return_state != layer.return_state:
                raise ValueError("Bidirectional: backward_layer must have the same return_sequences and return_state "
                                 "as layer")
            self.backward_layer = backward_layer
            self._custom_backward = True
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._initial_weights = weights

    def build(self, sequences_shape, initial_state_shape=None):
        self.forward_layer.build(tuple(sequences_shape))
        self.backward_layer.build(tuple(sequences_shape))
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2.0
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        fw_state = bw_state = None
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            fw_state, bw_state = states[:half], states[half:]
        fw = self.forward_layer(sequences, initial_state=fw_state, mask=mask, training=training)
        bw = self.backward_layer(sequences, initial_state=bw_state, mask=mask, training=training)
        if self.return_state:
            fw, fw_states = fw[0], list(fw[1:])
            bw, bw_states = bw[0], list(bw[1:])
        if self.return_sequences:
            bw = ops.flip(bw, 1)
        out = self._merge(fw, bw)
        if self.return_state:
            head = list(out) if isinstance(out, list) else [out]
            return head + fw_states + bw_states
        return out

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        fs = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        main = fs[0] if self.return_state else fs
        states = list(fs[1:]) if self.return_state else []
        if self.merge_mode == "concat":
            main = (*main[:-1], None if main[-1] is None else 2 * main[-1])
            heads = [main]
        elif self.merge_mode is None:
            heads = [main, main]
        else:
            heads = [main]
        if self.return_state:
            return heads + states + states
        return heads[0] if len(heads) == 1 else heads

    def compute_output_spec(self, sequences, initial_state=None, **kwargs):
        return shapes_to_symbolic(self.compute_output_shape(sequences.shape), self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            n = len(self.forward_layer._state_sizes()) * 2
            return (out if isinstance(out, list) else [out]) + [None] * n
        return out

    def reset_states(self) -> None:
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self) -> dict:
        from dlx import saving

        cfg = {**super().get_config(), "layer": self._layer_config, "merge_mode": self.merge_mode}
        if self._custom_backward:
            cfg["backward_layer"] = saving.serialize(self.backward_layer)
        return cfg

    @classmethod
    def from_config(cls, config: dict, custom_objects: Any = None):
        from dlx import saving

        config = dict(config)
        config["layer"] = saving.deserialize(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = saving.deserialize(config["backward_layer"], custom_objects)
        return super().from_config(config)


__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Bidirectional",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
]

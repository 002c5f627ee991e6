"""Recurrent layers: RNN, SimpleRNN/LSTM/GRU and Bidirectional (the cells are in
:mod:`dlx.layers.rnn_cells`, re-exported here).

The time loop is :func:`dlx.ops.scan`: one compiled loop (``lax.scan``, a ``tf.while_loop``) whose
body is traced once, so the number of timesteps may be unknown (``Input((None, d))``) and
compiling does not grow with it; eager backends run it step by step. ``unroll=True`` unrolls the
loop in Python instead (static timesteps only). Nothing reads the batch size into Python: with an
unknown batch (a ``tf.function`` trace) zero initial states are shaped from the input itself.
"""

from __future__ import annotations

from typing import Any

from dlx import activations, ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer, shapes_to_symbolic
from dlx.layers.rnn_cells import (  # noqa: F401  (DropoutRNNCell: re-exported)
    DropoutRNNCell,
    GRUCell,
    LSTMCell,
    SimpleRNNCell,
    StackedRNNCells,
)


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
        unroll: unroll the time loop in Python (static timesteps only) instead of running
            :func:`dlx.ops.scan`.
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Call arguments: ``sequences, initial_state=None, mask=None, training=False``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.RNN(layers.LSTMCell(4), return_sequences=True)
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 4)
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
        """The zero states a sequence starts from when no ``initial_state`` is passed: the cell's own
        ``get_initial_state`` when it has one, else zeros of each state size.

        Arguments:
            batch_size: the number of sequences.

        Returns:
            A list of tensors, one per state.
        """
        if hasattr(self.cell, "get_initial_state"):
            return list(self.cell.get_initial_state(batch_size))
        return [ops.zeros((batch_size, d), self.compute_dtype) for d in self._state_sizes()]

    def _initial_states(self, sequences, initial_state):
        shape = ops.tensors.shape(sequences)
        batch = shape[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self._state_sizes()):
                raise ValueError(f"RNN '{self.name}': expected {len(self._state_sizes())} initial state(s); received "
                                 f"{len(states)}")
            return states
        if self.stateful:
            return [v.value for v in self.states]
        if batch is None and len(shape) == 3 and all(isinstance(d, int) for d in self._state_sizes()):
            # a free batch size (a traced function): zero states shaped from the input itself
            column = self._zero_column(sequences)
            return [column + ops.zeros((1, d), column.dtype) for d in self._state_sizes()]
        return self.get_initial_state(batch)

    @staticmethod
    def _zero_column(sequences):
        """Zeros of shape ``(batch, 1)`` taken from the input, whatever the batch size."""
        return ops.zeros_like(ops.get_item(sequences, (slice(None), 0, slice(0, 1))))

    def _output_size(self):
        out = getattr(self.cell, "output_size", None)
        out = self._state_sizes()[0] if out is None else out
        return out if isinstance(out, int) else out[0]

    def _step(self, x_t, m_t, states, prev_out, training):
        """One timestep: the cell, then the mask (masked steps keep the states and output the
        previous output, or zeros with ``zero_output_for_mask``)."""
        out, new_states = self.cell(x_t, states, training=training)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if m_t is not None:
            m = ops.expand_dims(m_t, -1)
            new_states = [ops.where(m, ns, s) for ns, s in zip(new_states, states)]
            out = ops.where(m, out, ops.zeros_like(out) if self.zero_output_for_mask else prev_out)
        return out, new_states

    def call(self, sequences, initial_state=None, mask=None, training=False):
        states = self._initial_states(sequences, initial_state)
        dropout = hasattr(self.cell, "reset_dropout_mask")
        if dropout:
            self.cell.reset_dropout_mask()
            self.cell.reset_recurrent_dropout_mask()
            if training:  # one mask per sequence, drawn before the loop (never inside a traced body)
                self.cell.get_dropout_mask(ops.get_item(sequences, (slice(None), 0)))
                self.cell.get_recurrent_dropout_mask(states[0])
        if mask is not None:
            mask = ops.cast(mask, "bool")
        fused = self._fused(sequences, states, mask, training)
        if fused is not None:
            ys, states = fused
            result = ys if self.return_sequences else ops.get_item(ys, (slice(None), -1))
        elif self.unroll:
            result, states = self._unrolled(sequences, states, mask, training)
        else:
            result, states = self._scanned(sequences, states, mask, training)
        if dropout:
            self.cell.reset_dropout_mask()
            self.cell.reset_recurrent_dropout_mask()
        if self.stateful:
            for v, s in zip(self.states, states):
                v.assign(s)
        if self.return_state:
            return [result, *states]
        return result

    def _fused(self, sequences, states, mask, training):
        """The backend's fused kernel for the whole layer (:meth:`Backend.fused_rnn`) when the
        cell is a built-in LSTM/GRU in Keras's cuDNN-compatible configuration, else ``None``
        (with ``use_cudnn=True``, a ``ValueError`` saying why, as Keras raises)."""
        use_cudnn = getattr(self, "use_cudnn", "auto")
        if use_cudnn is False:
            return None
        cell = self.cell
        kind = _builtin_kind(cell)
        kind = kind if kind in ("lstm", "gru") else None
        from dlx.ops.dispatch import STATE

        backend = STATE.backend
        blockers = [why for why, blocks in (
            ("its cell is not the built-in LSTM / GRU cell", kind is None),
            ("unroll=True", self.unroll), ("a mask", mask is not None),
            (f"inputs of rank {len(ops.tensors.shape(sequences))} (expected 3)",
             len(ops.tensors.shape(sequences)) != 3),
            ("an activation other than tanh", kind and cell.activation is not activations.tanh),
            ("a recurrent_activation other than sigmoid",
             kind and cell.recurrent_activation is not activations.sigmoid),
            ("use_bias=False", kind and not cell.use_bias),
            ("recurrent_dropout > 0", kind and cell.recurrent_dropout > 0),
            ("dropout > 0 in training", kind and training and cell.dropout > 0),
            ("reset_after=False", kind == "gru" and not cell.reset_after),
            ("no backend selected", backend is None)) if blocks]
        out = None
        if not blockers:
            out = backend.fused_rnn(kind, sequences, list(states), cell.kernel.value, cell.recurrent_kernel.value,
                                    cell.bias.value, go_backwards=self.go_backwards, training=bool(training))
            if out is None:
                blockers = [f"the {backend.name!r} backend has no fused kernel for it"]
        if out is None and use_cudnn is True:
            raise ValueError(f"{type(self).__name__} '{self.name}': use_cudnn=True, but the fused (cuDNN) kernel "
                             f"cannot run this call: {'; '.join(blockers)}. Pass use_cudnn='auto' to fall back to the "
                             "step-by-step loop, or use_cudnn=False to always run it")
        return out

    def _scanned(self, sequences, states, mask, training):
        """The loop as :func:`dlx.ops.scan` over time-major inputs. It carries the previous output
        too where a step may need it (masked steps repeat it) or where the output is not a state;
        a built-in cell's output is its first state, so without a mask it carries the states alone."""
        nd = len(ops.tensors.shape(sequences))
        xs = ops.transpose(sequences, (1, 0, *range(2, nd)))
        ms = None if mask is None else ops.transpose(mask, (1, 0))
        if self.go_backwards:
            xs = ops.flip(xs, 0)
            ms = None if ms is None else ops.flip(ms, 0)
        carry_out = mask is not None or _builtin_kind(self.cell) is None
        keep = self.return_sequences

        def step(carry, inputs):
            states, prev_out = carry if carry_out else (carry, None)
            x_t, m_t = inputs
            out, new_states = self._step(x_t, m_t, states, prev_out, training)
            return ((new_states, out) if carry_out else new_states), (out if keep else None)

        init = list(states)
        if carry_out:
            column = self._zero_column(sequences) if nd == 3 else ops.zeros_like(
                ops.get_item(states[0], (slice(None), slice(0, 1))))
            init = (init, column + ops.zeros((1, self._output_size()), column.dtype))
        carry, ys = ops.scan(step, init, (xs, ms))
        states, last = carry if carry_out else (carry, carry[0])
        if keep:
            return ops.transpose(ys, (1, 0, *range(2, len(ops.tensors.shape(ys))))), states
        return last, states

    def _unrolled(self, sequences, states, mask, training):
        """``unroll=True``: the loop unrolled in Python (the number of timesteps must be known)."""
        steps = ops.tensors.shape(sequences)[1]
        if steps is None:
            raise ValueError(f"RNN '{self.name}': unroll=True needs a known number of timesteps; received input "
                             f"shape {ops.tensors.shape(sequences)}")
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        prev_out = None
        for t in order:
            m_t = None if mask is None else ops.get_item(mask, (slice(None), t))
            if prev_out is None and m_t is not None:
                prev_out = ops.zeros((1, self._output_size()), states[0].dtype) + ops.zeros_like(
                    ops.get_item(states[0], (slice(None), slice(0, 1))))
            prev_out, states = self._step(ops.get_item(sequences, (slice(None), t)), m_t, states, prev_out,
                                          training)
            if self.return_sequences:
                outputs.append(prev_out)
        return (ops.stack(outputs, axis=1) if self.return_sequences else prev_out), states

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


def _builtin_kind(cell):
    """``"simple"``, ``"lstm"`` or ``"gru"`` for a built-in cell (possibly with a backend mixin),
    not a subclass with its own step, else ``None``."""
    return next((k for c, k in ((LSTMCell, "lstm"), (GRUCell, "gru"), (SimpleRNNCell, "simple"))
                 if isinstance(cell, c) and type(cell).call is c.call), None)


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")


def _checked_use_cudnn(value):
    if not (value == "auto" or value is True or value is False):
        raise ValueError(f"use_cudnn={value!r}; expected 'auto', True or False")
    return value


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

    Arguments:
        units: the size of the output and of each state (a positive int).
        activation: the activation of the new state (``None``: linear).
        use_bias: whether the cell has a bias.
        kernel_initializer: the initializer of the input kernel.
        recurrent_initializer: the initializer of the recurrent kernel.
        bias_initializer: the initializer of the bias.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties on those weights
            (``None``: none).
        activity_regularizer: a penalty on the layer's output (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        seed: an int for reproducible dropout masks.
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse.
        stateful: keep the final states as the next batch's initial states (needs a fixed
            batch size).
        unroll: unroll the time loop in Python (static timesteps only) instead of running
            :func:`dlx.ops.scan`.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ``trainable``, ...).

    Raises:
        ValueError: when ``units`` is not a positive integer or ``use_cudnn`` is not one of
            ``"auto"``, ``True``, ``False``; at call time, with ``use_cudnn=True`` when the fused
            kernel cannot run.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.ones((2, 5, 3), "float32")
    >>> layers.SimpleRNN(4)(x).shape
    (2, 4)
    >>> layers.SimpleRNN(4, return_sequences=True)(x).shape
    (2, 5, 4)
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
        activity_regularizer: a penalty on the layer's output (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        seed: an int for reproducible dropout masks.
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse.
        stateful: keep the final states as the next batch's initial states (needs a fixed
            batch size).
        unroll: unroll the time loop in Python (static timesteps only) instead of running
            :func:`dlx.ops.scan`.
        use_cudnn: ``False`` always runs the step-by-step loop; ``"auto"`` uses the backend's
            fused kernel when it has one and the call allows it (tanh / sigmoid activations, a
            bias, no recurrent dropout nor dropout in training, no mask, ``unroll=False``), else
            the loop; ``True`` requires the fused kernel and raises ``ValueError`` (naming what
            stands in the way) when it cannot run, as Keras does. Not saved in the config.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ``trainable``, ...).

    Raises:
        ValueError: when ``units`` is not a positive integer or ``use_cudnn`` is not one of
            ``"auto"``, ``True``, ``False``; at call time, with ``use_cudnn=True`` when the fused
            kernel cannot run.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.ones((2, 5, 3), "float32")
    >>> layers.LSTM(4)(x).shape
    (2, 4)
    >>> out, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(x)
    >>> out.shape, h.shape, c.shape
    ((2, 5, 4), (2, 4), (2, 4))
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
        self.use_cudnn = _checked_use_cudnn(use_cudnn)
        self.input_spec = InputSpec(ndim=3)


class GRU(_BuiltinRNN):
    """Gated recurrent unit layer.

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
        activity_regularizer: a penalty on the layer's output (``None``: none).
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to those
            weights after each update (``None``: none).
        dropout: the fraction of the input units dropped in training (one mask per sequence,
            clipped to ``[0, 1]``).
        recurrent_dropout: the same for the recurrent state.
        reset_after: apply the reset gate after the recurrent matrix product (two biases,
            the CuDNN-compatible variant) rather than before it.
        seed: an int for reproducible dropout masks.
        return_sequences: return every step's output, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse.
        stateful: keep the final states as the next batch's initial states (needs a fixed
            batch size).
        unroll: unroll the time loop in Python (static timesteps only) instead of running
            :func:`dlx.ops.scan`.
        use_cudnn: ``False`` always runs the step-by-step loop; ``"auto"`` uses the backend's
            fused kernel when it has one and the call allows it (tanh / sigmoid activations, a
            bias, ``reset_after``, no recurrent dropout nor dropout in training, no mask,
            ``unroll=False``), else the loop; ``True`` requires the fused kernel and raises
            ``ValueError`` (naming what stands in the way) when it cannot run, as Keras does.
            Not saved in the config.
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ``trainable``, ...).

    Raises:
        ValueError: when ``units`` is not a positive integer or ``use_cudnn`` is not one of
            ``"auto"``, ``True``, ``False``; at call time, with ``use_cudnn=True`` when the fused
            kernel cannot run.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.ones((2, 5, 3), "float32")
    >>> layers.GRU(4)(x).shape
    (2, 4)
    >>> layers.GRU(4, return_sequences=True)(x).shape
    (2, 5, 4)
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
        self.use_cudnn = _checked_use_cudnn(use_cudnn)
        self.input_spec = InputSpec(ndim=3)


class Bidirectional(Layer):
    """Runs an RNN forwards and a copy backwards and merges their outputs.

    Arguments:
        layer: an ``RNN`` instance (e.g. ``LSTM(8, return_sequences=True)``).
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"`` or ``None`` (a list).
        backward_layer: optional explicit backward RNN (``go_backwards=True``).
        weights: initial weights (a list, as ``get_weights()`` returns them: the forward layer's, then the
            backward layer's), set when the layer is built.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.ones((2, 5, 3), "float32")
    >>> layers.Bidirectional(layers.LSTM(4))(x).shape
    (2, 8)
    >>> layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode="sum")(x).shape
    (2, 5, 4)
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
        for rnn in (self.forward_layer, self.backward_layer):  # masked steps output zeros, as in Keras
            rnn.zero_output_for_mask = rnn.return_sequences
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
        """Zeroes the kept states of both directions (for stateful RNNs)."""
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

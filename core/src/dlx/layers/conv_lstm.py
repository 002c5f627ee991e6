"""Convolutional LSTM layers: ConvLSTM1D/2D/3D (Shi et al., 2015).

An LSTM whose input and recurrent transformations are convolutions, run over the time axis of
``(batch, time, *spatial, channels)`` inputs (``channels_last``) or ``(batch, time, channels,
*spatial)`` (``channels_first``) by :class:`dlx.layers.RNN`'s loop (:func:`dlx.ops.scan`, or
unrolled). Weights follow Keras's layout: ``kernel (*k, in_channels, 4 * filters)``,
``recurrent_kernel (*k, filters, 4 * filters)``, ``bias (4 * filters,)``, gates ``i, f, c, o``.
"""

from __future__ import annotations

from dlx import activations, constraints, initializers, ops, regularizers
from dlx import config as _config
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer
from dlx.layers.rnn import _BuiltinRNN
from dlx.layers.rnn_cells import DropoutRNNCell


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


def _tuple(value, n, what, who, allow_zero=False):
    vals = (value,) * n if isinstance(value, int) else tuple(value)
    if len(vals) != n or not all(isinstance(v, int) and (v >= 0 if allow_zero else v > 0) for v in vals):
        raise ValueError(f"{who}: {what}={value!r}; expected a positive int or {n} positive ints")
    return tuple(int(v) for v in vals)


def _conv_length(n, k, s, d, padding):
    if n is None:
        return None
    if padding == "same":
        return -(-n // s)
    return (n - (k - 1) * d - 1) // s + 1


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One timestep of a convolutional LSTM (``rank`` spatial dims).

    Arguments are those of :class:`ConvLSTM2D` without the loop's (``return_sequences``, ...).
    The input convolution uses ``strides``, ``padding``, ``dilation_rate``; the recurrent one
    has stride 1 and ``"same"`` padding. ``dropout`` / ``recurrent_dropout`` draw one mask per gate
    and sequence.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} '{self.name}'"
        if rank not in (1, 2, 3):
            raise ValueError(f"{who}: rank={rank!r}; expected 1, 2 or 3")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{who}: filters={filters!r}; expected a positive integer")
        self.rank = rank
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", who)
        self.strides = _tuple(strides, rank, "strides", who)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", who)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: strides={self.strides} and dilation_rate={self.dilation_rate}; strides > 1 "
                             "cannot be combined with dilation_rate > 1")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{who}: padding={padding!r}; expected 'valid' or 'same'")
        self.data_format = data_format or _config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{who}: data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = [None, None]  # set by build: the state's shape without the batch dim
        self.output_size = None

    def _state_shape(self, step_shape):
        """``step_shape`` (batch, ...) -> the hidden / carry state's shape without the batch dim."""
        if self.data_format == "channels_last":
            spatial = step_shape[1:-1]
        else:
            spatial = step_shape[2:]
        out = tuple(_conv_length(n, k, s, d, self.padding)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        return (*out, self.filters) if self.data_format == "channels_last" else (self.filters, *out)

    def build(self, input_shape, states_shape=None):
        who = f"{type(self).__name__} '{self.name}'"
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{who}: expected step inputs of rank {self.rank + 2}; received shape {input_shape}")
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if any(d is None for d in spatial):
            raise ValueError(f"{who}: the spatial dimensions must be known; received step input shape {input_shape}")
        if channels is None:
            raise ValueError(f"{who}: the channel dimension must be known; received step input shape {input_shape}")
        state = self._state_shape(input_shape)
        if any(d is not None and d <= 0 for d in state):
            raise ValueError(f"{who}: kernel_size={self.kernel_size} does not fit the step input shape "
                             f"{input_shape} with padding='valid'")
        self.spatial_dims = tuple(spatial)
        self.input_dim = channels
        self.state_size = [state, state]
        self.output_size = state
        f = self.filters
        self.kernel = self.add_weight(shape=(*self.kernel_size, channels, 4 * f), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(*self.kernel_size, f, 4 * f),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint, name="recurrent_kernel")
        if not self.use_bias:
            self.bias = None
            return
        if self.unit_forget_bias:
            base = self.bias_initializer

            def init(shape, dtype=None):
                return ops.concatenate([base((f,), dtype), ops.ones((f,), dtype), base((2 * f,), dtype)])
        else:
            init = self.bias_initializer
        self.bias = self.add_weight(shape=(4 * f,), initializer=init, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias")

    # one dropout mask per gate (i, f, c, o), the same at every timestep
    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            ones = ops.ones_like(step_input)
            self._dropout_mask = [ops.random_dropout(self.seed_generator.next(), ones, self.dropout, None)
                                  for _ in range(4)]
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            ones = ops.ones_like(step_state)
            self._recurrent_dropout_mask = [
                ops.random_dropout(self.seed_generator.next(), ones, self.recurrent_dropout, None) for _ in range(4)]
        return self._recurrent_dropout_mask

    def _bias_shape(self):
        if self.data_format == "channels_last":
            return (1,) * (self.rank + 1) + (self.filters,)
        return (1, self.filters) + (1,) * self.rank

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        xs = [inputs] * 4
        hs = [h_prev] * 4
        if training and 0.0 < self.dropout < 1.0:
            xs = [inputs * m for m in self.get_dropout_mask(inputs)]
        if training and 0.0 < self.recurrent_dropout < 1.0:
            hs = [h_prev * m for m in self.get_recurrent_dropout_mask(h_prev)]
        kernels = ops.split(self.kernel, 4, axis=self.rank + 1)
        rkernels = ops.split(self.recurrent_kernel, 4, axis=self.rank + 1)
        biases = ops.split(self.bias, 4) if self.use_bias else [None] * 4
        pre = []
        for x, h, k, rk, b in zip(xs, hs, kernels, rkernels, biases):
            z = ops.conv(x, k, self.strides, self.padding, self.data_format, self.dilation_rate)
            if b is not None:
                z = z + ops.reshape(b, self._bias_shape())
            z = z + ops.conv(h, rk, 1, "same", self.data_format, 1)
            pre.append(z)
        i = self.recurrent_activation(pre[0])
        f = self.recurrent_activation(pre[1])
        c = f * c_prev + i * self.activation(pre[2])
        o = self.recurrent_activation(pre[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, *s), self.compute_dtype) for s in self.state_size]

    def compute_output_shape(self, input_shape, states_shape=None):
        shape = (input_shape[0], *self._state_shape(tuple(input_shape)))
        return shape, [shape, shape]

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias, "kernel_initializer": _ser(initializers, self.kernel_initializer),
                "recurrent_initializer": _ser(initializers, self.recurrent_initializer),
                "bias_initializer": _ser(initializers, self.bias_initializer),
                "unit_forget_bias": self.unit_forget_bias,
                "kernel_regularizer": _ser(regularizers, self.kernel_regularizer),
                "recurrent_regularizer": _ser(regularizers, self.recurrent_regularizer),
                "bias_regularizer": _ser(regularizers, self.bias_regularizer),
                "kernel_constraint": _ser(constraints, self.kernel_constraint),
                "recurrent_constraint": _ser(constraints, self.recurrent_constraint),
                "bias_constraint": _ser(constraints, self.bias_constraint), "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class ConvLSTM(_BuiltinRNN):
    """The loop of the convolutional LSTMs (``rank`` spatial dims); see :class:`ConvLSTM2D`."""

    rank = 2

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        cell = ConvLSTMCell(rank, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                            recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                            bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
                            bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                            recurrent_dropout, seed, dtype=kwargs.get("dtype"),
                            trainable=kwargs.get("trainable", True), name="conv_lstm_cell")
        unroll = kwargs.pop("unroll", False)
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.cell.rank + 3:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected inputs of rank {self.cell.rank + 3} "
                             f"(batch, time, spatial..., channels); received shape {sequences_shape}")
        if not self.cell.built:
            self.cell.build((sequences_shape[0], *sequences_shape[2:]))
        if self.stateful:
            b = sequences_shape[0]
            if b is None:
                raise ValueError(f"{type(self).__name__} '{self.name}': stateful=True needs a fixed batch size; pass "
                                 "batch_size= (or batch_shape=) to Input")
            self.states = [self.add_weight(shape=(b, *s), initializer="zeros", trainable=False, name=f"state_{i}")
                           for i, s in enumerate(self.cell.state_size)]

    def _zero_states(self, sequences):
        """Zero states shaped from the input itself (the batch size may be unknown when traced)."""
        rank = self.cell.rank
        column = ops.zeros_like(ops.get_item(sequences, (slice(None), 0) + (slice(0, 1),) * (rank + 1)))
        return [column + ops.zeros((1, *s), column.dtype) for s in self.cell.state_size]

    def get_initial_state(self, batch_size):
        return self.cell.get_initial_state(batch_size)

    def _initial_states(self, sequences, initial_state):
        if initial_state is not None or self.stateful:
            return super()._initial_states(sequences, initial_state)
        return self._zero_states(sequences)

    def _step(self, x_t, m_t, states, prev_out, training):
        out, new_states = self.cell(x_t, states, training=training)
        if m_t is not None:
            m = ops.reshape(m_t, (-1,) + (1,) * (self.cell.rank + 1))
            new_states = [ops.where(m, ns, s) for ns, s in zip(new_states, states)]
            out = ops.where(m, out, ops.zeros_like(out) if self.zero_output_for_mask else prev_out)
        return out, list(new_states)

    def _scanned(self, sequences, states, mask, training):
        nd = len(ops.tensors.shape(sequences))
        xs = ops.transpose(sequences, (1, 0, *range(2, nd)))
        ms = None if mask is None else ops.transpose(mask, (1, 0))
        if self.go_backwards:
            xs = ops.flip(xs, 0)
            ms = None if ms is None else ops.flip(ms, 0)
        keep = self.return_sequences

        def step(carry, inputs):
            states, prev_out = carry
            x_t, m_t = inputs
            out, new_states = self._step(x_t, m_t, states, prev_out, training)
            return (new_states, out), (out if keep else None)

        (states, last), ys = ops.scan(step, (list(states), ops.zeros_like(states[0])), (xs, ms))
        if keep:
            return ops.transpose(ys, (1, 0, *range(2, len(ops.tensors.shape(ys))))), states
        return last, states

    def _unrolled(self, sequences, states, mask, training):
        steps = ops.tensors.shape(sequences)[1]
        if steps is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': unroll=True needs a known number of timesteps; "
                             f"received input shape {ops.tensors.shape(sequences)}")
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs, prev_out = [], ops.zeros_like(states[0])
        for t in order:
            m_t = None if mask is None else ops.get_item(mask, (slice(None), t))
            prev_out, states = self._step(ops.get_item(sequences, (slice(None), t)), m_t, states, prev_out,
                                          training)
            outputs.append(prev_out)
        return (ops.stack(outputs, axis=1) if self.return_sequences else prev_out), states

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        b, t = sequences_shape[0], sequences_shape[1]
        state = self.cell._state_shape((b, *sequences_shape[2:]))
        main = (b, t, *state) if self.return_sequences else (b, *state)
        if self.return_state:
            return [main, (b, *state), (b, *state)]
        return main


def _conv_lstm_class(name, rank, doc):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        ConvLSTM.__init__(self, rank, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                          recurrent_activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                          unit_forget_bias, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                          activity_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                          recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful, **kwargs)

    return type(name, (ConvLSTM,), {"__init__": __init__, "__doc__": doc, "__module__": __name__, "rank": rank})


_ARGS = """
Arguments:
    filters: output channels of the hidden state.
    kernel_size, strides, dilation_rate: ints or {n}-tuples (of the input convolution; the
        recurrent convolution has stride 1 and ``"same"`` padding). ``strides > 1`` cannot be
        combined with ``dilation_rate > 1``.
    padding: ``"valid"`` or ``"same"`` (of the input convolution).
    data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    activation, recurrent_activation, use_bias, unit_forget_bias: as in ``LSTM``.
    *_initializer, *_regularizer, *_constraint, dropout, recurrent_dropout, seed: as in ``LSTM``.
    return_sequences, return_state, go_backwards, stateful: as in ``RNN`` (``unroll`` and
        ``zero_output_for_mask`` are accepted as keyword arguments).

Inputs ``(batch, time, {spatial}, channels)`` (``channels_last``), a ``(batch, time)`` mask is
honoured; outputs ``(batch, [time,] {spatial_out}, filters)``.
"""

ConvLSTM1D = _conv_lstm_class("ConvLSTM1D", 1, "1-D convolutional LSTM.\n" + _ARGS.format(
    n=1, spatial="rows", spatial_out="new_rows"))
ConvLSTM2D = _conv_lstm_class("ConvLSTM2D", 2, "2-D convolutional LSTM.\n" + _ARGS.format(
    n=2, spatial="rows, cols", spatial_out="new_rows, new_cols"))
ConvLSTM3D = _conv_lstm_class("ConvLSTM3D", 3, "3-D convolutional LSTM.\n" + _ARGS.format(
    n=3, spatial="d1, d2, d3", spatial_out="new_d1, new_d2, new_d3"))

# The Example section of each class above (appended to its docstring; the doctests run it).
_EXAMPLES = {
    "ConvLSTM1D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.ConvLSTM1D(4, kernel_size=3)(np.ones((2, 5, 10, 3), "float32")).shape
(2, 8, 4)
""",
    "ConvLSTM2D": """\
>>> import numpy as np
>>> from dlx import layers
>>> x = np.ones((2, 5, 8, 8, 3), "float32")
>>> layers.ConvLSTM2D(4, kernel_size=3, padding="same")(x).shape
(2, 8, 8, 4)
>>> layers.ConvLSTM2D(4, kernel_size=3, return_sequences=True)(x).shape
(2, 5, 6, 6, 4)
""",
    "ConvLSTM3D": """\
>>> import numpy as np
>>> from dlx import layers
>>> layers.ConvLSTM3D(2, kernel_size=3)(np.ones((1, 3, 5, 5, 5, 1), "float32")).shape
(1, 3, 3, 3, 2)
""",
}
for _name, _example in _EXAMPLES.items():
    globals()[_name].__doc__ = globals()[_name].__doc__.rstrip() + "\n\nExample:\n\n" + _example + ""
del _name, _example

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]

"""Recurrent-layer cases shared by ``test_rnn_loops.py`` and the Keras 3 subprocess it starts.

``python keras_rnn_side.py FOLDER`` (with ``KERAS_BACKEND`` set) reads ``FOLDER/inputs.npz``
(each case's inputs, mask and weights, written by the test from dlx's layers), builds every case
with ``keras.layers``, sets the same weights, and writes ``FOLDER/keras.npz`` with its outputs.
Each case builds its layer from a layers module ``L``, so the same line builds dlx's and Keras's.
"""

from __future__ import annotations

import sys

import numpy as np

#: name -> (layer builder, input shape (batch, timesteps, features), masked, calls)
CASES = {
    "lstm_sequences_mask": (lambda L: L.LSTM(4, return_sequences=True), (3, 6, 5), True, 1),
    "lstm_last_mask": (lambda L: L.LSTM(4), (3, 6, 5), True, 1),
    "gru_backwards_state_mask": (lambda L: L.GRU(4, go_backwards=True, return_state=True), (3, 6, 5), True, 1),
    "gru_reset_before_sequences": (lambda L: L.GRU(3, reset_after=False, return_sequences=True), (2, 5, 4), False,
                                   1),
    "simple_rnn_zero_output_mask": (lambda L: L.RNN(L.SimpleRNNCell(3), return_sequences=True,
                                                    zero_output_for_mask=True), (3, 5, 2), True, 1),
    "stacked_cells_state": (lambda L: L.RNN(L.StackedRNNCells([L.LSTMCell(3), L.GRUCell(2)]), return_sequences=True,
                                            return_state=True), (2, 5, 4), False, 1),
    "lstm_backwards_sequences": (lambda L: L.LSTM(3, go_backwards=True, return_sequences=True), (2, 7, 3), False, 1),
    "bidirectional_mask": (lambda L: L.Bidirectional(L.LSTM(3, return_sequences=True)), (3, 6, 4), True, 1),
    "bidirectional_gru_state": (lambda L: L.Bidirectional(L.GRU(2, return_state=True), merge_mode="sum"), (2, 5, 3),
                                False, 1),
    "lstm_stateful_two_batches": (lambda L: L.LSTM(3, stateful=True, return_sequences=True), (2, 4, 3), False, 2),
    "lstm_unroll": (lambda L: L.LSTM(3, unroll=True, return_sequences=True), (2, 4, 3), True, 1),
}


def make_inputs(name):
    """The case's inputs: ``calls`` batches and a left-aligned mask (every row keeps step 0)."""
    _, shape, masked, calls = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    xs = [rng.standard_normal(shape).astype(np.float32) for _ in range(calls)]
    mask = None
    if masked:
        b, t = shape[:2]
        lengths = rng.integers(1, t + 1, b)
        lengths[0] = t
        mask = np.arange(t)[None, :] < lengths[:, None]
        mask[-1, 1] = False  # a hole inside a sequence, too
    return xs, mask


def _as_list(y):
    """Every output tensor, flattened (Keras nests a stacked cell's states per cell; dlx lists
    them flat)."""
    if isinstance(y, (list, tuple)):
        return [v for item in y for v in _as_list(item)]
    return [np.asarray(y)]


def main(folder: str) -> None:
    import keras

    data = np.load(f"{folder}/inputs.npz")
    out = {}
    for name, (build, _shape, _masked, _calls) in CASES.items():
        xs, mask = make_inputs(name)
        layer = build(keras.layers)
        kw = {} if mask is None else {"mask": mask}
        layer(xs[0], **kw)  # builds (and, stateful, fixes the batch size)
        n = int(data[f"{name}/n_weights"])
        layer.set_weights([data[f"{name}/w{i}"] for i in range(n)])
        if getattr(layer, "stateful", False):
            layer.reset_states()
        for c, x in enumerate(xs):
            for i, v in enumerate(_as_list(layer(x, **kw))):
                out[f"{name}/call{c}/out{i}"] = keras.ops.convert_to_numpy(v)
    np.savez(f"{folder}/keras.npz", **out)


if __name__ == "__main__":
    main(sys.argv[1])

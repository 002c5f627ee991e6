"""The Keras 3 side of ``test_mixed_precision.py``, run in a subprocess (``KERAS_BACKEND=jax``).

Reads ``inputs.npz`` (the initial weights of the test's MLP, one batch ``x``/``y`` and a sequence
of gradients) and writes JSON: the dtypes Keras gives a ``mixed_float16`` / ``mixed_bfloat16``
model (variables, every layer's output, the loss), the optimizer ``compile`` chooses, the
``LossScaleOptimizer``'s variables, and the loss-scale trajectories of the two overflow cases;
saves the model trained through the overflow as ``overflow.keras`` next to the JSON.

Usage: ``python keras_mixed_side.py inputs.npz out.json``
"""

import json
import sys

import keras
import numpy as np
from keras import layers as L


def mlp(policy, weights=None):
    keras.mixed_precision.set_global_policy(policy)
    try:
        m = keras.Sequential([keras.Input((64,)), L.Dense(32, activation="relu"), L.Dense(10, activation="softmax")])
    finally:
        keras.mixed_precision.set_global_policy("float32")
    if weights is not None:
        m.set_weights(weights)
    return m


def dtypes_of(policy, x, y):
    m = mlp(policy)
    m.compile("adam", "sparse_categorical_crossentropy")
    h, outs = x, []
    for layer in m.layers:
        h = layer(h)
        outs.append(str(h.dtype))
    loss = keras.losses.SparseCategoricalCrossentropy()(y, m(x))
    return {"model_policy": m.dtype_policy.name, "optimizer": type(m.optimizer).__name__,
            "variables": sorted({str(v.dtype) for v in m.weights}), "layer_outputs": outs,
            "loss": str(loss.dtype)}


def overflow_fit(weights, x, y, save_to):
    """``train_on_batch`` from a scale so large that float16 gradients overflow: the scale after
    each step, the step counter and the inner optimizer's iterations."""
    m = mlp("mixed_float16", weights)
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=2.0**40,
                                              dynamic_growth_steps=1000)
    m.compile(opt, "sparse_categorical_crossentropy")
    steps = []
    for _ in range(30):
        m.train_on_batch(x, y)
        steps.append([float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()), int(opt.iterations.numpy())])
    m.save(save_to)
    return {"steps": steps, "weights": [w.tolist() for w in m.get_weights()]}


def fed_gradients(grads):
    """``LossScaleOptimizer(SGD(1.0), initial_scale=8, dynamic_growth_steps=2)`` applied (by its
    ``stateless_apply``: the stateful ``apply`` leaks a tracer under Keras's jax backend) to given
    gradients, some with inf / nan: the variable, scale, counter and iterations after each."""
    v = keras.Variable(np.zeros(3, "float32"))
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=8.0, dynamic_growth_steps=2)
    opt.build([v])
    state, value, out = [w.value for w in opt.variables], v.value, []
    for g in grads:
        (value,), state = opt.stateless_apply(state, [keras.ops.convert_to_tensor(g)], [value])
        named = {w.name: np.asarray(s) for w, s in zip(opt.variables, state)}
        out.append({"value": np.asarray(value).tolist(), "scale": float(named["dynamic_scale"]),
                    "counter": int(named["step_counter"]), "iterations": int(np.asarray(state[4]))})
    return {"steps": out, "variables": [w.name for w in opt.variables]}


def main(inp, out):
    d = np.load(inp)
    weights = [d[f"w{i}"] for i in range(4)]
    x, y = d["x"], d["y"]
    res = {p: dtypes_of(p, x, y) for p in ("mixed_float16", "mixed_bfloat16")}
    res["overflow"] = overflow_fit(weights, x, y, out.rsplit("/", 1)[0] + "/overflow.keras")
    res["fed"] = fed_gradients(list(d["grads"]))
    with open(out, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""``keras.callbacks.SwapEMAWeights`` and ``keras.distillation`` against Keras 3 running the same
programs (one Keras and one dlx subprocess on jax): validation and evaluation on the moving
averages, fit histories, distillation losses (logits with the KL name and instance, features of
named layers, weights), the trained student and the errors."""

from __future__ import annotations

import numpy as np
import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_MODELS = """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5)).astype("float32"); y = rng.integers(0, 3, size=(16,))
    def fixed(m):
        m.set_weights([np.sin(np.arange(w.size) * 0.7 + i).reshape(w.shape).astype("float32")
                       for i, w in enumerate(m.get_weights())])
        return m
    inp = keras.Input((5,))
    teacher = fixed(keras.Model(inp, keras.layers.Dense(3, name="t_out")(keras.layers.Dense(6, activation="relu", name="t_feat")(inp))))
    student = fixed(keras.Sequential([keras.Input((5,)), keras.layers.Dense(6, name="s_feat"), keras.layers.Dense(3, name="s_out")]))
"""
SNIPPETS = {
    "swap_ema": """
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32"); y = rng.normal(size=(32, 2)).astype("float32")
    def build():
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(2)])
        m.set_weights([np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in m.get_weights()])
        return m
    seen = []
    rec = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        float(np.round(np.asarray(m.layers[0].kernel.numpy()).sum(), 5))))
    for swap_on_epoch in (False, True):
        m = build()
        m.compile(keras.optimizers.SGD(0.1, momentum=0.5, use_ema=True, ema_momentum=0.7), "mse")
        h = m.fit(x, y, batch_size=8, epochs=3, shuffle=False, validation_data=(x[:8], y[:8]), verbose=0,
                  callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch), rec])
        print(swap_on_epoch, np.round(h.history["loss"], 5).tolist(), np.round(h.history["val_loss"], 5).tolist())
        print(seen); seen.clear()
        print(np.round(m.get_weights()[0], 5).tolist())
        cb = keras.callbacks.SwapEMAWeights()
        print(round(float(m.evaluate(x, y, verbose=0, callbacks=[cb])), 5),
              round(float(m.evaluate(x, y, verbose=0)), 5))
    m = build(); m.compile(keras.optimizers.Adam(), "mse")
    m.fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])  # no evaluation: no swap
    m.evaluate(x, y, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
    """,
    "distill_logits": _MODELS + """
    for loss in ("kl_divergence", keras.losses.KLDivergence(), "mse"):
        d = keras.distillation.LogitsDistillation(temperature=2.0, loss=loss)
        print(round(float(d.compute_loss(teacher(x), student(x))), 5))
    f = keras.distillation.FeatureDistillation(loss=["mse", None])
    print(round(float(f.compute_loss([x, x], [x * 2, x])), 5))
    dist = keras.distillation.Distiller(teacher, student, [keras.distillation.LogitsDistillation(temperature=2.0, loss=keras.losses.KLDivergence()),
        keras.distillation.FeatureDistillation(teacher_layer_name="t_feat", student_layer_name="s_feat")],
        distillation_loss_weights=[1.0, 0.5], student_loss_weight=0.3)
    dist.compile(keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    print(round(float(dist.compute_loss(x, y, dist(x))), 5))
    h = dist.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print(sorted((k, np.round(v, 4).tolist()) for k, v in h.history.items()))
    print(np.round(student.get_weights()[0][0], 5).tolist(), teacher.trainable, len(dist.trainable_weights))
    print(sorted((k, round(float(v), 4)) for k, v in dist.evaluate(x, y, verbose=0, return_dict=True).items()))
    print(np.round(dist.predict(x[:2], verbose=0), 4).tolist())
    cfg = keras.distillation.LogitsDistillation.from_config(keras.distillation.LogitsDistillation(4.0, "mse").get_config())
    print(cfg.temperature)
    """,
    "distill_errors": _MODELS + """
    for kw in ({"student_loss_weight": 1.5}, {"distillation_losses": None}, {"distillation_loss_weights": [1.0]}):
        try:
            args = dict(distillation_losses=[keras.distillation.LogitsDistillation()] * 2)
            args.update(kw)
            keras.distillation.Distiller(teacher, student, **args)
        except ValueError:
            print("ValueError")
    try:
        keras.distillation.FeatureDistillation(teacher_layer_name="nope").validate_model_compatibility(teacher, student)
    except ValueError:
        print("ValueError")
    """,
}


@pytest.fixture(scope="module")
def results():
    return same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax")


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert keras_out[name].strip()
    assert dlx_out[name] == keras_out[name]


def test_swap_back_after_predict_and_errors(numpy_backend):
    """The trained weights come back after ``predict`` (Keras 3.15 leaves the averages in)."""
    import dlx

    x = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)
    m = dlx.Sequential([dlx.Input((4,)), dlx.layers.Dense(2)])
    m.compile(dlx.optimizers.SGD(0.5, use_ema=True, ema_momentum=0.9), "mse")
    m.fit(x, x[:, :2], epochs=2, verbose=0)
    trained = [w.copy() for w in m.get_weights()]
    averages = [np.asarray(a.numpy()) for a in m.optimizer._ema]
    out = m.predict(x, verbose=0, callbacks=[dlx.callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(out, x @ averages[0] + averages[1], rtol=1e-5, atol=1e-6)
    for w, t in zip(m.get_weights(), trained):
        np.testing.assert_array_equal(w, t)
    m.compile(dlx.optimizers.SGD(0.5), "mse")
    with pytest.raises(ValueError, match="use_ema"):
        m.evaluate(x, x[:, :2], verbose=0, callbacks=[dlx.callbacks.SwapEMAWeights()])

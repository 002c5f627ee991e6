"""``keras.callbacks.SwapEMAWeights``, ``keras.distillation`` and ``keras.saving.KerasFileEditor``
against Keras 3 running the same programs (one Keras and one dlx subprocess on jax): validation
and evaluation on the moving averages, fit histories, distillation losses (logits with the KL
name and instance, features of named layers, weights), the trained student; the weights a
``.keras`` / ``.weights.h5`` file holds, comparison with a model, edits, the saved result read
back and loaded; and the errors."""

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
    "file_editor": """
    import os, tempfile
    tmp = tempfile.mkdtemp()
    def build(units=3):
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, name="hidden"),
                              keras.layers.BatchNormalization(name="norm"), keras.layers.Dense(2, name="head")])
        m.set_weights([np.cos(np.arange(w.size) + i).reshape(w.shape).astype("float32")
                       for i, w in enumerate(m.get_weights())])
        return m
    m = build()
    m.compile(keras.optimizers.Adam(0.01), "mse")
    m.fit(np.sin(np.arange(32, dtype="float32")).reshape(8, 4), np.ones((8, 2), "float32"), epochs=1, verbose=0,
          shuffle=False)
    m.save(os.path.join(tmp, "m.keras"))
    m.save_weights(os.path.join(tmp, "m.weights.h5"))
    import io, contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        ed = keras.saving.KerasFileEditor(os.path.join(tmp, "m.keras"))
        ed2 = keras.saving.KerasFileEditor(os.path.join(tmp, "m.weights.h5"))
    def shapes(d):
        # dtype kinds: an iteration count is int32 or int64 depending on JAX's x64 mode
        return {k: shapes(v) if isinstance(v, dict) else (tuple(v.shape), v.dtype.kind) for k, v in d.items()}
    print(shapes(ed.weights_dict))
    print(shapes(ed2.weights_dict) == shapes(ed.weights_dict), ed.config["class_name"], "keras_version" in ed.metadata,
          ed2.config, ed2.metadata)
    print(np.round(ed.weights_dict["layers"]["dense"]["0"][0], 4).tolist())
    with contextlib.redirect_stdout(io.StringIO()):
        same = ed.compare(m); other = ed.compare(build(5))
    # (Keras 3.15 counts nested matches and errors more than once: the counts are checked below)
    print(same["status"], same["error_count"], other["status"])
    ed.rename_object("layers/dense", "first")
    ed.delete_weight("layers/batch_normalization", "3")
    ed.add_weights("layers/batch_normalization", {"3": np.full((3,), 2.0, "float32")})
    ed.add_object("layers/extra", {"0": np.zeros((2, 2), "float32")})
    ed.delete_object("optimizer")  # a top-level name
    for bad in (lambda: ed.delete_object("nope"), lambda: ed.rename_object("layers/dense_1", "a/b"),
                lambda: ed.add_weights("layers/dense_1", [1]), lambda: ed.delete_weight("layers/dense_1", "7"),
                lambda: ed.add_object("nowhere/x", {}), lambda: ed.save(os.path.join(tmp, "x.h5"))):
        try:
            bad()
        except ValueError:
            print("ValueError")
    print(shapes(ed.weights_dict))
    ed.save(os.path.join(tmp, "edited.weights.h5"))
    with contextlib.redirect_stdout(io.StringIO()):
        back = keras.saving.KerasFileEditor(os.path.join(tmp, "edited.weights.h5"))
    print(shapes(back.weights_dict))
    print(back.weights_dict["layers"]["batch_normalization"]["3"].tolist(), np.round(back.weights_dict["layers"]["first"]["0"][0], 4).tolist())
    ed.delete_object("layers/extra"); ed.rename_object("layers/first", "dense")
    ed.resave_weights(os.path.join(tmp, "fixed.weights.h5"))
    m2 = build(); m2.load_weights(os.path.join(tmp, "fixed.weights.h5"))
    print(np.round(m2.layers[1].get_weights()[3], 4).tolist(), np.round(m2.layers[0].get_weights()[0][0], 4).tolist())
    with contextlib.redirect_stdout(io.StringIO()) as buf:
        ed.summary()
    print(len(buf.getvalue().splitlines()))
""",
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


def test_file_editor_names_counts_and_refusals(numpy_backend, tmp_path, capsys):
    """Bare names resolve when unique in the file (Keras 3.15 counts a name once per enclosing
    object and refuses most); matches are counted once per weight (Keras counts nested ones
    again); links out of the file are refused."""
    import h5py

    import dlx

    m = dlx.Sequential([dlx.Input((3,)), dlx.layers.Dense(2), dlx.layers.Dense(1)])
    m.compile(dlx.optimizers.SGD(0.1, momentum=0.9), "mse")
    m.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), verbose=0)
    path = str(tmp_path / "m.weights.h5")
    m.save_weights(path)
    with h5py.File(path) as f:
        n_weights = sum(isinstance(f[k], h5py.Dataset) for k in _all_keys(f))
    editor = dlx.saving.KerasFileEditor(path)
    assert editor.compare(m) == {"status": "success", "error_count": 0, "match_count": n_weights}
    editor.rename_object("dense_1", "last")  # unique bare name
    assert list(editor.weights_dict["layers"]) == ["dense", "last"]
    editor.add_object("layers/last/inner", {"0": np.zeros(1)})
    editor.add_object("layers/dense/inner", {"0": np.zeros(1)})
    with pytest.raises(ValueError, match="2 objects"):
        editor.delete_object("inner")
    report = editor.compare(m)
    assert report["status"] == "error" and report["error_count"] == 3  # no dense_1; last and dense/inner extra
    assert "not in the saved file" in capsys.readouterr().out
    with h5py.File(tmp_path / "link.weights.h5", "w") as f:
        f["a/vars/0"] = np.zeros(2)
        f["b"] = h5py.SoftLink("/a")
    with pytest.raises(ValueError, match="SoftLink"):
        dlx.saving.KerasFileEditor(str(tmp_path / "link.weights.h5"))
    with pytest.raises(ValueError, match=r"'\.keras' or '\.weights\.h5'"):
        dlx.saving.KerasFileEditor(str(tmp_path / "m.h5"))


def _all_keys(group, prefix=""):
    import h5py

    for key, item in group.items():
        yield f"{prefix}{key}"
        if isinstance(item, h5py.Group):
            yield from _all_keys(item, f"{prefix}{key}/")

"""The Trainer on a minimal model: fit/evaluate/predict, the pure step against a NumPy float64
reference, multi-output losses/metrics, weights, steps_per_execution, custom steps."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_model import TinyMLP, blobs

import dlx
from dlx import ops

TRAINING_BACKENDS = [n for n in ("numpy", "jax", "torch", "tf") if n in dlx.backend.records()]


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def reference_sgd_run(m, x, y, lr, batch, steps, sw=None):
    """SGD on the MLP with sparse CCE, in float64, batches in order."""
    w1, b1, w2, b2 = (v.numpy().astype(np.float64) for v in m.trainable_variables)
    losses = []
    for s in range(steps):
        xb, yb = x[s * batch:(s + 1) * batch].astype(np.float64), y[s * batch:(s + 1) * batch]
        swb = np.ones(len(xb)) if sw is None else sw[s * batch:(s + 1) * batch]
        h_pre = xb @ w1 + b1
        h = np.maximum(h_pre, 0)
        p = softmax(h @ w2 + b2)
        n = len(xb)
        losses.append((-np.log(p[np.arange(n), yb]) * swb).sum() / n)
        g_logits = (p - np.eye(p.shape[1])[yb]) * swb[:, None] / n
        gw2, gb2 = h.T @ g_logits, g_logits.sum(0)
        gh = g_logits @ w2.T * (h_pre > 0)
        gw1, gb1 = xb.T @ gh, gh.sum(0)
        w1, b1, w2, b2 = w1 - lr * gw1, b1 - lr * gb1, w2 - lr * gw2, b2 - lr * gb2
    return [w1, b1, w2, b2], losses


@pytest.mark.parametrize("spe", [1, 3])
def test_fit_matches_float64_sgd_reference(spe):
    x, y = blobs(96)
    m = TinyMLP(6, 8, 3)
    want, losses = reference_sgd_run(m, x, y, 0.1, 16, 6)
    m.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", steps_per_execution=spe)
    hist = m.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for v, w in zip(m.trainable_variables, want):
        np.testing.assert_allclose(v.numpy(), w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hist.history["loss"][0], np.mean(losses), rtol=1e-4)
    assert int(m.optimizer.iterations.numpy()) == 6
    assert float(m.calls.numpy()) > 0  # non-trainable state written back


def test_sample_weight_and_class_weight_reach_the_gradient():
    x, y = blobs(64)
    sw = np.random.default_rng(1).random(64).astype(np.float32)
    m = TinyMLP(6, 8, 3)
    want, _ = reference_sgd_run(m, x, y, 0.1, 32, 2, sw=sw)
    m.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    m.fit(x, y, sample_weight=sw, batch_size=32, shuffle=False, verbose=0)
    for v, w in zip(m.trainable_variables, want):
        np.testing.assert_allclose(v.numpy(), w, rtol=1e-4, atol=1e-5)
    cw = {0: 0.5, 1: 2.0, 2: 1.0}
    m2 = TinyMLP(6, 8, 3)
    want, _ = reference_sgd_run(m2, x, y, 0.1, 32, 2, sw=np.array([cw[int(c)] for c in y]))
    m2.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    m2.fit(x, y, class_weight=cw, batch_size=32, shuffle=False, verbose=0)
    for v, w in zip(m2.trainable_variables, want):
        np.testing.assert_allclose(v.numpy(), w, rtol=1e-4, atol=1e-5)


def test_fit_learns_evaluate_predict_and_history():
    x, y = blobs(400)
    m = TinyMLP(6, 16, 3)
    m.compile(optimizer=dlx.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
              metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
    h = m.fit(x, y, batch_size=32, epochs=4, validation_split=0.25, verbose=0)
    assert set(h.history) == {"loss", "accuracy", "sparse_top_k_categorical_accuracy", "val_loss", "val_accuracy",
                              "val_sparse_top_k_categorical_accuracy"}
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert h.history["val_accuracy"][-1] > 0.9
    res = m.evaluate(x, y, batch_size=50, return_dict=True, verbose=0)
    p = m.predict(x, batch_size=64, verbose=0)
    assert p.shape == (400, 3)
    np.testing.assert_allclose(res["accuracy"], (p.argmax(1) == y).mean(), rtol=1e-6)
    ce = -np.log(p[np.arange(400), y]).mean()
    np.testing.assert_allclose(res["loss"], ce, rtol=1e-4)
    np.testing.assert_allclose(m.predict(x[:5], verbose=0), p[:5], rtol=1e-5)  # fast path
    np.testing.assert_allclose(m.predict_on_batch(x[:7]), p[:7], rtol=1e-5)
    assert m.metrics_names == ["loss", "compile_metrics"]  # as Keras: the compiled metrics are one metric
    assert [s.name for s in m.metrics[1].metrics] == ["accuracy", "sparse_top_k_categorical_accuracy"]


def test_validation_data_freq_and_steps():
    x, y = blobs(128)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = m.fit(x, y, batch_size=16, epochs=4, validation_data=(x[:32], y[:32]), validation_freq=2,
              steps_per_epoch=3, verbose=0)
    assert len(h.history["loss"]) == 4 and len(h.history["val_loss"]) == 2
    assert int(m.optimizer.iterations.numpy()) == 12


def test_multi_output_list_and_dict_losses_metrics_weights():
    x, y = blobs(64)
    ya, yb = y, x.sum(1, keepdims=True)
    for outputs in ("list", "dict"):
        m = TinyMLP(6, 8, 3, outputs=outputs)
        loss = (["sparse_categorical_crossentropy", "mse"] if outputs == "list"
                else {"a": "sparse_categorical_crossentropy", "b": "mse"})
        m.compile(optimizer="sgd", loss=loss, loss_weights=[1.0, 0.5] if outputs == "list" else {"a": 1.0, "b": 0.5},
                  metrics={"a": ["accuracy"], "b": ["mae"]})
        target = [ya, yb] if outputs == "list" else {"a": ya, "b": yb}
        res = m.evaluate(x, target, batch_size=64, return_dict=True, verbose=0)
        p = m.predict(x, verbose=0)
        pa, pb = (p[0], p[1]) if outputs == "list" else (p["a"], p["b"])
        ce = -np.log(pa[np.arange(64), ya]).mean()
        mse = ((pb - yb) ** 2).mean()
        np.testing.assert_allclose(res["a_loss"], ce, rtol=1e-4)
        np.testing.assert_allclose(res["b_loss"], mse, rtol=1e-4)
        np.testing.assert_allclose(res["loss"], ce + 0.5 * mse, rtol=1e-4)
        np.testing.assert_allclose(res["a_accuracy"], (pa.argmax(1) == ya).mean())
        np.testing.assert_allclose(res["b_mae"], np.abs(pb - yb).mean(), rtol=1e-4)
        h = m.fit(x, target, epochs=1, verbose=0)
        assert "a_loss" in h.history and "b_mae" in h.history


def test_regularization_losses_are_added():
    x, y = blobs(32)
    m = TinyMLP(6, 8, 3, l2=0.01)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    res = m.evaluate(x, y, batch_size=32, verbose=0)
    p = m.predict(x, verbose=0)
    want = -np.log(p[np.arange(32), y]).mean() + 0.01 * (m.w1.numpy().astype(np.float64) ** 2).sum()
    np.testing.assert_allclose(res, want, rtol=1e-4)


def test_weighted_metrics_use_sample_weight():
    x, y = blobs(64)
    sw = (np.arange(64) % 2).astype(np.float32)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
              weighted_metrics=["accuracy"])
    res = m.evaluate(x, y, sample_weight=sw, batch_size=64, return_dict=True, verbose=0)
    hit = m.predict(x, verbose=0).argmax(1) == y
    np.testing.assert_allclose(res["accuracy"], hit.mean())
    np.testing.assert_allclose(res["accuracy_1"], (hit * sw).sum() / sw.sum())


@pytest.mark.parametrize("name", [n for n in ("numpy", "jax", "torch") if n in dlx.backend.records()])
def test_predict_sees_every_change_of_the_variables(name):
    # where variable values are immutable, predict reuses the values it read last until a
    # variable changes: an assign, set_weights, a fit, a trainable flag must each be seen
    from dlx import layers, models

    def reference(model, x):
        k, b = (v.numpy().astype(np.float64) for v in model.layers[0].weights)
        return x.astype(np.float64) @ k + b

    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    with dlx.backend.use(name):
        model = models.Sequential([layers.Input((4,)), layers.Dense(3)])
        dense = model.layers[0]
        np.testing.assert_allclose(model.predict(x, verbose=0), reference(model, x), rtol=1e-5, atol=1e-6)
        kept = dense.kernel.value  # alive: the replaced value's weak reference does not die
        dense.kernel.assign(rng.standard_normal((4, 3)).astype(np.float32))
        np.testing.assert_allclose(model.predict(x, verbose=0), reference(model, x), rtol=1e-5, atol=1e-6)
        del kept
        model.set_weights([np.ones((4, 3), np.float32), np.arange(3, dtype=np.float32)])
        np.testing.assert_allclose(model.predict_on_batch(x), reference(model, x), rtol=1e-5, atol=1e-6)
        dense.trainable = False  # the kernel and bias move to the non-trainable list
        assert len(model.trainable_variables) == 0
        np.testing.assert_allclose(model.predict(x, verbose=0), reference(model, x), rtol=1e-5, atol=1e-6)
        dense.trainable = True
        model.compile(optimizer=dlx.optimizers.SGD(0.5), loss="mse")
        before = model.predict(x, verbose=0)
        model.fit(x, np.zeros((5, 3), np.float32), epochs=1, verbose=0)
        after = model.predict(x, verbose=0)
        assert not np.allclose(after, before)
        np.testing.assert_allclose(after, reference(model, x), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(model.evaluate(x, np.zeros((5, 3), np.float32), verbose=0),
                                   np.mean(reference(model, x) ** 2), rtol=1e-5)


@pytest.mark.parametrize("name", [n for n in ("numpy", "jax", "torch", "tf") if n in dlx.backend.records()])
def test_a_float64_batch_is_predicted_in_floatx_on_the_compiled_path(name):
    # a float64 NumPy batch is predicted in floatx() on the first call (which builds and compiles)
    # and on the later ones, which hand NumPy batches to the cached compiled function directly
    from dlx import layers, models

    x = np.random.default_rng(1).standard_normal((2, 4))  # float64
    with dlx.backend.use(name):
        model = models.Sequential([layers.Input((4,)), layers.Dense(3)])
        k, b = (v.numpy().astype(np.float64) for v in model.layers[0].weights)
        want = x.astype(np.float32).astype(np.float64) @ k + b
        for out in (model.predict(x, verbose=0), model.predict(x, verbose=0), model.predict_on_batch(x)):
            assert out.dtype == np.float32
            np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_predict_keeps_no_replaced_value_alive():
    # the values predict reuses are held weakly: an assignment frees the value it replaced
    import gc
    import weakref

    from dlx import layers, models

    model = models.Sequential([layers.Input((4,)), layers.Dense(3)])
    x = np.ones((2, 4), np.float32)
    model.predict(x, verbose=0)
    old = weakref.ref(model.layers[0].kernel.value)
    model.layers[0].kernel.assign(np.zeros((4, 3), np.float32))
    gc.collect()
    assert old() is None
    np.testing.assert_allclose(model.predict(x, verbose=0), np.zeros((2, 3)) + model.layers[0].bias.numpy())


class _Interrupt(Exception):
    pass


@pytest.mark.parametrize("backend", TRAINING_BACKENDS)
def test_fit_keeps_values_read_outside_it_and_the_state_of_an_interrupted_epoch(backend):
    # where values are immutable, fit lends the variables' own values to its donating compiled
    # step: a value read before fit or at an epoch end must stay valid, and an epoch a callback
    # interrupts must leave the state of the last finished step in the variables
    x, y = blobs(64)
    with dlx.backend.use(backend):
        m = TinyMLP(6, 8, 3)
        want, _ = reference_sgd_run(m, np.concatenate([x, x]), np.concatenate([y, y]), 0.1, 16, 6)
        m.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        before = m.w1.value
        before_np = ops.convert_to_numpy(before).copy()
        at_epoch_end = []

        class Interrupt(dlx.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                value = self.model.w1.value
                at_epoch_end.append((value, ops.convert_to_numpy(value).copy()))

            def on_train_batch_end(self, batch, logs=None):
                if at_epoch_end and batch == 1:  # the 6th step (4 a epoch)
                    raise _Interrupt

        with pytest.raises(_Interrupt):
            m.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[Interrupt()])
        if dlx.backend.current().variable_values_immutable:  # (torch's reads are the variable itself)
            np.testing.assert_array_equal(ops.convert_to_numpy(before), before_np)
            np.testing.assert_array_equal(ops.convert_to_numpy(at_epoch_end[0][0]), at_epoch_end[0][1])
        assert not np.allclose(at_epoch_end[0][1], before_np)
        for v, w in zip(m.trainable_variables, want):
            np.testing.assert_allclose(ops.convert_to_numpy(v), w, rtol=1e-3, atol=1e-4)
        assert int(ops.convert_to_numpy(m.optimizer.iterations)) == 6
        m.fit(x, y, batch_size=16, epochs=1, verbose=0)  # training goes on from there
        assert int(ops.convert_to_numpy(m.optimizer.iterations)) == 10


def test_on_batch_methods():
    x, y = blobs(32)
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    want, losses = reference_sgd_run(m, x, y, 0.1, 32, 1)
    out = m.train_on_batch(x, y, return_dict=True)
    np.testing.assert_allclose(out["loss"], losses[0], rtol=1e-5)
    np.testing.assert_allclose(m.w1.numpy(), want[0], rtol=1e-4, atol=1e-6)
    _, acc = m.test_on_batch(x, y)
    p = m.predict_on_batch(x)
    np.testing.assert_allclose(acc, (p.argmax(1) == y).mean())


def test_custom_pure_train_step_and_stateful_train_step():
    x, y = blobs(32)

    class Pure(TinyMLP):
        def train_step(self, state, data):
            logs, state = super().train_step(state, data)
            return {**logs, "custom": ops.convert_to_tensor(7.0)}, state

    m = Pure(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = m.fit(x, y, epochs=1, verbose=0)
    assert h.history["custom"] == [7.0]

    class Stateful(TinyMLP):
        def train_step(self, data):
            xb, yb = data
            tv = [v.value for v in self.trainable_variables]

            def loss_fn(tv):
                pred, _ = self.stateless_call(tv, [v.value for v in self.non_trainable_variables], xb)
                return dlx.losses.sparse_categorical_crossentropy(yb, pred)[0]

            loss, grads = dlx.backend.current().value_and_grad(loss_fn)(tv)
            self.optimizer.apply(grads, self.trainable_variables)
            return {"first_loss": loss}

    m = Stateful(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = m.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len(h.history["first_loss"]) == 2 and int(m.optimizer.iterations.numpy()) == 8


def test_errors():
    m = TinyMLP(6, 8, 3)
    with pytest.raises(RuntimeError, match="compile"):
        m.fit(np.zeros((4, 6)), np.zeros(4))
    with pytest.raises(ValueError, match="steps_per_execution=0"):
        m.compile(optimizer="sgd", loss="mse", steps_per_execution=0)
    with pytest.raises(ValueError, match="jit_compile='yes'"):
        m.compile(optimizer="sgd", loss="mse", jit_compile="yes")
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="same number of samples"):
        m.fit(np.zeros((4, 6)), np.zeros(5), verbose=0)
    with pytest.raises(ValueError, match=r"validation_split=1\.5"):
        m.fit(np.zeros((4, 6)), np.zeros(4), validation_split=1.5, verbose=0)


@pytest.mark.parametrize("backend", TRAINING_BACKENDS)
def test_same_trajectory_on_every_backend(backend):
    x, y = blobs(64)
    with dlx.backend.use(backend):
        m = TinyMLP(6, 8, 3)
        want, losses = reference_sgd_run(m, x, y, 0.1, 16, 4)
        m.compile(optimizer=dlx.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=2)
        h = m.fit(x, y, batch_size=16, shuffle=False, verbose=0)
        for v, w in zip(m.trainable_variables, want):
            np.testing.assert_allclose(v.numpy(), w, rtol=1e-3, atol=1e-4)
        np.testing.assert_allclose(h.history["loss"][0], np.mean(losses), rtol=1e-3)
        p = m.predict(x, verbose=0)
        res = m.evaluate(x, y, verbose=0, return_dict=True)
        np.testing.assert_allclose(res["accuracy"], (p.argmax(1) == y).mean())
        m.fit(x, y, batch_size=16, epochs=1, verbose=0)  # a second fit reuses the compiled step
        assert int(m.optimizer.iterations.numpy()) == 8


def test_predict_and_evaluate_compile_as_inference_and_fit_does_not(monkeypatch):
    from dlx import layers, models
    from dlx.trainers import trainer

    seen = []
    real = trainer.compile_function

    def recording(backend, fn, **kwargs):
        seen.append((fn.__qualname__.split(".")[-3], kwargs["inference"]))
        return real(backend, fn, **kwargs)

    monkeypatch.setattr(trainer, "compile_function", recording)
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 3), np.float32), np.ones((8, 2), np.float32)
    model.fit(x, y, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert seen == [("make_train_function", False), ("make_test_function", True), ("make_predict_function", True)]


def test_compile_function_passes_inference_only_to_a_backend_that_takes_it():
    from dlx.backend.contract import compile_function

    calls = []

    class Current:  # takes the keyword
        def compile(self, fn, *, donate_argnums=(), static_argnums=(), jit=True, inference=False):
            calls.append(("current", donate_argnums, jit, inference))
            return fn

    class Older:  # written before it existed
        def compile(self, fn, *, donate_argnums=(), static_argnums=(), jit=True):
            calls.append(("older", donate_argnums, jit))
            return fn

    class Open:  # takes any keyword
        def compile(self, fn, **options):
            calls.append(("open", options))
            return fn

    def fn(x):
        return x

    for b in (Current(), Older(), Open()):
        assert compile_function(b, fn, donate_argnums=(0,), jit=False, inference=True) is fn
    assert calls == [("current", (0,), False, True), ("older", (0,), False),
                     ("open", {"donate_argnums": (0,), "jit": False, "inference": True})]

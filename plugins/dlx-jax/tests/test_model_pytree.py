"""On JAX a model's state is a pytree: the stateless API composes with jax.jit and jax.grad."""

import jax
import jax.numpy as jnp
import numpy as np

import dlx


def test_stateless_call_under_jit_and_grad():
    with dlx.backend.use("jax"):
        model = dlx.Sequential([dlx.Input((4,)), dlx.layers.Dense(8, activation="tanh"),
                                dlx.layers.BatchNormalization(), dlx.layers.Dense(1)])
        tv = [v.value for v in model.trainable_variables]
        ntv = [v.value for v in model.non_trainable_variables]
        x = jnp.asarray(np.random.default_rng(0).standard_normal((16, 4)), jnp.float32)
        y = jnp.sum(x, axis=1, keepdims=True)

        def loss_fn(tv, ntv, x, y):
            pred, ntv = model.stateless_call(tv, ntv, x, training=True)
            return jnp.mean((pred - y) ** 2), ntv

        @jax.jit
        def step(tv, ntv, x, y):
            (loss, ntv), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv, ntv, x, y)
            return [w - 0.1 * g for w, g in zip(tv, grads)], ntv, loss

        first = None
        for _ in range(100):
            tv, ntv, loss = step(tv, ntv, x, y)
            first = float(loss) if first is None else first
        assert float(loss) < first / 10
        # the moving statistics are state too: they changed functionally
        assert not np.allclose(np.asarray(ntv[0]), 0.0)
        # write the trained state back; the stateful model now predicts with it
        for v, value in zip(model.trainable_variables, tv):
            v.assign(value)
        for v, value in zip(model.non_trainable_variables, ntv):
            v.assign(value)
        pred, _ = model.stateless_call(tv, ntv, x)
        np.testing.assert_allclose(model.predict(np.asarray(x), verbose=0), np.asarray(pred), rtol=1e-5, atol=1e-5)


def test_variable_values_form_a_pytree():
    with dlx.backend.use("jax"):
        model = dlx.Sequential([dlx.Input((3,)), dlx.layers.Dense(2)])
        state = {v.path: v.value for v in model.variables}
        leaves, _ = jax.tree_util.tree_flatten(state)
        assert all(isinstance(leaf, jax.Array) for leaf in leaves) and len(leaves) == 2
        doubled = jax.tree_util.tree_map(lambda a: a * 2, state)
        assert set(doubled) == {v.path for v in model.variables}

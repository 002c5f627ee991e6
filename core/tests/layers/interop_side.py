"""JAX functions for the JaxLayer tests, importable as ``interop_side`` by the test and by the
Keras subprocess (so a ``.keras`` file written by one names functions the other finds)."""

from __future__ import annotations

import jax
import jax.numpy as jnp


def mlp_init(rng, inputs):
    return {"w": jax.random.normal(rng, (inputs.shape[-1], 5)) * 0.5, "b": jnp.zeros((5,))}


def mlp_call(params, inputs, rng, training):
    y = jnp.tanh(inputs @ params["w"] + params["b"])
    if training:
        keep = jax.random.bernoulli(rng, 0.8, y.shape)
        y = jnp.where(keep, y / 0.8, 0.0)
    return y


def counter_call(params, state, inputs):
    return inputs * params["scale"], {"count": state["count"] + 1.0}


CUSTOM = {"mlp_init": mlp_init, "mlp_call": mlp_call}

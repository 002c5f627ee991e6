"""``keras.initializers.STFT`` (``STFTInitializer``, ``stft``): the same kernels as Keras 3."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

SNIPPETS = {
    "kernels": """
    r = lambda v: (np.round(np.asarray(v, "float64"), 5) + 0.0).tolist()  # -0.0 == 0.0 (sin of k*pi)
    for kw in ({}, {"side": "imag"}, {"window": "hamming", "scaling": "spectrum", "periodic": True},
               {"window": None, "scaling": None}, {"window": np.linspace(0.5, 1.0, 6), "scaling": None}):
        k = keras.initializers.STFT(**kw)((6, 1, 4))
        print(np.asarray(k).shape, r(k))
    """,
    "aliases_and_config": """
    print(keras.initializers.STFTInitializer is keras.initializers.STFT,
          keras.initializers.stft is keras.initializers.STFT)
    init = keras.initializers.get("stft")
    print(type(init).__name__, init.get_config())
    print(keras.initializers.STFT.from_config({"side": "imag", "window": "hann", "periodic": False,
                                               "scaling": None}).get_config())
    """,
    "bad_side": """
    keras.initializers.STFT(side="both")
    """,
    "bad_window": """
    keras.initializers.STFT(window="not_a_window")
    """,
    "bad_scaling": """
    keras.initializers.STFT(scaling="max")
    """,
    "window_length_mismatch": """
    keras.initializers.STFT(window=np.ones(3))((6, 1, 4))
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]

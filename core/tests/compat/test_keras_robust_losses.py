"""``keras.losses.Circle`` / ``circle`` and ``CategoricalGeneralizedCrossEntropy`` /
``categorical_generalized_cross_entropy`` give Keras 3's values on the same data."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_DATA = """
    rng = np.random.default_rng(3)
    emb = rng.normal(size=(6, 4)).astype("float32")
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    labels = np.array([0, 1, 0, 2, 1, 0])
    probs = rng.uniform(0.05, 1.0, size=(5, 3)).astype("float32")
    probs /= probs.sum(axis=1, keepdims=True)
    cls = np.array([0, 2, 1, 1, 0])
    r = lambda v: np.round(np.asarray(v, "float64"), 4).tolist()
"""

SNIPPETS = {
    "circle_function": _DATA + """
    print(r(keras.losses.circle(labels, emb)))
    print(r(keras.losses.circle(labels, emb, remove_diagonal=False, gamma=10, margin=0.25)))
    print(r(keras.losses.circle(labels[:3], emb[:3], ref_labels=labels, ref_embeddings=emb)))
    """,
    "circle_class_reductions": _DATA + """
    for red in ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight"):
        print(red, r(keras.losses.Circle(gamma=20.0, reduction=red)(labels, emb)))
    single = np.array([0, 1, 2, 3, 4, 5])
    print(r(keras.losses.Circle()(single, emb)))
    print(r(keras.losses.Circle()(labels, emb, sample_weight=np.arange(6, dtype="float32"))))
    """,
    "circle_config": """
    c = keras.losses.Circle(gamma=10.0, margin=0.3, remove_diagonal=False, name="c")
    cfg = c.get_config()
    print(sorted((k, v) for k, v in cfg.items() if k != "dtype"))  # dlx's Loss config always has dtype
    d = keras.losses.Circle.from_config(cfg)
    print(d.gamma, d.margin, d.remove_diagonal, d.name)
    print(type(keras.losses.get("Circle")).__name__, keras.losses.get("circle").__name__)
    """,
    "gce": _DATA + """
    print(r(keras.losses.categorical_generalized_cross_entropy(cls, probs, q=0.7)))
    print(r(keras.losses.CategoricalGeneralizedCrossEntropy()(cls, probs)))
    print(r(keras.losses.CategoricalGeneralizedCrossEntropy(q=0.2, reduction="none")(cls[:, None], probs)))
    g = keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3)
    print(sorted((k, v) for k, v in g.get_config().items() if k != "dtype"))
    """,
    "gce_bad_q": """
    keras.losses.CategoricalGeneralizedCrossEntropy(q=1.5)
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]

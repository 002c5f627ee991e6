"""``keras.wrappers``: scikit-learn estimators around a model give the same fits and predictions
on Keras 3 and on dlx (``import dlx as keras``)."""

from __future__ import annotations

import pytest

from . import same_program

pytest.importorskip("sklearn")
pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_DATA = """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype("float32")
    y_cls = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "yes", "no")
    y_reg = (X @ np.array([1.0, -2.0, 0.5], "float32")).astype("float32")

    def make(X, y, loss, activation=None, units=None):
        inp = keras.Input((X.shape[1],))
        out = keras.layers.Dense(units or (y.shape[1] if y.ndim > 1 else 1), activation=activation)(inp)
        model = keras.Model(inp, out)
        model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.weights])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
        return model
"""

SNIPPETS = {
    "classifier": _DATA + """
    est = keras.wrappers.SKLearnClassifier(make, model_kwargs={"loss": "categorical_crossentropy",
                                                               "activation": "softmax"},
                                           fit_kwargs={"epochs": 3, "batch_size": 8, "verbose": 0,
                                                       "shuffle": False})
    est.fit(X, y_cls)
    print(est.classes_.tolist(), est.predict(X[:6]).tolist(), round(est.score(X, y_cls), 4))
    print(np.round(est.decision_function(X[:2]), 4).tolist(), est.epoch_)
    """,
    "regressor": _DATA + """
    est = keras.wrappers.SKLearnRegressor(make, model_kwargs={"loss": "mse"})
    est.fit(X, y_reg, epochs=4, batch_size=8, verbose=0, shuffle=False)
    print(np.round(est.predict(X[:3]), 4).tolist(), round(est.score(X, y_reg), 4))
    """,
    "transformer": _DATA + """
    est = keras.wrappers.SKLearnTransformer(make, model_kwargs={"loss": "mse", "units": 2},
                                            fit_kwargs={"epochs": 2, "batch_size": 8, "verbose": 0,
                                                        "shuffle": False})
    out = est.fit_transform(X, np.stack([y_reg, -y_reg], axis=1))
    print(out.shape, np.round(out[:2], 4).tolist())
    """,
    "sklearn_clone_and_params": _DATA + """
    import sklearn.base
    est = keras.wrappers.SKLearnRegressor(make, warm_start=True, model_kwargs={"loss": "mse"})
    print(sorted(est.get_params()), type(sklearn.base.clone(est)).__name__)
    """,
    "uncompiled_model": _DATA + """
    def bare(X, y):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    keras.wrappers.SKLearnRegressor(bare).fit(X, y_reg)
    """,
    "continuous_target_for_classifier": _DATA + """
    keras.wrappers.SKLearnClassifier(make, model_kwargs={"loss": "mse"}).fit(X, y_reg)
    """,
    "predict_before_fit": _DATA + """
    keras.wrappers.SKLearnRegressor(make).predict(X)
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]

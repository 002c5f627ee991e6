"""HyperParameters: KerasTuner's declarations, defaults, conditions and their Optuna mapping.

Expected values follow KerasTuner 1.4's documented rules (defaults are ``min_value`` / the first
choice; with ``log`` / ``reverse_log`` sampling the step multiplies; an inactive conditional
hyperparameter returns ``None``), worked out by hand here.
"""

import math

import optuna
import pytest

import dlx_tuner as kt
from dlx_tuner.hyperparameters import HyperParameter


def test_defaults_outside_a_search():
    hp = kt.HyperParameters()
    assert hp.Int("units", 32, 512, step=32) == 32
    assert hp.Float("lr", 1e-4, 1e-2, sampling="log") == 1e-4
    assert hp.Float("drop", 0.0, 0.5, default=0.25) == 0.25
    assert hp.Choice("act", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("bn") is False
    assert hp.Fixed("bs", 64) == 64
    assert hp.values == {"units": 32, "lr": 1e-4, "drop": 0.25, "act": "relu", "bn": False, "bs": 64}
    assert hp["units"] == 32 and hp.get("act") == "relu" and "lr" in hp
    # the same declaration again returns the same value; a different one is an error
    assert hp.Int("units", 32, 512, step=32) == 32
    with pytest.raises(ValueError, match="declared twice differently"):
        hp.Int("units", 1, 5)


def test_conditional_scope():
    hp = kt.HyperParameters()
    kind = hp.Choice("kind", ["mlp", "cnn"])
    with hp.conditional_scope("kind", "mlp"):
        assert hp.Int("layers", 1, 3) == 1
    with hp.conditional_scope("kind", ["cnn"]):
        assert hp.Int("filters", 8, 32, step=8) is None  # inactive: KerasTuner returns None
    assert kind == "mlp"
    assert hp.is_active("layers") and not hp.is_active("filters")
    assert "filters" not in hp.values
    assert hp.Int("direct", 0, 2, parent_name="kind", parent_values=["cnn"]) is None
    with pytest.raises(ValueError, match="parent_name='nope'"), hp.conditional_scope("nope", [1]):
        pass


@pytest.mark.parametrize("call, message", [
    (lambda hp: hp.Int("a", 5, 1), "min_value 5 is greater than max_value 1"),
    (lambda hp: hp.Float("a", 0.0, 1.0, sampling="log"), "needs min_value > 0"),
    (lambda hp: hp.Float("a", 1e-3, 1.0, sampling="cubic"), "sampling='cubic'"),
    (lambda hp: hp.Int("a", 1, 64, step=1, sampling="log"), "expected step > 1"),
    (lambda hp: hp.Int("a", 1.5, 4), "min_value=1.5"),
    (lambda hp: hp.Choice("a", []), "non-empty list"),
    (lambda hp: hp.Choice("a", [1, "x"]), "mix types"),
    (lambda hp: hp.Choice("a", ["x", "y"], default="z"), "default='z'"),
    (lambda hp: hp.Float("a", 0.0, 1.0, default=2.0), "default=2.0 is outside"),
    (lambda hp: hp.Int("a#b", 0, 1), "may not contain '#'"),
])
def test_bad_declarations_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call(kt.HyperParameters())


def _values(**kw):
    hp = HyperParameter(**kw)
    name, dist, to_value = hp.optuna_param()
    return name, dist, [to_value(v) for v in hp.grid_values()]


def test_step_rules_and_grid_values():
    # linear int: every step from min, max included when on the grid
    assert _values(kind="int", name="u", min_value=32, max_value=128, step=32)[2] == [32, 64, 96, 128]
    # a max off the grid is not reachable (KerasTuner: (max - min) // step + 1 values)
    name, dist, vals = _values(kind="int", name="u", min_value=1, max_value=10, step=4)
    assert vals == [1, 5, 9] and (dist.low, dist.high, dist.step) == (1, 9, 4)
    # log with step: the step multiplies
    assert _values(kind="int", name="u", min_value=32, max_value=512, step=2, sampling="log")[2] == [32, 64, 128, 256, 512]
    # reverse_log with step: max + min - min * step**i
    assert _values(kind="int", name="u", min_value=1, max_value=100, step=10, sampling="reverse_log")[2] == [100, 91, 1]
    # float linear step through an index parameter (no float-step rounding warnings)
    name, dist, vals = _values(kind="float", name="d", min_value=0.0, max_value=0.5, step=0.1)
    assert name == "d#index" and dist.high == 5
    assert vals == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    # stepless float: 10 points of the prior at cumulative probability 0.05, 0.15, ...
    name, dist, vals = _values(kind="float", name="lr", min_value=1e-4, max_value=1e-2, sampling="log")
    assert name == "lr" and dist.log
    assert vals == pytest.approx([1e-4 * 100 ** (0.05 + 0.1 * i) for i in range(10)])
    # ordered choice: an index; unordered: categorical
    assert _values(kind="choice", name="c", values=[16, 32, 64])[0:1] == ("c#index",)
    name, dist, vals = _values(kind="choice", name="c", values=["a", "b"])
    assert name == "c" and isinstance(dist, optuna.distributions.CategoricalDistribution) and vals == ["a", "b"]


def test_reverse_log_prior_is_dense_near_max():
    hp = HyperParameter("float", "m", min_value=0.01, max_value=1.0, sampling="reverse_log")
    name, _, to_value = hp.optuna_param()
    assert name == "m#reflected"
    # KerasTuner's prior: value(p) = max + min - min * (max/min) ** (1 - p)
    for p in (0.1, 0.5, 0.9):
        y = 0.01 * 100 ** (1 - p)       # the reflected log-uniform draw at the same quantile
        assert to_value(y) == pytest.approx(1.0 + 0.01 - 0.01 * 100 ** (1 - p))
        assert hp.prob_to_value(p) == pytest.approx(to_value(y))
    assert hp.prob_to_value(0.9) > 0.5 + (1.0 - 0.5) / 2  # most mass near max


def test_bound_to_an_optuna_trial_suggests_within_the_space():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(30):
        trial = study.ask()
        hp = kt.HyperParameters()
        hp._trial = trial
        u = hp.Int("u", 32, 512, step=2, sampling="log")
        lr = hp.Float("lr", 1e-5, 1e-1, sampling="log")
        c = hp.Choice("c", ["a", "b", "c"])
        with hp.conditional_scope("c", "a"):
            k = hp.Int("k", 1, 3)
        assert u in (32, 64, 128, 256, 512) and 1e-5 <= lr <= 1e-1 and c in "abc"
        assert (k is None) == (c != "a") and ("k" in trial.params) == (c == "a")
        assert set(trial.params) >= {"u#index", "lr", "c"}
        seen.add(u)
        study.tell(trial, 0.0)
    assert len(seen) >= 4  # the sampler, not a default, chose them
    assert math.isclose(min(t.params["lr"] for t in study.trials), 1e-5, rel_tol=50)


def test_config_round_trip():
    hp = kt.HyperParameters()
    hp.Choice("kind", ["a", "b"])
    with hp.conditional_scope("kind", "a"):
        hp.Float("x", 0.1, 1.0, step=0.1)
    back = kt.HyperParameters.from_config(hp.get_config())
    assert back.values == hp.values
    assert [h.get_config() for h in back.space] == [h.get_config() for h in hp.space]

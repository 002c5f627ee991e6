"""Every :class:`~dlx.optimizers.Optimizer` argument of Keras 3.15's signatures (``weight_decay``,
``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``) on the 12
classic optimizers, against Keras 3 itself: ``keras_optimizer_side.py`` runs the
``ARGUMENT_CASES`` once on Keras's jax backend; dlx runs the same gradients (on numpy: the
arguments are backend-independent code over ``dlx.ops``, which the conformance suite covers) and
must end with the same variables and the same optimizer slots, in Keras's order."""

from __future__ import annotations

import importlib.util
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import ops
from dlx import optimizers as O

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("dlx_keras_optimizer_side_args", HERE / "keras_optimizer_side.py")
side = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(side)

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None,
                                reason="the Keras comparison needs `keras` and `jax` (test-only dependencies)")


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("keras_opt_args") / "keras.npz"
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_optimizer_side.py"), str(out), "arguments"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(out))


def test_every_argument_matches_keras(keras_results):
    with dlx.backend.use("numpy"):
        for case, (cls_name, kwargs) in side.ARGUMENT_CASES.items():
            vs = [dlx.Variable(v, name=p.split("/")[1], path=p) for (p, _), v in zip(side.VARIABLES,
                                                                                      side.initial_values())]
            opt = side.make(dlx, cls_name, kwargs)
            opt.build(vs)
            for step in side.gradients():
                opt.apply([ops.convert_to_tensor(g) for g in step], vs)
            for i, v in enumerate(vs):
                np.testing.assert_allclose(np.asarray(ops.convert_to_numpy(v.value)), keras_results[f"{case}/var{i}"],
                                           rtol=1e-5, atol=1e-6, err_msg=f"{case}: {v.path}")
            slots = [(k.split("/")[-1], val) for k, val in keras_results.items() if k.startswith(f"{case}/opt/")]
            assert [v.path.split("/")[-1] for v in opt.variables] == [name for name, _ in slots], case
            for v, (name, want) in zip(opt.variables, slots):
                got = np.asarray(ops.convert_to_numpy(v.value)).astype(want.dtype)
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"{case}: {name}")


def test_signatures_and_default_names_are_keras():
    for cls in (O.SGD, O.Adam, O.AdamW, O.Adamax, O.Nadam, O.RMSprop, O.Adagrad, O.Adadelta, O.Ftrl, O.Lamb,
                O.Lion, O.Adafactor):
        params = inspect.signature(cls).parameters
        assert list(params)[-3:] == ["gradient_accumulation_steps", "name", "kwargs"], cls
        assert params["name"].default is None
    assert inspect.signature(O.Optimizer).parameters["learning_rate"].default is inspect.Parameter.empty
    # automatic names as Keras's: snake case, then a counter
    dlx.utils.clear_session()
    assert [O.SGD().name, O.AdamW().name, O.Adam().name, O.Adam().name] == ["sgd", "adam_w", "adam", "adam_1"]
    assert O.Adam(name="mine").get_config()["name"] == "mine"
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        O.Lion(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="clipnorm"):
        O.Ftrl(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(TypeError, match="unknown argument"):
        O.Adagrad(momentum=0.9)

"""KerasTuner's getting-started flow (MNIST-5k CNN, Int/Choice/Float/Boolean search) through
``import dlx_tuner as keras_tuner`` / ``import dlx as keras`` on each framework backend, one
subprocess per backend; the best model reloaded from the store evaluates to the recorded score.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "_getting_started.py")


@pytest.mark.parametrize("backend, module", [("jax", "dlx_jax"), ("torch", "dlx_torch"), ("tf", "dlx_tf")])
def test_getting_started_flow(backend, module, tmp_path):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    env = dict(os.environ, DLX_BACKEND=backend,
               PYTHONPATH=os.pathsep.join([os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src")),
                                           *sys.path]))
    r = subprocess.run([sys.executable, SCRIPT, str(tmp_path), "2", "1", "600"], capture_output=True, text=True,
                       env=env, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    line = next(li for li in r.stdout.splitlines() if li.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    assert result["backend"] == backend
    assert result["trials"] == 2
    assert 0.2 < result["score"] <= 1.0  # one epoch on 600 digits: well above chance (0.1)
    assert result["evaluated"] == pytest.approx(result["score"], abs=1e-6)
    assert set(result["hyperparameters"]) == {"filters", "activation", "units", "dropout", "lr"}
    # the flow's printed reports
    assert "Search space summary" in r.stdout and "Results summary" in r.stdout

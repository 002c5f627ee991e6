"""Result dtypes of dlx's ops against Keras 3's for every input dtype users pass (issue 14's
"every dtype" audit): a sweep of one-tensor ops x input dtypes, Keras run in a subprocess on its
JAX backend (x64 off, so 64-bit inputs are left out), dlx on its JAX backend, both eagerly.

Where Keras raises (``erf`` of an int, ``sigmoid`` of a bool...) dlx may accept the input; the
sweep compares the dtypes where both return. ``KNOWN`` lists the differences still open: the
test fails for one that is no longer a difference, so the list only shrinks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

OPS = ("abs", "negative", "square", "sqrt", "exp", "sign", "round", "trunc", "reciprocal", "erf", "isnan",
       "logical_not", "sum", "mean", "max", "prod", "var", "argmax", "cumsum", "cumprod", "any", "count_nonzero",
       "sort", "argsort", "sigmoid", "relu", "gelu", "softmax", "logsumexp", "tril", "trace", "real", "angle",
       "nan_to_num", "average")
DTYPES = ("bool", "int8", "int16", "int32", "uint8", "uint16", "float16", "bfloat16", "float32")

#: (op, input dtype) -> why dlx still differs from Keras
KNOWN: dict = {}


_PROBE = r"""
import json, os, sys
os.environ["KERAS_BACKEND"] = "jax"
import numpy as np, keras
ops, dts = sys.argv[1].split(), sys.argv[2].split()
x = np.array([[1, 0, 1], [0, 1, 1]], np.float32)
out = {}
for name in ops:
    for dt in dts:
        try:  # eagerly: Keras's symbolic dtype inference disagrees with its own results for some ops
            out[name + "|" + dt] = keras.backend.standardize_dtype(getattr(keras.ops, name)(keras.ops.cast(x, dt)).dtype)
        except Exception as e:
            out[name + "|" + dt] = "error"
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def keras_dtypes():
    pytest.importorskip("keras")
    env = {k: v for k, v in os.environ.items() if k not in ("JAX_ENABLE_X64", "DLX_JAX_ENABLE_X64")}
    p = subprocess.run([sys.executable, "-c", _PROBE, " ".join(OPS), " ".join(DTYPES)], capture_output=True,
                       text=True, timeout=600, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def dlx_dtypes():
    pytest.importorskip("jax")
    import warnings

    import dlx
    from dlx import ops

    out = {}
    x = np.array([[1, 0, 1], [0, 1, 1]], np.float32)
    with dlx.backend.use("jax"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in OPS:
            for dt in DTYPES:
                try:
                    r = getattr(ops, name)(ops.cast(ops.convert_to_tensor(x), dt))
                    out[f"{name}|{dt}"] = dlx.dtypes.standardize(ops.dtype(r))
                except Exception:
                    out[f"{name}|{dt}"] = "error"
    return out


def test_result_dtypes_match_keras(keras_dtypes, dlx_dtypes):
    differ = {}
    for key, want in keras_dtypes.items():
        got = dlx_dtypes[key]
        if want == "error":  # Keras rejects the input; dlx may accept it
            continue
        if got != want:
            differ[tuple(key.split("|"))] = f"dlx {got}, Keras {want}"
    new = {k: v for k, v in differ.items() if k not in KNOWN}
    assert not new, f"result dtypes that differ from Keras's: {new}"
    fixed = sorted(k for k in KNOWN if k not in differ)
    assert not fixed, f"these now match Keras: delete them from KNOWN: {fixed}"

"""The statistics and search ops (``dlx.ops.defs.statistics`` / ``search``) beyond the conformance
suite: agreement with Keras 3 itself, and the error data-dependent shapes give under compilation.

Keras runs in a subprocess (``KERAS_BACKEND=jax``); its results are the independent reference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx import ops
from dlx.backend import registry

from .conftest import BACKENDS

_KERAS_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    from keras import ops
    x = np.array(json.loads(sys.argv[1]), "float32")
    ids = np.array([3, 0, 3, 1, 0, 5, 1], "int32")
    data = np.arange(14, dtype="float32").reshape(7, 2) - 4.5
    u = np.array([3, 1, 1, 7, 2, 3, 3, 9], "int32")
    out = {}
    for m in ("linear", "lower", "higher", "midpoint", "nearest"):
        out["quantile_" + m] = ops.quantile(x, np.array([0.0, 0.3, 0.7, 1.0], "float32"), axis=1, method=m)
    out["percentile"] = ops.percentile(x, 30.0, axis=0)
    out["median"] = ops.median(x, axis=1, keepdims=True)
    out["unique_size"] = ops.unique(u, size=7, fill_value=-1, return_inverse=True, return_counts=True)
    out["unique_size_default"] = ops.unique(u, size=6)
    out["unique"] = ops.unique(u, return_index=True, return_counts=True)
    for name in ("sum", "max", "min", "prod"):
        out["segment_" + name] = getattr(ops, "segment_" + name)(data, ids, num_segments=7)
    out["histogram"] = ops.histogram(x.ravel(), bins=5)
    out["histogram_range"] = ops.histogram(x.ravel(), bins=4, range=(-1.0, 1.0))
    for mode in ("valid", "same", "full"):
        out["correlate_" + mode] = ops.correlate(x[0], x[1, :3], mode=mode)
    def plain(v):
        if isinstance(v, (tuple, list)):
            return [plain(t) for t in v]
        a = np.asarray(v)
        return {"dtype": str(a.dtype), "value": np.where(np.isinf(a), np.sign(a) * 1e300, a).tolist()}
    print(json.dumps({k: plain(v) for k, v in out.items()}))
""")

# the q * (n - 1) positions avoid exact halves (where JAX's 'nearest' rounds differently from
# NumPy's half-to-even, which dlx follows), and every value is distinct
_X = (np.arange(30, dtype=np.float64).reshape(3, 10) * 0.37 % 2.1 - 1.0).round(3)


def _dlx_results(x):
    ids = np.array([3, 0, 3, 1, 0, 5, 1], np.int32)
    data = np.arange(14, dtype=np.float32).reshape(7, 2) - 4.5
    u = np.array([3, 1, 1, 7, 2, 3, 3, 9], np.int32)
    out = {}
    for m in ("linear", "lower", "higher", "midpoint", "nearest"):
        out["quantile_" + m] = ops.quantile(x, np.array([0.0, 0.3, 0.7, 1.0], np.float32), axis=1, method=m)
    out["percentile"] = ops.percentile(x, 30.0, axis=0)
    out["median"] = ops.median(x, axis=1, keepdims=True)
    out["unique_size"] = ops.unique(u, size=7, fill_value=-1, return_inverse=True, return_counts=True)
    out["unique_size_default"] = ops.unique(u, size=6)
    out["unique"] = ops.unique(u, return_index=True, return_counts=True)
    for name in ("sum", "max", "min", "prod"):
        out["segment_" + name] = getattr(ops, "segment_" + name)(data, ids, num_segments=7)
    flat = ops.reshape(x, (-1,))
    out["histogram"] = ops.histogram(flat, bins=5)
    out["histogram_range"] = ops.histogram(flat, bins=4, range=(-1.0, 1.0))
    for mode in ("valid", "same", "full"):
        out["correlate_" + mode] = ops.correlate(x[0], x[1, :3], mode=mode)
    return out


@pytest.fixture(scope="module")
def keras_results():
    pytest.importorskip("keras")
    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    env.pop("PYTHONPATH", None)  # Keras and its JAX, not this tree
    proc = subprocess.run([sys.executable, "-c", _KERAS_SCRIPT, json.dumps(_X.astype(np.float32).tolist())],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _leaves(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


@pytest.mark.parametrize("backend_name", [b for b in ("numpy", "jax", "torch", "tf") if b in BACKENDS])
def test_matches_keras(keras_results, backend_name):
    with dlx.backend.use(backend_name) as b:
        ours = _dlx_results(b.convert_to_tensor(_X.astype(np.float32)))
        for key, want in keras_results.items():
            got = [np.asarray(b.to_numpy(t)) for t in _leaves(ours[key])]
            want = want if isinstance(want, list) else [want]
            assert len(got) == len(want), key
            for i, (g, w) in enumerate(zip(got, want)):
                wv = np.asarray(w["value"], dtype=np.float64)
                wv = np.where(np.abs(wv) >= 1e300, np.copysign(np.inf, wv), wv)
                assert str(g.dtype) == w["dtype"], f"{key}[{i}]: dtype {g.dtype}, Keras {w['dtype']}"
                np.testing.assert_allclose(g.astype(np.float64), wv, rtol=2e-6, atol=2e-6, err_msg=f"{key}[{i}]")


# ------------------------------------------------------------------------- compiled functions
_DATA_DEPENDENT = [
    ("unique", lambda x: ops.unique(x), "size="),
    ("nonzero", lambda x: ops.nonzero(x), "compiled function"),
    ("segment_sum", lambda x: ops.segment_sum(x, ops.cast(x, "int32")), "num_segments="),
]


@pytest.mark.parametrize("backend_name", [b for b in ("jax", "tf") if b in BACKENDS])
@pytest.mark.parametrize(("op", "fn", "hint"), _DATA_DEPENDENT, ids=[o for o, _, _ in _DATA_DEPENDENT])
def test_data_dependent_shape_raises_when_compiled(backend_name, op, fn, hint):
    b = registry.get(backend_name)
    with dlx.backend.use(b):
        x = b.convert_to_tensor(np.array([2.0, 0.0, 1.0, 2.0], np.float32))
        eager = fn(x)  # eagerly fine
        assert eager is not None
        compiled = b.compile(fn)
        with pytest.raises(ValueError, match=rf"(?s){op}: its output shape depends on the values.*{hint}"):
            compiled(x)


@pytest.mark.parametrize("backend_name", [b for b in ("jax", "tf") if b in BACKENDS])
def test_static_arguments_compile(backend_name):
    """``unique(size=)`` and ``segment_*(num_segments=)`` have static shapes: they compile."""
    b = registry.get(backend_name)
    with dlx.backend.use(b):
        x = b.convert_to_tensor(np.array([3, 1, 1, 7], np.int32))

        def f(v):
            return ops.unique(v, size=5, fill_value=0), ops.segment_max(ops.cast(v, "float32"), v, num_segments=8)

        values, seg = b.compile(f)(x)
        np.testing.assert_array_equal(b.to_numpy(values), [1, 3, 7, 0, 0])
        want = np.full(8, -np.inf, np.float32)
        want[[1, 3, 7]] = [1, 3, 7]
        np.testing.assert_array_equal(b.to_numpy(seg), want)


# ------------------------------------------------------------------------- argument errors
def test_bad_arguments_name_the_argument(numpy_backend):
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match="quantile: method='cubic'"):
        ops.quantile(x, 0.5, method="cubic")
    with pytest.raises(ValueError, match=r"quantile: q=1.5"):
        ops.quantile(x, 1.5)
    with pytest.raises(ValueError, match="bincount: sparse=True"):
        ops.bincount(np.array([1, 2]), sparse=True)
    with pytest.raises(ValueError, match="segment_sum: sorted=True but segment_ids are not sorted"):
        ops.segment_sum(np.ones(3), np.array([1, 0, 2]), num_segments=3, sorted=True)
    with pytest.raises(ValueError, match="correlate: mode='wide'"):
        ops.correlate(np.ones(3), np.ones(2), mode="wide")
    with pytest.raises(ValueError, match="histogram: x has shape"):
        ops.histogram(x)

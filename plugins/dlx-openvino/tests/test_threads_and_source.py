"""OpenVINO: tracing is per thread (another thread's eager ops never land in a graph being
compiled), and the generated kernel wrappers are real source (linecache)."""

from __future__ import annotations

import inspect
import threading
import traceback

import numpy as np
import pytest

import dlx
from dlx import ops


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("openvino")


def test_eager_ops_in_another_thread_are_not_traced_into_a_compiling_graph(backend):
    tracing, eager_done = threading.Event(), threading.Event()
    errors: list = []
    eager_results: list = []
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    w = np.arange(12, dtype=np.float32).reshape(3, 4) / 10

    def body(x, w):
        y = ops.matmul(x, w)
        tracing.set()  # the trace is in progress: let the other thread run eager ops now
        if not eager_done.wait(60):
            raise TimeoutError("the eager thread did not finish")
        return ops.tanh(ops.add(y, 1.0))

    def compile_and_run():
        try:
            with dlx.backend.use(backend):
                fn = backend.compile(body)
                compiled.append(fn(x, w))
        except BaseException as e:  # reported by the main thread
            errors.append(e)
            tracing.set()

    def eager():
        try:
            if not tracing.wait(60):
                raise TimeoutError("the compiling thread did not start tracing")
            with dlx.backend.use(backend):
                for i in range(5):
                    a = np.full((2, 2), float(i), np.float32)
                    eager_results.append((i, ops.multiply(ops.add(a, 2.0), a)))
        except BaseException as e:
            errors.append(e)
        finally:
            eager_done.set()

    compiled: list = []
    threads = [threading.Thread(target=compile_and_run), threading.Thread(target=eager)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for i, got in eager_results:
        assert type(got) is np.ndarray  # computed eagerly, not an OVTensor of the other thread's graph
        np.testing.assert_allclose(got, np.full((2, 2), (i + 2.0) * i))
    assert len(eager_results) == 5
    (out,) = compiled
    want = np.tanh(x.astype(np.float64) @ w.astype(np.float64) + 1)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_kernel_wrappers_have_source_and_show_their_line_in_tracebacks(backend):
    kernel = backend.native_kernels()["add"]
    source = inspect.getsource(kernel)
    assert source.startswith("def add(x1, x2):") and "_ok.make(_key, _args, _vals)" in source
    assert kernel.builder is __import__("dlx_openvino.kernels.elementwise", fromlist=["KERNELS"]).KERNELS["add"]
    with pytest.raises(ValueError, match="not a dtype dlx knows") as info:
        kernel(np.array(["a", "b"]), 1.0)  # strings: the model cannot be built
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename == "<dlx_openvino kernel add>"]
    assert frames and frames[0].line == "_r = _ok.make(_key, _args, _vals)"

"""Discovery and selection: env var, config file, set_backend, use(), errors, third-party plugins."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx.backend import BackendError, registry
from dlx.ops.spec import REGISTRY

FRAMEWORKS = ("jax", "torch", "tensorflow", "openvino")


def run_py(code, env=None, cwd=None):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DLX_BACKEND", None) if env is None or "DLX_BACKEND" not in env else None
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_import_dlx_and_listing_backends_import_no_framework():
    r = run_py(f"""
        import sys, dlx
        dlx.backend.records()
        import dlx.ops
        print([m for m in {FRAMEWORKS!r} if m in sys.modules])
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_layers_built_on_another_backend_import_no_other_framework():
    """The torch ``nn.Module`` mixin is named by torch's record and imported only for layers
    built while torch is active: a model built under ``use("numpy")``, or before any backend
    is selected with another default, imports no torch."""
    r = run_py(f"""
        import sys, numpy as np, dlx
        from dlx import layers
        with dlx.backend.use("numpy"):
            m = dlx.Sequential([dlx.Input((3,)), layers.Dense(2)])
            m.predict(np.ones((1, 3), "float32"), verbose=0)
        print([f for f in {FRAMEWORKS!r} if f in sys.modules], type(m).__mro__[1].__name__)
    """, env={**os.environ, "DLX_BACKEND": "torch"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("]")[0] + "]" == "[]"
    r = run_py("""
        import sys, dlx
        from dlx import layers
        d = layers.Dense(2)  # default torch, not selected yet: the mixin module alone is imported
        import torch
        print(isinstance(d, torch.nn.Module), "dlx_torch.backend" in sys.modules)
    """, env={**os.environ, "DLX_BACKEND": "torch"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "False"]


def test_import_dlx_is_lazy():
    """``import dlx`` loads no op registry, no backend and no plugin (what keeps it cheap; the
    time itself is measured by bench/fit_predict.py, not here); the first op loads them."""
    r = run_py("""
        import sys, numpy as np, dlx
        heavy = ("dlx.ops", "dlx.backend", "dlx.plugins", "dlx.layers", "dlx.trainers", "pluggy")
        print([m for m in heavy if m in sys.modules])
        np.asarray(dlx.ops.add(np.ones(2), 1.0))
        print([m for m in heavy[:3] if m not in sys.modules])
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["[]", "[]"]


def test_env_var_selects_and_info_explains(tmp_path):
    r = run_py("import dlx; print(dlx.config.backend())", env={"DLX_BACKEND": "numpy", "DLX_HOME": str(tmp_path)})
    assert r.stdout.strip() == "numpy", r.stderr
    r = subprocess.run([sys.executable, "-m", "dlx", "info"], capture_output=True, text=True,
                       env={**os.environ, "DLX_BACKEND": "numpy"}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "active backend: numpy (DLX_BACKEND environment variable)" in r.stdout
    assert "numpy" in r.stdout and "capabilities:" in r.stdout


def test_config_file_selects(tmp_path):
    (tmp_path / "dlx.json").write_text(json.dumps({"backend": "numpy"}))
    env = {"DLX_HOME": str(tmp_path)}
    r = run_py("from dlx.backend import registry; print(registry.select_default())", env=env)
    assert "'numpy'" in r.stdout and "dlx.json" in r.stdout, r.stderr


def test_bad_config_file_is_a_clear_error(tmp_path):
    (tmp_path / "dlx.json").write_text("{not json")
    r = run_py("import dlx; dlx.config.backend()", env={"DLX_HOME": str(tmp_path)})
    assert r.returncode != 0 and "dlx.json: not valid JSON" in r.stderr


def test_unknown_backend_lists_installed():
    with pytest.raises(BackendError, match=r"unknown backend 'nope'; installed: .*numpy"):
        dlx.backend.get("nope")
    with pytest.raises(BackendError, match="unknown backend"):
        dlx.config.set_backend("nope")


def test_use_scopes_per_thread_and_nests():
    import threading

    with dlx.backend.use("numpy") as b:
        assert dlx.backend.current() is b
        seen = []
        t = threading.Thread(target=lambda: seen.append(registry.STATE.backend))
        t.start()
        t.join()
        assert seen == [registry.PROCESS_DEFAULT[0]]  # a new thread follows the process default, not this scope
        with dlx.backend.use(b):
            assert dlx.backend.name() == "numpy"


def test_set_backend_is_seen_by_every_thread_and_use_stays_per_thread(monkeypatch):
    import threading

    from dlx.backend.contract import Backend

    class Marked(NumpyArrays):
        """NumPy kernels whose ``add`` says which backend ran it."""

        def native_kernels(self):
            return {**{n: s.reference for n, s in REGISTRY.items()}, "add": lambda x1, x2: self.name}

    first, second = type("First", (Marked,), {"name": "first"})(), type("Second", (Marked,), {"name": "second"})()
    results, go, done = {}, threading.Event(), threading.Event()

    def worker():
        results["before"] = dlx.ops.add(1.0, 1.0)
        go.wait(30)
        results["after"] = dlx.ops.add(1.0, 1.0)
        with dlx.backend.use("numpy"):
            results["scoped"] = float(dlx.ops.add(1.0, 1.0))
        done.set()

    saved = dict(registry._INSTANCES)
    try:
        registry._INSTANCES.update(first=first, second=second)
        recs = registry.records()
        for b in (first, second):
            recs.setdefault(b.name, dlx.plugins.BackendRecord(name=b.name, target="x:y"))
        monkeypatch.setattr(registry.manager, "backend_records", lambda: recs)
        dlx.config.set_backend("first")
        t = threading.Thread(target=worker)
        t.start()
        while "before" not in results and t.is_alive():
            t.join(0.01)
        with dlx.backend.use("numpy"):  # the main thread's scope does not leak into the worker
            dlx.config.set_backend("second")
            assert float(dlx.ops.add(1.0, 1.0)) == 2.0
            go.set()
            done.wait(30)
        t.join(30)
        assert results == {"before": "first", "after": "second", "scoped": 2.0}
        assert dlx.ops.add(1.0, 1.0) == "second" and isinstance(first, Backend)
    finally:
        registry._INSTANCES.clear()
        registry._INSTANCES.update(saved)
        dlx.config.set_backend(None)


def test_set_backend_is_explicit_and_reversible():
    try:
        dlx.config.set_backend("numpy")
        assert registry.select_default() == ("numpy", "set by dlx.config.set_backend()")
        assert dlx.config.backend() == "numpy"
        np.testing.assert_array_equal(dlx.ops.add(np.ones(2, np.float32), 1.0), [2, 2])
    finally:
        dlx.config.set_backend(None)


THIRD_PARTY = '''
import numpy as np
from dlx.backend import Backend, Capabilities
from dlx.ops.spec import REGISTRY
from dlx.plugins import BackendRecord, hookimpl


class ThirdBackend(Backend):
    """A third-party backend: NumPy kernels, inference only, written outside core."""
    name = "third"
    spec_version = 2
    capabilities = Capabilities(training=False, reasons={"training": "toy backend without autodiff"})
    BROKEN = None

    def native_kernels(self):
        table = {n: s.reference for n, s in REGISTRY.items()}
        table["add"] = lambda x1, x2: np.add(x1, x2)  # NumPy 2 keeps Python scalars weak
        if self.BROKEN == "sign":
            table["negative"] = lambda x: np.asarray(x)
        return table

    def convert_to_tensor(self, x, dtype=None):
        return np.asarray(x) if dtype is None else np.asarray(x, dtype)

    def to_numpy(self, x):
        return np.asarray(x)

    def is_tensor(self, x):
        return isinstance(x, np.ndarray)


class BrokenSign(ThirdBackend):
    name = "third_broken"
    BROKEN = "sign"


@hookimpl
def dlx_backends():
    return [BackendRecord(name="third", target="third_backend:ThirdBackend", priority=-1),
            BackendRecord(name="third_broken", target="third_backend:BrokenSign", priority=-1)]
'''


@pytest.fixture
def third_party_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "third_backend.py").write_text(THIRD_PARTY)
    dist = site / "third_backend-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: third-backend\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[dlx]\nthird = third_backend\n")
    (site / "broken_plugin.py").write_text("raise ImportError('this plugin is broken on purpose')\n")
    dist2 = site / "broken_plugin-0.1.dist-info"
    dist2.mkdir()
    (dist2 / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (dist2 / "entry_points.txt").write_text("[dlx]\nbroken = broken_plugin\n")
    return site


def test_third_party_backend_is_discovered_selected_and_measured(third_party_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(third_party_site), "DLX_BACKEND": "third", "PYTHONWARNINGS": "ignore"}
    r = subprocess.run([sys.executable, "-m", "dlx", "info"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "active backend: third (DLX_BACKEND environment variable)" in r.stdout
    assert "broken plugin broken: ImportError: this plugin is broken on purpose" in r.stdout
    report = tmp_path / "report"
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "third", "--report", str(report), "-k",
                        "add or negative or exp or conv"], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:]
    data = json.loads((report / "report.json").read_text())
    assert data["totals"]["failed"] == 0 and data["totals"]["passed"] > 20
    assert any("toy backend without autodiff" in row.get("skip_reason", "") for row in data["rows"])
    r = subprocess.run([sys.executable, "-m", "dlx_conformance", "third_broken", "-k", "negative"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 1 and "test_value[negative-normal-float32]" in r.stdout


def test_broken_plugin_is_skipped_with_warning_and_explicit_selection_chains(third_party_site):
    r = run_py("""
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            import dlx
            names = sorted(dlx.backend.records())
        print(names, [str(x.message) for x in w])
        try:
            dlx.backend.get("broken")
        except Exception as e:
            print("ERR", type(e).__name__, e, "| cause:", repr(e.__cause__))
    """, env={"PYTHONPATH": str(third_party_site)})
    assert r.returncode == 0, r.stderr
    assert "'third'" in r.stdout and "plugin 'broken'" in r.stdout and "failed to load and is skipped" in r.stdout
    assert "ERR BackendError backend 'broken' is installed but its plugin failed to load" in r.stdout
    assert "cause: ImportError('this plugin is broken on purpose')" in r.stdout


class NumpyArrays(dlx.backend.Backend):
    """Tensor plumbing of a test backend whose tensors are NumPy arrays."""

    spec_version = 2
    capabilities = dlx.backend.Capabilities(training=False)

    def convert_to_tensor(self, x, dtype=None):
        return np.asarray(x, dtype)

    def to_numpy(self, x):
        return np.asarray(x)

    def is_tensor(self, x):
        return isinstance(x, np.ndarray)


def test_backend_contract_names_what_a_class_lacks():
    from dlx.backend.contract import check_class

    class Bare(dlx.backend.Backend):
        capabilities = dlx.backend.Capabilities(training=True)

        def native_kernels(self):
            return {}

    problems = "\n".join(check_class(Bare))
    assert "'name'" in problems
    assert "'spec_version'" in problems and "core's is 2" in problems
    assert "abstract methods not implemented: convert_to_tensor, is_tensor, to_numpy" in problems
    assert "capabilities.training is True but value_and_grad is not implemented" in problems
    with pytest.raises(TypeError, match="abstract"):
        Bare()

    class TooNew(NumpyArrays):
        name = "too_new"
        spec_version = 99

        def native_kernels(self):
            return {}

    assert check_class(TooNew) == ["spec_version=99 is outside the versions this dlx knows (1..2)"]
    assert check_class(NumpyArrays) == ["class attribute 'name' (the backend's name) is not set",
                                        "abstract methods not implemented: native_kernels"]
    with pytest.raises(BackendError, match="cannot differentiate"):
        NumpyArrays.value_and_grad(TooNew(), lambda x: x)


def test_a_backend_with_ten_kernels_runs_every_op_and_reports_its_fallbacks(recwarn):
    """Incremental bring-up: ten native kernels, the rest from decompositions or the NumPy
    reference; each fallback warns once and is counted; compiled contexts refuse fallbacks."""
    from dlx.backend.contract import ReferenceFallbackWarning

    ten = ("add", "subtract", "multiply", "divide", "matmul", "exp", "log", "sum", "maximum", "where")

    class Ten(NumpyArrays):
        name = "ten"
        compiling = False

        def native_kernels(self):
            return {n: REGISTRY[n].reference for n in ten}

        def in_compiled_context(self):
            return self.compiling

    backend = Ten()
    sources = backend.op_table and backend.op_sources
    assert sorted(n for n, v in sources.items() if v == "native") == sorted(ten)
    assert sources["dense"] == "decomposition" and sources["softmax"] == "reference"
    info = backend.info()
    assert info["ops"]["native"] == 10 and info["ops"]["reference"] == len(info["reference_fallbacks"]) > 100
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    with dlx.backend.use(backend):
        with pytest.warns(ReferenceFallbackWarning, match="op 'softmax' has no kernel on backend 'ten'"):
            y = dlx.ops.softmax(x)
        e = np.exp(x.astype(np.float64) - 3)
        np.testing.assert_allclose(y, e / e.sum(), rtol=1e-6)
        recwarn.clear()
        dlx.ops.softmax(x)  # once per op
        assert not [w for w in recwarn if w.category is ReferenceFallbackWarning]
        backend.compiling = True
        with pytest.raises(BackendError, match="op 'softmax' has no kernel on backend 'ten' and its NumPy "
                                               "reference fallback cannot run inside a compiled function"):
            dlx.ops.softmax(x)


def test_op_table_validation_lists_every_problem():
    class Bad(NumpyArrays):
        name = "bad"

        def native_kernels(self):
            return {"exp": lambda y: y, "not_an_op": lambda x: x}

    with pytest.raises(BackendError) as e:
        _ = Bad().op_table
    msg = str(e.value)
    assert "kernel 'exp' takes (y); the spec says (x)" in msg
    assert "kernel 'not_an_op' names no registered op" in msg
    # missing kernels are not problems: decompositions and reference fallbacks fill the gaps
    assert "op 'log'" not in msg and "op 'conv'" not in msg


def test_older_backend_runs_newer_ops_through_their_decompositions():
    """A backend written against op-spec v1 keeps working when the spec grows: v2 ops with a
    decomposition (dense, adam_update) run on its v1 kernels; a newer op without one runs through
    the NumPy reference, with a warning."""
    from dlx import ops
    from dlx.backend.contract import ReferenceFallbackWarning
    from dlx.backends.numpy.backend import NumpyBackend
    from dlx.ops import spec as spec_module
    from dlx.ops import tolerance as T

    v1 = {n: k for n, k in NumpyBackend().native_kernels().items() if spec_module.REGISTRY[n].since <= 1}

    class V1(NumpyArrays):
        name = "v1"
        spec_version = 1

        def native_kernels(self):
            return v1

    @spec_module.op("numpy", T.E0, name="_test_v3_only", since=3)
    def _test_v3_only(x):
        return x

    try:
        backend = V1()
        table = backend.op_table
        assert "dense" not in v1 and table["dense"] is spec_module.REGISTRY["dense"].decomposition
        rng = np.random.default_rng(0)
        x, k, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
        with dlx.backend.use(backend):
            np.testing.assert_allclose(ops.dense(x, k, b), x @ k + b, rtol=1e-12)
            var, m, v = ops.adam_update(np.ones(3), np.full(3, 0.5), np.zeros(3), np.zeros(3), np.float64(0.1))
            np.testing.assert_allclose(m, 0.05)
            np.testing.assert_allclose(v, 0.00025)
            np.testing.assert_allclose(var, 1 - 0.05 * 0.1 / (np.sqrt(0.00025) + 1e-7))
            with pytest.warns(ReferenceFallbackWarning, match=r"'_test_v3_only' has no kernel on backend 'v1'"):
                np.testing.assert_array_equal(table["_test_v3_only"](x), x)
            assert backend.op_sources["_test_v3_only"] == "reference"
    finally:
        del spec_module.REGISTRY["_test_v3_only"]


def test_loading_restores_the_garbage_collector_state():
    r = run_py("""
        import gc, numpy as np, dlx
        np.asarray(dlx.ops.add(np.ones(2), 1.0))  # loads dlx.ops and the default backend
        a = gc.isenabled()
        gc.disable()
        dlx.layers, dlx.backend.get("numpy")
        print(a, gc.isenabled())
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "False"]


def test_loading_a_backend_freezes_the_heap_the_load_left_and_cycles_made_later_are_collected():
    # The collector's generations hold only what was allocated after the load; the import-time
    # heap sits in the permanent generation, so the first op's collections do not walk it.
    r = run_py("""
        import gc, weakref, numpy as np, dlx
        assert gc.get_freeze_count() == 0
        np.asarray(dlx.ops.add(np.ones(2), 1.0))  # loads dlx.ops and the default backend
        frozen = gc.get_freeze_count()
        walked = sum(len(gc.get_objects(generation=g)) for g in range(3))
        class Node:
            pass
        n = Node(); n.me = n; ref = weakref.ref(n); del n
        gc.collect()
        print(frozen, walked, ref() is None, gc.isenabled())
    """, env={"DLX_BACKEND": "numpy"})
    assert r.returncode == 0, r.stderr
    frozen, walked, collected, enabled = r.stdout.split()
    assert int(frozen) > 10 * int(walked), (frozen, walked)
    assert (collected, enabled) == ("True", "True")

"""The public op functions are real, checked-in source (dlx.ops.op_functions)."""

import inspect
import traceback

import numpy as np
import pytest

import dlx
from dlx.ops import codegen, spec


def test_generated_module_is_current():
    assert codegen.TARGET.read_text() == codegen.render(), "run: python -m dlx.ops.codegen"


def test_op_functions_have_a_real_file_signature_and_spec():
    path = inspect.getsourcefile(dlx.ops.add)
    assert path == str(codegen.TARGET)
    assert "def add(x1, x2):" in inspect.getsource(dlx.ops.add)
    assert str(inspect.signature(dlx.ops.sum)) == "(x, axis=None, keepdims=False)"
    assert dlx.ops.sum.spec is spec.REGISTRY["sum"]
    assert dlx.ops.add.__module__ == "dlx.ops.op_functions"


def test_an_error_inside_an_op_shows_its_file_and_line():
    with pytest.raises(ValueError) as e:
        dlx.ops.sum(np.ones(3), axis=5)
    frames = traceback.extract_tb(e.value.__traceback__)
    op_frame = next(f for f in frames if f.name == "sum")
    assert op_frame.filename == str(codegen.TARGET)
    assert op_frame.line.startswith("_check_axis('sum', 'axis', axis")


def test_ops_registered_later_are_compiled_with_linecache_source():
    from dlx.ops import tolerance as T

    @spec.op("numpy", T.E0, name="_test_late_negate")
    def _late(x):
        if np.any(np.asarray(x) > 1e9):
            raise OverflowError("too big")
        return -x

    try:
        fn = dlx.ops._test_late_negate
        assert "def _test_late_negate(x):" in inspect.getsource(fn)
        with dlx.backend.use("numpy"):
            np.testing.assert_array_equal(fn(np.ones(2)), -np.ones(2))
    finally:
        del spec.REGISTRY["_test_late_negate"]
        dlx.ops.__dict__.pop("_test_late_negate", None)


def test_generated_source_calls_no_name_an_op_shadows():
    """Op names (``any``, ``abs``, ``sum``...) shadow builtins inside the generated module: its
    code may call only the runtime helpers and builtins no op is named after."""
    import ast

    called = {node.func.id for node in ast.walk(ast.parse(codegen.TARGET.read_text()))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert called, "the module calls nothing?"
    assert not called & set(spec.REGISTRY), called & set(spec.REGISTRY)

"""The op registry reads plain functions' parameters from their code objects and builds each
spec's Signature and docstring on first read: the results must be exactly inspect's."""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pytest

from dlx import ops
from dlx.ops import tolerance as T
from dlx.ops.spec import REGISTRY, OpSpec, op, param_names


def _plain(a, b, c=1, *args, d, e=2, **kw):
    return a


def _posonly(a, /, b, c=3, *, d=4):
    return a


def _no_params():
    return 0


@functools.wraps(_posonly)
def _wrapped(*args, **kwargs):
    return _posonly(*args, **kwargs)


def _with_signature(x, y):
    return x


_with_signature.__signature__ = inspect.Signature([inspect.Parameter("only", inspect.Parameter.POSITIONAL_ONLY)])


class _Callable:
    def __call__(self, x, *, scale=1.0):
        return x


@pytest.mark.parametrize("fn", [_plain, _posonly, _no_params, _wrapped, _with_signature, _Callable(),
                                functools.partial(_plain, 1), np.add, lambda x, *rest: x],
                         ids=lambda f: getattr(f, "__name__", type(f).__name__))
def test_param_names_are_inspects(fn):
    assert param_names(fn) == tuple(inspect.signature(fn).parameters)


def test_every_registered_spec_matches_inspect():
    assert len(REGISTRY) > 300
    for name, spec in REGISTRY.items():
        sig = inspect.signature(spec.reference)
        assert spec.params == tuple(sig.parameters), name
        assert spec.signature == sig, name
        assert spec.doc == (inspect.getdoc(spec.reference) or ""), name


def test_default_tensors_are_the_positional_parameters_without_defaults():
    @op("numpy", T.E0, name="_test_spec_params_op", tensor_lists=("ys",))
    def _f(x, ys, w=None, *, axis=0):
        """First line.

            Indented second line."""
        return x

    try:
        spec = REGISTRY["_test_spec_params_op"]
        assert spec.tensors == ("x",) and spec.tensor_lists == ("ys",)
        assert spec.params == ("x", "ys", "w", "axis")
        assert spec.doc == "First line.\n\nIndented second line."  # cleaned as inspect.getdoc does
        assert str(spec.signature) == "(x, ys, w=None, *, axis=0)"
    finally:
        del REGISTRY["_test_spec_params_op"]


def test_unknown_tensor_parameter_is_rejected_with_the_signature():
    with pytest.raises(ValueError, match=r"tensor parameters \['y'\] are not in \(x, k=1\)"):
        @op("numpy", T.E0, name="_test_spec_params_bad", tensors=("y",))
        def _g(x, k=1):
            return x
    assert "_test_spec_params_bad" not in REGISTRY


def test_an_explicit_signature_and_doc_are_kept():
    sig = inspect.Signature([inspect.Parameter("z", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    spec = OpSpec(name="s", group="numpy", reference=_plain, signature=sig, tensors=("z",), tensor_lists=(),
                  tolerance=T.E0, cases=(), doc="given")
    assert spec.signature is sig and spec.params == ("z",) and spec.doc == "given"


def test_get_spec_signature_is_the_public_functions():
    assert tuple(inspect.signature(ops.sum).parameters) == ops.get_spec("sum").params

"""A lean call path for ``tf.function``: one concrete function per input signature, called with
its flat tensor list.

``tf.function.__call__`` spends ~15-20 us *per argument* matching the call against its traced
signatures (trace types, subtype checks): a train step that takes the model, optimizer and
metric state as ~30 tensors pays ~0.5 ms per call in Python before any kernel runs. Here the
signature is a plain tuple of (shape, dtype) per tensor leaf and the values of the other leaves;
a known signature goes straight to the concrete function's flat call (a private TF API: see
:mod:`dlx_tf._internals`; with it off every call takes the public path). A ``tf.Variable`` leaf is
keyed by its shape and dtype (``tf.function`` traces variables by their spec, not their identity)
and passed as its resource handle: the function reads it when it runs. The first call of every
signature goes through the public API, and the fast path is only enabled for it if the concrete
function's inputs line up with our flattening (count, dtypes and shapes) -- anything unexpected
keeps the public path.
"""

from __future__ import annotations

import functools

import numpy as np

from dlx import tree_util as tree
from dlx_tf import _internals
from dlx_tf._core import host_tensor, tf

_EAGER = _internals.EAGER_TENSOR
_shape_tuple = _internals.shape_tuple
_VARIABLE = _internals.RESOURCE_VARIABLE
_MAX_SIGNATURES = 64


def _leaf_key(x):
    if type(x) is _EAGER:
        return (_shape_tuple(x), x.dtype)
    if isinstance(x, np.ndarray):
        return ("np", x.shape, x.dtype.str)
    if type(x) is _VARIABLE:
        return ("var", x.shape, x.dtype)
    if isinstance(x, (tf.Tensor, tf.Variable)):  # other tensor types: no fast path for this call
        raise TypeError
    return (type(x), x)  # Python values are static in tf.function: part of the signature


def _is_tensor_input(x) -> bool:
    return type(x) is _EAGER or isinstance(x, np.ndarray) or type(x) is _VARIABLE


def _flat_input(x):
    return x.handle if type(x) is _VARIABLE else host_tensor(x)


class FastFunction:
    """Calls ``function`` (a ``tf.function``) through per-signature concrete functions."""

    def __init__(self, function):
        self.function = function
        self._concrete: dict = {}  # signature -> (concrete function, captured inputs) or None (public path)
        functools.update_wrapper(self, function.python_function if hasattr(function, "python_function")
                                 else function)

    def __call__(self, *args, **kwargs):
        if kwargs:
            return self.function(*args, **kwargs)
        leaves, td = tree.flatten(args)
        try:
            key = (td, tuple(map(_leaf_key, leaves)))
            entry = self._concrete.get(key, False)
        except TypeError:  # an unhashable static value or an unusual tensor type
            return self.function(*args)
        if entry:
            call, captured = entry
            flat = [x if type(x) is _EAGER else _flat_input(x) for x in leaves if _is_tensor_input(x)]
            return call(flat, captured)
        if entry is None or len(self._concrete) >= _MAX_SIGNATURES:
            return self.function(*args)
        result = self.function(*args)  # traces (or reuses a trace) through the public path
        self._concrete[key] = self._lookup(args, leaves)
        return result

    def _lookup(self, args, leaves):
        try:
            concrete = self.function.get_concrete_function(*args)
            call = _internals.flat_caller(concrete)
            if call is None:
                return None
            captured = list(concrete.captured_inputs)
            n = len(concrete.inputs) - len(captured)
            flat = [x for x in leaves if _is_tensor_input(x)]
            if n != len(flat):
                return None
            for spec, x in zip(concrete.inputs[:n], flat):
                if type(x) is _VARIABLE:  # a resource input
                    if spec.dtype != tf.resource:
                        return None
                    continue
                dt = tf.as_dtype(x.dtype)
                if spec.dtype != dt or not spec.shape.is_compatible_with(x.shape):
                    return None
            return call, captured
        except Exception:
            return None

    def get_concrete_function(self, *args, **kwargs):
        return self.function.get_concrete_function(*args, **kwargs)

    def __getattr__(self, name):  # experimental_get_compiler_ir, python_function, ...
        return getattr(self.function, name)

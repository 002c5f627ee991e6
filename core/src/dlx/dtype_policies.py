"""dtype policies: the dtype a layer computes in and the dtype its variables are stored in.

``"float32"`` (the default) computes and stores in float32. ``"mixed_float16"`` and
``"mixed_bfloat16"`` compute in 16 bits and keep float32 variables (read through an autocast to
the compute dtype inside the layer's call).

>>> p = DTypePolicy("mixed_bfloat16")
>>> p.compute_dtype, p.variable_dtype
('bfloat16', 'float32')
"""

from __future__ import annotations

from dlx import dtypes as _dtypes
from dlx import serialization as _serialization


class DTypePolicy:
    """A named dtype policy.

    Arguments:
        name: ``"mixed_float16"``, ``"mixed_bfloat16"`` or a dtype name (``"float32"``,
            ``"float16"``, ``"bfloat16"``, ``"float64"``, ...). ``None``: ``floatx()``.
    """

    def __init__(self, name: str | None = None):
        if name is None:
            name = _dtypes.floatx()
        if isinstance(name, DTypePolicy):
            name = name.name
        if not isinstance(name, str):
            name = _dtypes.standardize(name)
        if name == "mixed_float16":
            compute, variable = "float16", "float32"
        elif name == "mixed_bfloat16":
            compute, variable = "bfloat16", "float32"
        else:
            try:
                compute = variable = _dtypes.standardize(name)
            except ValueError:
                raise ValueError(f"DTypePolicy: name={name!r} is not a dtype or a mixed policy; expected "
                                 "'mixed_float16', 'mixed_bfloat16' or a dtype such as 'float32'") from None
            name = compute
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._variable_dtype

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy

_GLOBAL_POLICY: DTypePolicy | None = None


def set_dtype_policy(policy) -> None:
    """Sets the default policy of new layers (``None`` resets to ``floatx()``)."""
    global _GLOBAL_POLICY
    _GLOBAL_POLICY = None if policy is None else get(policy)


set_global_policy = set_dtype_policy


def dtype_policy() -> DTypePolicy:
    """The default policy of new layers."""
    return _GLOBAL_POLICY if _GLOBAL_POLICY is not None else DTypePolicy(_dtypes.floatx())


global_policy = dtype_policy


def get(identifier) -> DTypePolicy:
    """A policy from a name, a policy, a serialized policy dict or ``None`` (the global one)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        obj = _serialization.deserialize(identifier)
        if not isinstance(obj, DTypePolicy):
            raise ValueError(f"dtype_policies.get: {identifier!r} is not a DTypePolicy config")
        return obj
    return DTypePolicy(identifier)


def serialize(dtype_policy: DTypePolicy) -> dict:
    return _serialization.serialize(dtype_policy)


def deserialize(config, custom_objects=None) -> DTypePolicy:
    return get(config)


__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "dtype_policy", "get", "global_policy", "serialize",
           "set_dtype_policy", "set_global_policy"]

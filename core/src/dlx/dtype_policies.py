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

    Example:

    >>> from dlx import dtype_policies, layers
    >>> policy = dtype_policies.DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    >>> dense = layers.Dense(2, dtype=policy)
    >>> dense.compute_dtype, dense.variable_dtype
    ('float16', 'float32')

    Example:

    >>> from dlx import dtype_policies
    >>> dtype_policies.FloatDTypePolicy("float16")
    <DTypePolicy "float16">
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
        """The policy's name (``"float32"``, ``"mixed_float16"``, ...), enough to rebuild it.

        Returns:
            ``{"name": name}``.
        """
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        """Creates a policy from :meth:`get_config`'s output, passing it to the constructor.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new policy.
        """
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


    @property
    def quantization_mode(self) -> str | None:
        """``None`` for a float policy; ``"int8"``, ``"int4"``, ``"float8"`` for a quantized one."""
        return None


FloatDTypePolicy = DTypePolicy

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: weights stored in ``mode``, compute in ``source_name``'s
    compute dtype. Its name is ``"{mode}_from_{source_name}"`` (``"int8_from_float32"``).

    Arguments:
        mode: ``"int8"``, ``"int4"``, ``"float8"``, ``"gptq"`` or ``"awq"``.
        source_name: the float policy the layer had before quantization (default: the global
            policy's name).

    >>> QuantizedDTypePolicy("int8", "float32").name
    'int8_from_float32'
    """

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        source = DTypePolicy(source_name)
        if mode not in QUANTIZATION_MODES:
            raise ValueError(f"QuantizedDTypePolicy: mode={mode!r}; expected one of {QUANTIZATION_MODES}")
        if mode == "int8" and source.compute_dtype == "float16":
            raise ValueError("QuantizedDTypePolicy: mode='int8' does not work with compute dtype float16 (the int8 "
                             f"scales overflow); received source_name={source_name!r}")
        self._compute_dtype = source.compute_dtype
        self._variable_dtype = source.variable_dtype
        self._source_name = source.name
        self._quantization_mode = mode
        self._name = f"{mode}_from_{source.name}"

    @property
    def quantization_mode(self) -> str:
        return self._quantization_mode

    def get_config(self) -> dict:
        """The quantization mode and the policy the quantized layer's other computations keep.

        Returns:
            ``{"mode": mode, "source_name": name}``.
        """
        return {"mode": self._quantization_mode, "source_name": self._source_name}

    def __eq__(self, other):
        return type(other) is type(self) and other.get_config() == self.get_config()

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<{type(self).__name__} "{self._name}">'


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a float8-quantized layer (``"float8_from_float32"``), with the length of the
    amax history its scales are computed from.

    Arguments:
        mode: ``"float8"``.
        source_name: the float policy before quantization.
        amax_history_length: the number of past absolute maxima kept per scale.

    Example:

    >>> from dlx import dtype_policies
    >>> policy = dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", amax_history_length=16)
    >>> policy.name, policy.amax_history_length
    ('float8_from_float32', 16)
    """

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode=mode, source_name=source_name)
        if not isinstance(amax_history_length, int) or isinstance(amax_history_length, bool):
            raise TypeError(f"QuantizedFloat8DTypePolicy: amax_history_length={amax_history_length!r}; expected an "
                            "integer")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self) -> int:
        return self._amax_history_length

    def get_config(self) -> dict:
        """The base config plus ``amax_history_length``.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {**super().get_config(), "amax_history_length": self._amax_history_length}


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4-quantized layer: ``mode`` is ``"int4/<block_size>"`` (``-1``: one
    scale per output channel; a positive size: one scale and zero point per group of that many
    input rows). Its name is ``"int4/128_from_float32"``.

    Arguments:
        mode: ``"int4/<block_size>"``.
        source_name: the float policy before quantization.

    Example:

    >>> from dlx import dtype_policies
    >>> policy = dtype_policies.Int4DTypePolicy("int4/128", "float32")
    >>> policy.name, policy.block_size
    ('int4/128_from_float32', 128)
    """

    def __init__(self, mode, source_name=None):
        parts = mode.split("/") if isinstance(mode, str) else []
        if len(parts) != 2 or parts[0] != "int4":
            raise ValueError(f"Int4DTypePolicy: mode={mode!r}; expected 'int4/<block_size>' such as 'int4/128'")
        try:
            block_size = -1 if parts[1] == "None" else int(parts[1])
        except ValueError:
            raise ValueError(f"Int4DTypePolicy: mode={mode!r}; <block_size> must be an integer") from None
        if block_size < -1 or block_size == 0:
            raise ValueError(f"Int4DTypePolicy: block size {block_size} in mode={mode!r}; expected -1 (per channel) "
                             "or a positive integer")
        super().__init__(mode="int4", source_name=source_name)
        self.block_size = block_size
        self._name = f"int4/{block_size}_from_{self._source_name}"

    def get_config(self) -> dict:
        """The mode with its block size (``"int4/<block_size>"``) and the source policy's name.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {"mode": f"int4/{self.block_size}", "source_name": self._source_name}


class _BitsGroupDTypePolicy(QuantizedDTypePolicy):
    """A policy whose mode is ``"<method>/<weight_bits>/<group_size>"`` (GPTQ and AWQ)."""

    _method = ""
    _bits: tuple[int, ...] = ()

    def __init__(self, mode, source_name=None):
        cls = type(self).__name__
        parts = mode.split("/") if isinstance(mode, str) else []
        if len(parts) != 3 or parts[0] != self._method:
            raise ValueError(f"{cls}: mode={mode!r}; expected '{self._method}/<weight_bits>/<group_size>' such as "
                             f"'{self._method}/4/128'")
        try:
            bits, group = int(parts[1]), int(parts[2])
        except ValueError:
            raise ValueError(f"{cls}: mode={mode!r}; <weight_bits> and <group_size> must be integers") from None
        if bits not in self._bits:
            raise ValueError(f"{cls}: weight_bits={bits} in mode={mode!r}; expected one of {list(self._bits)}")
        if group < -1 or group == 0:
            raise ValueError(f"{cls}: group_size={group} in mode={mode!r}; expected -1 (per channel) or a positive "
                             "integer")
        super().__init__(mode=self._method, source_name=source_name)
        self.weight_bits = bits
        self.group_size = group
        self._name = f"{self._method}/{bits}/{group}_from_{self._source_name}"

    def get_config(self) -> dict:
        return {"mode": f"{self._method}/{self.weight_bits}/{self.group_size}", "source_name": self._source_name}


class GPTQDTypePolicy(_BitsGroupDTypePolicy):
    """The policy of a GPTQ-quantized layer: mode ``"gptq/<weight_bits>/<group_size>"`` (bits 2, 3,
    4 or 8; group size -1 or positive), name ``"gptq/4/128_from_float32"``.

    Arguments:
        mode: ``"gptq/<weight_bits>/<group_size>"``; a group size of ``-1`` means one group per
            output channel.
        source_name: the float policy before quantization (default: the global policy's name).

    Raises:
        ValueError: for a malformed ``mode``, unsupported bits or group size, or an unknown
            ``source_name``.

    >>> GPTQDTypePolicy("gptq/4/128", "float32").name
    'gptq/4/128_from_float32'
    """

    _method = "gptq"
    _bits = (2, 3, 4, 8)


class AWQDTypePolicy(_BitsGroupDTypePolicy):
    """The policy of an AWQ-quantized layer: mode ``"awq/4/<group_size>"`` (AWQ is 4-bit only).

    Arguments:
        mode: ``"awq/4/<group_size>"``; a group size of ``-1`` means one group per output
            channel.
        source_name: the float policy before quantization (default: the global policy's name).

    Raises:
        ValueError: for a malformed ``mode``, bits other than 4, a bad group size, or an unknown
            ``source_name``.

    >>> AWQDTypePolicy("awq/4/-1", "bfloat16").name
    'awq/4/-1_from_bfloat16'
    """

    _method = "awq"
    _bits = (4,)


def _quantized_from_name(name: str) -> DTypePolicy:
    mode, source = name.split("_from_", 1)
    if mode.startswith("gptq"):
        return GPTQDTypePolicy(mode, source)
    if mode.startswith("awq"):
        return AWQDTypePolicy(mode, source)
    if mode.startswith("int4"):
        return Int4DTypePolicy(mode if "/" in mode else "int4/-1", source)
    if mode == "float8":
        return QuantizedFloat8DTypePolicy(mode, source)
    return QuantizedDTypePolicy(mode, source)


class DTypePolicyMap:
    """Policies by layer path: ``policy_map["decoder/dense"]`` gives the policy of the layer at
    that path (an exact key, else the longest key that is a regular expression matching the
    path by ``re.search``), else ``default_policy``.

    Arguments:
        default_policy: the policy of paths no key matches (default: the global policy).
        policy_map: ``{path: policy}`` (policies or their names).

    Example:

    >>> from dlx import dtype_policies
    >>> policies = dtype_policies.DTypePolicyMap("float32", {"decoder/dense": "bfloat16"})
    >>> policies["decoder/dense"].name, policies["encoder/dense"].name
    ('bfloat16', 'float32')
    """

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("DTypePolicyMap: default_policy cannot be a DTypePolicyMap")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"DTypePolicyMap: policy_map must be a dict; received {type(policy_map).__name__}")
        self._default_policy_arg = default_policy
        self._default_policy = get(default_policy)
        self._policy_map = {}
        for k, v in (policy_map or {}).items():
            self[k] = v

    @property
    def name(self) -> str:
        return f"map_{self._default_policy.name}"

    @property
    def default_policy(self) -> DTypePolicy:
        return get(self._default_policy)

    @property
    def compute_dtype(self) -> str:
        return self.default_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return None

    def __getitem__(self, key: str) -> DTypePolicy:
        import re

        if key in self._policy_map:
            return self._policy_map[key]
        matches = [k for k in self._policy_map if re.search(k, key)]
        if len(matches) > 1:
            raise ValueError(f"DTypePolicyMap: the path {key!r} matches several keys {matches}; make the keys "
                             "specific enough that one matches")
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key: str, policy) -> None:
        if key in self._policy_map:
            raise ValueError(f"DTypePolicyMap: {key!r} already has a policy; delete it first")
        if isinstance(policy, DTypePolicyMap):
            raise ValueError("DTypePolicyMap: a value cannot be a DTypePolicyMap")
        self._policy_map[key] = get(policy)

    def __delitem__(self, key: str) -> None:
        del self._policy_map[key]

    def __contains__(self, key) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def keys(self):
        """The paths (regular expressions) that have a policy of their own, in insertion order.

        Returns:
            A view of the keys.
        """
        return self._policy_map.keys()

    def values(self):
        """The policies stored in the map (not the default policy).

        Returns:
            A view of the policies.
        """
        return self._policy_map.values()

    def items(self):
        """``(path, policy)`` pairs of the map (not the default policy).

        Returns:
            A view of the pairs.
        """
        return self._policy_map.items()

    def get_config(self) -> dict:
        """The default policy and each path's policy, serialized.

        Returns:
            ``{"default_policy": ..., "policy_map": {path: serialized policy}}``.
        """
        default = self._default_policy_arg
        if isinstance(default, DTypePolicy):
            default = serialize(default)
        return {"default_policy": default,
                "policy_map": {k: serialize(v) for k, v in self._policy_map.items()}}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> DTypePolicyMap:
        """Creates a map from :meth:`get_config`'s output, deserializing each path's policy.

        Arguments:
            config: the dictionary :meth:`get_config` returned.
            custom_objects: accepted for the deserialization protocol; the policies are looked up with
                ``dlx.dtype_policies.get``.

        Returns:
            The new map.
        """
        config = dict(config)
        config["policy_map"] = {k: get(v) for k, v in (config.get("policy_map") or {}).items()}
        return cls(**config)

    def __repr__(self):
        return f"<DTypePolicyMap default={self.default_policy.name!r} {len(self._policy_map)} entries>"

_GLOBAL_POLICY: DTypePolicy | None = None


def set_dtype_policy(policy) -> None:
    """Sets the default policy of new layers (``None`` resets to ``floatx()``).

    Arguments:
        policy: a policy, a name (``"mixed_float16"``, ``"float32"``,
            ``"int8_from_float32"``...), a serialized policy dict, or ``None``.

    Raises:
        ValueError: for a name or config that is not a policy.

    Example:

    >>> from dlx import dtype_policies, layers
    >>> dtype_policies.set_dtype_policy("mixed_bfloat16")
    >>> layers.Dense(2).compute_dtype
    'bfloat16'
    >>> dtype_policies.set_dtype_policy("float32")  # back to the default
    """
    global _GLOBAL_POLICY
    _GLOBAL_POLICY = None if policy is None else get(policy)


set_global_policy = set_dtype_policy


def dtype_policy() -> DTypePolicy:
    """The default policy of new layers.

    Example:

    >>> from dlx import dtype_policies
    >>> dtype_policies.dtype_policy()  # the default global policy
    <DTypePolicy "float32">
    """
    return _GLOBAL_POLICY if _GLOBAL_POLICY is not None else DTypePolicy(_dtypes.floatx())


global_policy = dtype_policy


def get(identifier) -> DTypePolicy:
    """A policy from a name, a policy, a serialized policy dict or ``None`` (the global one).

    Arguments:
        identifier: a :class:`DTypePolicy` or :class:`DTypePolicyMap` (returned as is), a
            serialized policy dict, a name (a dtype, ``"mixed_float16"``, ``"mixed_bfloat16"``,
            or a quantized ``"<mode>_from_<source>"`` name such as ``"int8_from_float32"``), a
            dtype object, or ``None``.

    Returns:
        The policy: a quantized name gives the matching quantized policy class.

    Raises:
        ValueError: for a name that is not a dtype or a policy, or a dict that is not a policy
            config.

    Example:

    >>> from dlx import dtype_policies
    >>> dtype_policies.get("mixed_float16")
    <DTypePolicy "mixed_float16">
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, (DTypePolicy, DTypePolicyMap)):
        return identifier
    if isinstance(identifier, dict):
        obj = _serialization.deserialize(identifier)
        if not isinstance(obj, (DTypePolicy, DTypePolicyMap)):
            raise ValueError(f"dtype_policies.get: {identifier!r} is not a DTypePolicy config")
        return obj
    if isinstance(identifier, str) and "_from_" in identifier:
        return _quantized_from_name(identifier)
    return DTypePolicy(identifier)


def serialize(dtype_policy: DTypePolicy) -> dict:
    """The Keras config dict of a policy (``{"module", "class_name", "config", "registered_name"}``).

    Arguments:
        dtype_policy: a :class:`DTypePolicy`.

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.

    Example:

    >>> from dlx import dtype_policies
    >>> dtype_policies.serialize(dtype_policies.DTypePolicy("bfloat16"))
    {'module': 'dlx.dtype_policies', 'class_name': 'DTypePolicy', 'config': {'name': 'bfloat16'},
     'registered_name': None}
    """
    return _serialization.serialize(dtype_policy)


def deserialize(config, custom_objects=None) -> DTypePolicy:
    """The :class:`DTypePolicy` a config describes (what :func:`serialize` wrote, or a policy name).

    Arguments:
        config: a serialized policy dict, or a name such as ``"mixed_float16"``.
        custom_objects: accepted for Keras's signature; dtype policies are built-in classes.

    Returns:
        The policy (as :func:`get` makes it).

    >>> from dlx import dtype_policies
    >>> dtype_policies.deserialize(dtype_policies.serialize(dtype_policies.DTypePolicy("mixed_bfloat16"))).name
    'mixed_bfloat16'

    Example:

    >>> from dlx import dtype_policies
    >>> config = dtype_policies.serialize(dtype_policies.DTypePolicy("bfloat16"))
    >>> dtype_policies.deserialize(config)
    <DTypePolicy "bfloat16">
    """
    return get(config)


__all__ = ["AWQDTypePolicy", "DTypePolicy", "DTypePolicyMap", "FloatDTypePolicy", "GPTQDTypePolicy",
           "Int4DTypePolicy", "QuantizedDTypePolicy",
           "QuantizedFloat8DTypePolicy", "deserialize", "dtype_policy", "get", "global_policy", "serialize",
           "set_dtype_policy", "set_global_policy"]

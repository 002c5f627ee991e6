"""LoRA and int8 quantization for Dense, EinsumDense and Embedding (Keras 3's layout).

A layer mixes in :class:`QuantizableLayer` and names its weight (``kernel`` / ``embeddings``).
The float weight lives in ``self._<weight>``; the public ``<weight>`` property adds the LoRA
delta ``(lora_alpha / lora_rank) * a @ b`` when LoRA is on.

``quantize("int8")`` replaces the float weight by an int8 variable of the same name and shape
plus ``<weight>_scale`` (``int8 / scale`` gives the weight back) and switches the layer's policy
to ``QuantizedDTypePolicy("int8", <old policy>)``. The forward pass quantizes the inputs per row
(absolute max over the contracted axes) and contracts the integer-valued operands, then divides
by both scales: Keras's W8A8 numerics. The contraction runs on integer values held in the
compute dtype (exact while partial sums stay below 2**24) because dlx's ``matmul`` has no int8 x
int8 -> int32 form; the weights stay int8 in memory (a quarter of float32) and are widened per
call.

Saved state follows Keras: positional values in the order of :attr:`variable_serialization_spec`
for the layer's mode; LoRA weights are merged into the saved weight (re-quantized when the layer
is int8) and reset to zero on load.
"""

from __future__ import annotations

import string

import numpy as np

from dlx import dtype_policies, initializers, ops
from dlx.layers import quantized_float8 as _float8
from dlx.layers import quantized_gptq as _gptq
from dlx.layers import quantized_int4 as _int4
from dlx.quantizers import quantization_config as _qconfig
from dlx.quantizers.quantizers import AbsMaxQuantizer, fake_abs_max_quantize

_SUPPORTED = (None, "int8", "int4", "float8", "gptq", "awq")
_CALIBRATED = ("gptq", "awq")


def einsum_quantization_layout(equation: str, ndim: int):
    """Per-operand layout of abs-max scales for an einsum layer, as Keras computes it.

    Returns a dict with ``input`` and ``kernel`` entries ``(reduced, transpose, expand,
    squeeze)``: the axes the absolute max is taken over, then how the kept-dims scale is
    permuted, expanded and squeezed to broadcast against the output; and ``grad``, the
    equation of the input gradient.
    """
    eq = equation.replace("...", "0")
    lhs, out = eq.split("->")
    inp, ker = lhs.split(",")
    free = [c for c in string.ascii_letters if c not in inp + ker + out]
    extra = ndim - (len(inp) - inp.count("0"))
    if "0" in inp:
        fill = "".join(free[:max(extra, 0)])
        if inp.startswith("0"):
            inp, out = fill + inp[1:], fill + out[1:]
        else:
            inp, out = inp[:-1] + fill, out[:-1] + fill
    layouts = {}
    stale = out.find(ker[-1])  # Keras reuses the last position it looked up when an axis is squeezed
    for name, spec in (("input", inp), ("kernel", ker)):
        reduced = [i for i, c in enumerate(spec) if c not in out]
        expand = [i for i, c in enumerate(out) if c not in spec]
        transpose = [spec.index(c) for c in out if c in spec]
        squeeze = []
        for axis in reduced:
            if expand:
                stale = expand.pop(0)
            else:
                squeeze.append(axis)
            transpose.insert(stale, axis)
        layouts[name] = (reduced, transpose, expand, squeeze)
    layouts["grad"] = f"{out},{ker}->{inp}"
    return layouts


def _to_output_layout(scale, layout):
    _, transpose, expand, squeeze = layout
    if transpose:
        scale = ops.transpose(scale, transpose)
    for a in sorted(expand):
        scale = ops.expand_dims(scale, a)
    if squeeze:
        scale = ops.squeeze(scale, axis=tuple(squeeze))
    return scale


def _from_output_layout(scale, layout):
    _, transpose, expand, squeeze = layout
    for a in sorted(squeeze):
        scale = ops.expand_dims(scale, a)
    if expand:
        scale = ops.squeeze(scale, axis=tuple(expand))
    if transpose:
        scale = ops.transpose(scale, [int(i) for i in np.argsort(transpose)])
    return scale


class QuantizableLayer:
    """Mixin of layers with one weight matrix that supports LoRA and int8 quantization.

    Subclasses set ``_weight_name`` and implement ``_lora_shapes()``, ``_lora_delta(a, b)``,
    ``_quantize_weight(value)``, ``_dequantize_weight(q, scale)`` and ``_int8_call``.
    """

    _weight_name = "kernel"

    def _init_lora(self, lora_rank, lora_alpha, quantization_config):
        if lora_rank is not None and (not isinstance(lora_rank, (int, np.integer)) or lora_rank <= 0):
            raise ValueError(f"{type(self).__name__} '{self.name}': lora_rank={lora_rank!r}; expected a positive "
                             "integer or None")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        if isinstance(quantization_config, dict):
            from dlx import quantizers

            quantization_config = quantizers.deserialize(quantization_config)
        self.quantization_config = quantization_config

    # -- state ---------------------------------------------------------------------------------------
    @property
    def quantization_mode(self):
        return getattr(self.dtype_policy, "quantization_mode", None)

    @property
    def _scale_name(self) -> str:
        return f"{self._weight_name}_scale"

    @property
    def variable_serialization_spec(self) -> dict:
        """The saved variable names, in order, per quantization mode (``None``: float)."""
        w, extra = self._weight_name, (["bias"] if self._weight_name == "kernel" else [])
        spec = {None: [w, *extra], "int8": [w, *extra, self._scale_name],
                "int4": [w, *extra, self._scale_name, f"{w}_zero", "g_idx"]}
        if self._weight_name == "kernel":  # Dense / EinsumDense train in float8
            spec["float8"] = [w, *extra, *(f"{n}_{k}" for n in _float8.NAMES for k in ("scale", "amax_history"))]
            spec["gptq"] = ["bias", "quantized_kernel", "kernel_scale", "kernel_zero", "g_idx"]
            spec["awq"] = ["bias", "quantized_kernel", "kernel_scale", "kernel_zero", "awq_scales", "g_idx"]
        return spec

    def _check_mode(self, mode):
        if mode not in _SUPPORTED or (mode is not None and mode not in self.variable_serialization_spec):
            raise ValueError(f"{type(self).__name__} '{self.name}': quantization mode {mode!r} is not supported; "
                             "dlx implements 'int8', 'int4' and (Dense / EinsumDense) 'float8', 'gptq' and 'awq' "
                             "(as Keras)")

    def _weight_value(self):
        """The float weight including the LoRA delta (a tensor)."""
        w = getattr(self, "_" + self._weight_name)
        if self.quantization_mode == "int8":
            w = self._dequantize_weight(w, getattr(self, self._scale_name))
        elif self.quantization_mode == "int4":
            w = _int4.dequantize(self)
        elif self.quantization_mode in _CALIBRATED and _gptq.calibrated(self):
            w = _gptq.dequantized_kernel(self)
        if self.lora_enabled:
            a, b = self._lora_vars()
            w = ops.cast(ops.add(w, self._lora_delta(a, b)), self.compute_dtype)
        return w

    def _lora_vars(self):
        return (getattr(self, f"lora_{self._weight_name}_a"), getattr(self, f"lora_{self._weight_name}_b"))

    def _lora_delta(self, a, b):
        return ops.multiply(self.lora_alpha / self.lora_rank, ops.matmul(a, b))

    # -- building ------------------------------------------------------------------------------------
    def _build_weight(self, shape, initializer, regularizer, constraint):
        """Creates the layer's weight (float, or int8 + scale under a quantized policy)."""
        mode = self.quantization_mode
        self._check_mode(mode)
        if mode == "float8" and "float8" not in self.variable_serialization_spec:
            raise ValueError(f"{type(self).__name__} '{self.name}': float8 is for Dense and EinsumDense (as in Keras)")
        name = self._weight_name
        if mode == "float8":  # the scales first, then the float kernel (Keras's order when built from a config)
            _float8.build(self)
            setattr(self, "_" + name, self.add_weight(shape=shape, initializer=initializer, regularizer=regularizer,
                                                      constraint=constraint, name=name))
        elif mode == "int4":
            _int4.build(self, shape, _qconfig.block_size_for_layer(self, self.quantization_config))
        elif mode in _CALIBRATED:
            _gptq.build(self, shape, self.quantization_config, mode)
        elif mode == "int8":
            setattr(self, "_" + name, self.add_weight(shape=shape, initializer="zeros", dtype="int8",
                                                      trainable=False, name=name))
            setattr(self, self._scale_name, self.add_weight(shape=self._scale_shape(shape), initializer="ones",
                                                            trainable=False, name=self._scale_name))
        else:
            setattr(self, "_" + name, self.add_weight(shape=shape, initializer=initializer, regularizer=regularizer,
                                                      constraint=constraint, name=name))

    def _finish_build(self):
        if self.lora_rank:
            self.enable_lora(self.lora_rank, self.lora_alpha)

    # -- LoRA ----------------------------------------------------------------------------------------
    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Adds trainable low-rank factors ``a``, ``b`` and freezes the weight: the layer computes
        with ``weight + (lora_alpha / rank) * a @ b``.

        Arguments:
            rank: the rank of the update.
            lora_alpha: the update's scale numerator (default: ``rank``).
            a_initializer, b_initializer: initializers of the factors (``b`` at zero keeps the
                layer's output unchanged at first).
        """
        name = self._weight_name
        if getattr(self, f"{name}_constraint", None) is not None:
            raise ValueError(f"{type(self).__name__} '{self.name}': LoRA is incompatible with {name}_constraint; "
                             "remove the constraint to enable LoRA")
        if not self.built:
            raise ValueError(f"{type(self).__name__} '{self.name}': cannot enable LoRA on a layer that is not built "
                             "yet (call it on an input or build it first)")
        if self.lora_enabled:
            raise ValueError(f"{type(self).__name__} '{self.name}': LoRA is already enabled; it can be enabled once")
        if self.quantization_mode in _CALIBRATED:
            raise ValueError(f"{type(self).__name__} '{self.name}': LoRA is not supported on a "
                             f"{self.quantization_mode}-quantized layer (as in Keras)")
        if not isinstance(rank, (int, np.integer)) or rank <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': rank={rank!r}; expected a positive integer")
        a_shape, b_shape = self._lora_shapes(int(rank))
        reg = getattr(self, f"{name}_regularizer", None)
        a = self.add_weight(shape=a_shape, initializer=initializers.get(a_initializer), dtype="float32",
                            regularizer=reg, name=f"lora_{name}_a")
        b = self.add_weight(shape=b_shape, initializer=initializers.get(b_initializer), dtype="float32",
                            regularizer=reg, name=f"lora_{name}_b")
        setattr(self, f"lora_{name}_a", a)
        setattr(self, f"lora_{name}_b", b)
        getattr(self, "_" + name).trainable = False
        self.lora_enabled = True
        self.lora_rank = int(rank)
        self.lora_alpha = lora_alpha if lora_alpha is not None else int(rank)

    # -- quantization --------------------------------------------------------------------------------
    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the layer's weight in place (``mode="int8"``).

        Arguments:
            mode: ``"int8"`` (the mode of ``config`` when ``None``).
            type_check: refuse subclasses (their ``call`` may not use the quantized path).
            config: a :class:`dlx.quantizers.QuantizationConfig` (default
                ``Int8QuantizationConfig()``).
        """
        if type_check and type(self).__name__ != self._quantizable_class:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}' does not support quantize(): it is a "
                                      f"subclass of {self._quantizable_class}; override quantize() or pass "
                                      "type_check=False")
        if not self.built:
            raise ValueError(f"{type(self).__name__} '{self.name}': cannot quantize a layer that is not built yet")
        mode, config = _qconfig.resolve(mode, config)
        if self.quantization_mode is not None:
            raise ValueError(f"{type(self).__name__} '{self.name}' is already quantized "
                             f"({self.quantization_mode!r})")
        if mode in _CALIBRATED:  # the model's calibration (Model.quantize) fills the quantized variables
            _gptq.quantize_layer(self, mode, config)
            return
        name = self._weight_name
        old = getattr(self, "_" + name)
        if mode == "float8":
            if "float8" not in self.variable_serialization_spec:
                raise ValueError(f"{type(self).__name__} '{self.name}' does not support float8 (Dense and EinsumDense "
                                 "do, as in Keras)")
            if self.lora_enabled:
                raise ValueError(f"{type(self).__name__} '{self.name}': float8 layers do not support LoRA "
                                 "(as in Keras)")
            self.quantization_config = config
            self.dtype_policy = dtype_policies.QuantizedFloat8DTypePolicy("float8", self.dtype_policy.name)
            _float8.build(self)  # the float kernel stays; the scales are added after it
            return
        if mode == "int4":
            block = _qconfig.block_size_for_layer(self, config)
            values = _int4.quantize_values(self, old, config, block)
            policy = dtype_policies.Int4DTypePolicy(f"int4/{-1 if block is None else block}", self.dtype_policy.name)
        else:
            values = self._quantize_weight(old, config)
            policy = dtype_policies.QuantizedDTypePolicy(mode, self.dtype_policy.name)
        self.quantization_config = config
        self._untrack_variable(old)
        delattr(self, "_" + name)
        self.dtype_policy = policy
        self._build_weight(tuple(old.shape), None, None, None)
        if mode == "int4":
            _int4.assign(self, *values)
        else:
            getattr(self, "_" + name).assign(values[0])
            getattr(self, self._scale_name).assign(values[1])
        if self.lora_enabled:  # keep LoRA's variables after the weight, as a fresh build would
            a, b = self._lora_vars()
            for v in (a, b):
                self._untrack_variable(v)
                self._track_variable(v)

    def _inputs_quantizer(self):
        return _qconfig.QuantizationConfig.activation_quantizer_or_default(self.quantization_config,
                                                                           AbsMaxQuantizer())

    # -- saving --------------------------------------------------------------------------------------
    def _merged_for_saving(self) -> dict:
        """``{name: value}`` of the weight and its quantization state to save: LoRA merged in
        (re-quantized when the layer is quantized)."""
        name, mode = self._weight_name, self.quantization_mode
        if mode is None:
            return {name: self._weight_value()}
        if mode in _CALIBRATED:
            if not _gptq.calibrated(self):
                raise ValueError(f"{type(self).__name__} '{self.name}' is {mode} but not calibrated: its quantized "
                                 f"variables are empty. Calibrate with Model.quantize({mode!r}, config=...) (the "
                                 "layer must be inside the structure's sequential_blocks) before saving")
            return {}
        zero_name = f"{name}_zero"
        if not self.lora_enabled:
            return {n: getattr(self, "_" + n if n == name else n) for n in (name, self._scale_name, zero_name)
                    if hasattr(self, "_" + n if n == name else n)}
        merged = self._weight_value()
        if mode == "int4":
            packed, scale, zero = _int4.quantize_values(self, merged, None, self._int4_block_size)
            return {name: packed, self._scale_name: scale, **({} if zero is None else {zero_name: zero})}
        q, scale = self._quantize_weight(merged, None)
        return {name: q, self._scale_name: scale}

    def save_own_variables(self, store):
        if not self.built:
            return
        mode = self.quantization_mode
        self._check_mode(mode)
        merged = self._merged_for_saving()
        i = 0
        for name in self.variable_serialization_spec[mode]:
            if name in merged:
                value = merged[name]
            elif getattr(self, name, None) is not None:
                value = getattr(self, name)
            else:  # no bias; no zero point / g_idx for per-channel int4
                continue
            store[str(i)] = ops.convert_to_numpy(value)
            i += 1

    def _load_targets(self) -> list:
        """The variables a saved state fills, in the order of :attr:`variable_serialization_spec`
        (dlx's loader checks count and shapes against them before assigning anything)."""
        mode = self.quantization_mode
        self._check_mode(mode)
        out = []
        for n in self.variable_serialization_spec[mode]:
            v = getattr(self, "_" + n if n == self._weight_name else n, None)
            if v is not None:  # no bias; no zero point / g_idx for per-channel int4
                out.append(v)
        return out

    def _load_mismatch_hint(self, count) -> str:
        if self.quantization_mode in _CALIBRATED and count == len(self._load_targets()) - 1:
            return (f"; Keras 3.15 writes {self.quantization_mode} layers without their zero points (kernel_zero), "
                    "which no reader (Keras included) can recover: quantize the model again (dlx writes the "
                    "complete layout, which Keras loads)")
        return ""

    def _after_load(self) -> None:
        """A loaded weight has the LoRA update merged in: the factors restart at zero (as Keras).
        A loaded GPTQ / AWQ layer is calibrated."""
        if self.quantization_mode in _CALIBRATED:
            _gptq.drop_float_kernel(self)
        if self.lora_enabled:
            for v in self._lora_vars():
                v.assign(np.zeros(v.shape, "float32"))

    def load_own_variables(self, store):
        """Loads Keras's positional ``store`` (``{"0": array, ...}``) into the layer."""
        if not self.built:
            return
        targets = self._load_targets()
        if len(store) != len(targets):
            raise ValueError(f"{type(self).__name__} '{self.name}' expects {len(targets)} variables "
                             f"{[v.name for v in targets]}; the store holds {len(store)}"
                             f"{self._load_mismatch_hint(len(store))}")
        for i, v in enumerate(targets):
            arr = np.asarray(store[str(i)])
            if tuple(arr.shape) != tuple(v.shape):
                raise ValueError(f"{type(self).__name__} '{self.name}': variable {v.name!r} has shape "
                                 f"{tuple(v.shape)}, the store's {str(i)!r} has shape {tuple(arr.shape)}")
        for i, v in enumerate(targets):
            v.assign(np.asarray(store[str(i)]).astype(v.dtype))
        self._after_load()

    # dlx's loader runs these checks itself through _load_targets (before assigning anything); a
    # subclass's own load_own_variables is called instead
    load_own_variables._dlx_loader_checks = True

    def _quant_config_entries(self) -> dict:
        from dlx import quantizers

        config = {"quantization_config": (None if self.quantization_config is None
                                          else quantizers.serialize(self.quantization_config))}
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config


class _KernelQuantization(QuantizableLayer):
    """What Dense and EinsumDense share: the ``kernel`` property and the int8 output with bias."""

    _weight_name = "kernel"

    @property
    def kernel(self):
        """The kernel (with the LoRA update added when LoRA is on; the int8 variable when quantized)."""
        if self.lora_enabled:
            return self._weight_value()
        if self.quantization_mode in _CALIBRATED and _gptq.calibrated(self):
            return _gptq.codes(self)  # Keras's value: the (columns, rows) codes
        return self._kernel

    def _quantized_output(self, inputs, training=None):
        """A quantized layer's pre-activation output: the quantized contraction plus the bias."""
        if self.quantization_mode == "float8":
            return _float8.contract(self, inputs, training, self._float_contraction)
        if self.quantization_mode in _CALIBRATED:
            x = _gptq.contract(self, inputs)
        elif self.quantization_mode == "int4":
            x = self._add_lora(inputs, self._int4_contract(inputs))
        else:
            x = self._int8_call(inputs, training)
        return x if self.bias is None else ops.add(x, self.bias)

    def _int4_reduced_axes(self, shape):
        return (0,)


class DenseQuantization(_KernelQuantization):
    _quantizable_class = "Dense"

    def _int4_contract(self, inputs):
        return _int4.dense_call(self, inputs)

    @staticmethod
    def _float_contraction(x, kernel):
        return ops.matmul(x, kernel)

    def _add_lora(self, inputs, x):
        if not self.lora_enabled:
            return x
        a, b = self._lora_vars()
        lora = ops.matmul(ops.matmul(inputs, a), b)
        return ops.cast(ops.add(x, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)

    def _scale_shape(self, shape):
        return (shape[1],)

    def _lora_shapes(self, rank):
        k = self._int4_shape if self.quantization_mode == "int4" else self._kernel.shape
        return (k[0], rank), (rank, k[1])

    def _quantize_weight(self, value, config):
        quantizer = _qconfig.QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=0))
        q, scale = quantizer(value, to_numpy=True)
        return q, ops.squeeze(scale, axis=0)

    def _dequantize_weight(self, q, scale):
        return ops.divide(ops.cast(q, self.compute_dtype), scale)

    def _int8_call(self, inputs, training=None):
        kernel = ops.cast(self._kernel, self.compute_dtype)
        scale = self.kernel_scale
        quantizer = self._inputs_quantizer()
        if quantizer is not None:
            q_in, in_scale = fake_abs_max_quantize(inputs, -1, quantizer.value_range, quantizer.epsilon)
            x = ops.divide(ops.matmul(ops.stop_gradient(q_in), kernel), ops.multiply(in_scale, scale))
        else:
            x = ops.divide(ops.matmul(ops.stop_gradient(inputs), kernel), scale)
        if training:  # straight-through: inputs' gradient through the dequantized kernel (adds zero)
            x = ops.add(x, ops.matmul(ops.subtract(inputs, ops.stop_gradient(inputs)), ops.divide(kernel, scale)))
        if self.lora_enabled:
            a, b = self._lora_vars()
            lora = ops.matmul(ops.matmul(inputs, a), b)
            x = ops.cast(ops.add(x, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)
        return x


class EinsumDenseQuantization(_KernelQuantization):
    _quantizable_class = "EinsumDense"

    def _int4_reduced_axes(self, shape):
        return tuple(self._layout()["kernel"][0])

    def _int4_contract(self, inputs):
        return _int4.einsum_call(self, inputs)

    def _float_contraction(self, x, kernel):
        return ops.einsum(self.equation, x, kernel)

    def _add_lora(self, inputs, x):
        if not self.lora_enabled:
            return x
        a, b = self._lora_vars()
        lora = ops.matmul(ops.einsum(self.equation, inputs, a), b)
        return ops.cast(ops.add(x, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)

    def _layout(self):
        return einsum_quantization_layout(self.equation, self._input_ndim)

    def _scale_shape(self, shape):
        reduced, transpose, expand, squeeze = self._layout()["kernel"]
        kept = [1 if i in reduced else d for i, d in enumerate(shape)]
        kept = [kept[i] for i in transpose] if transpose else kept
        for a in sorted(expand):
            kept.insert(a, 1)
        for a in sorted(squeeze, reverse=True):
            kept.pop(a)
        return tuple(kept)

    def _lora_shapes(self, rank):
        k = self._int4_shape if self.quantization_mode == "int4" else tuple(self._kernel.shape)
        return (*k[:-1], rank), (rank, k[-1])

    def _quantize_weight(self, value, config):
        layout = self._layout()["kernel"]
        quantizer = _qconfig.QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=layout[0]))
        q, scale = quantizer(value, to_numpy=True)
        return q, _to_output_layout(scale, layout)

    def _dequantize_weight(self, q, scale):
        return ops.divide(ops.cast(q, self.compute_dtype), _from_output_layout(scale, self._layout()["kernel"]))

    def _int8_call(self, inputs, training=None):
        layouts = self._layout()
        kernel = ops.cast(self._kernel, self.compute_dtype)
        scale = self.kernel_scale
        quantizer = self._inputs_quantizer()
        if quantizer is not None:
            q_in, in_scale = fake_abs_max_quantize(inputs, layouts["input"][0], quantizer.value_range,
                                                   quantizer.epsilon)
            in_scale = _to_output_layout(in_scale, layouts["input"])
            x = ops.divide(ops.einsum(self.equation, ops.stop_gradient(q_in), kernel), ops.multiply(in_scale, scale))
        else:
            x = ops.divide(ops.einsum(self.equation, ops.stop_gradient(inputs), kernel), scale)
        if training:
            x = ops.add(x, ops.einsum(self.equation, ops.subtract(inputs, ops.stop_gradient(inputs)),
                                      self._dequantize_weight(self._kernel, scale)))
        if self.lora_enabled:
            a, b = self._lora_vars()
            lora = ops.matmul(ops.einsum(self.equation, inputs, a), b)
            x = ops.cast(ops.add(x, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)
        return x


class EmbeddingQuantization(QuantizableLayer):
    _weight_name = "embeddings"
    _quantizable_class = "Embedding"

    def _int4_reduced_axes(self, shape):
        return (0,)

    def _quantized_call(self, inputs):
        """A quantized layer's lookup (int8 or int4), with LoRA."""
        if self.quantization_mode == "int8":
            return self._int8_call(inputs)
        out = _int4.embedding_call(self, inputs)
        if self.lora_enabled:
            a, b = self._lora_vars()
            lora = ops.matmul(ops.take(a, inputs, axis=0), b)
            out = ops.cast(ops.add(out, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)
        return out

    def _scale_shape(self, shape):
        return (shape[0],)

    def _lora_shapes(self, rank):
        return (self.input_dim, rank), (rank, self.output_dim)

    def _quantize_weight(self, value, config):
        quantizer = _qconfig.QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=-1))
        q, scale = quantizer(value, to_numpy=True)
        return q, ops.squeeze(scale, axis=-1)

    def _dequantize_weight(self, q, scale):
        return ops.divide(ops.cast(q, self.compute_dtype), ops.expand_dims(scale, -1))

    def _int8_call(self, inputs, training=None):
        scale = ops.take(self.embeddings_scale, inputs, axis=0)
        out = ops.divide(ops.cast(ops.take(self._embeddings, inputs, axis=0), self.compute_dtype),
                         ops.expand_dims(scale, -1))
        if self.lora_enabled:
            a, b = self._lora_vars()
            lora = ops.matmul(ops.take(a, inputs, axis=0), b)
            out = ops.cast(ops.add(out, ops.multiply(self.lora_alpha / self.lora_rank, lora)), self.compute_dtype)
        return out


def _matches(layer, filters) -> bool:
    import re

    if filters is None:
        return True
    if callable(filters):
        return bool(filters(layer))
    patterns = [filters] if isinstance(filters, str) else list(filters)
    path = getattr(layer, "path", None) or layer.name
    return any(re.search(p, path) for p in patterns)


def _quantize_layers(layers, mode, config, filters, type_check) -> list:
    """Quantizes those of ``layers`` that are quantizable, unquantized and selected; returns them."""
    import warnings

    done = []
    for layer in layers:
        if not isinstance(layer, QuantizableLayer) or not _matches(layer, filters):
            continue
        if layer.quantization_mode is not None:
            continue
        if mode not in layer.variable_serialization_spec:  # e.g. Embedding has no float8 / gptq (as in Keras)
            warnings.warn(f"{type(layer).__name__} '{layer.name}' does not support quantization mode {mode!r}; "
                          "left as it is", UserWarning, stacklevel=4)
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
            done.append(layer)
        except NotImplementedError as e:
            warnings.warn(str(e), UserWarning, stacklevel=4)
    return done


def _quantize_calibrated(model, mode, config, filters, type_check) -> list:
    """GPTQ / AWQ: quantizes the Dense / EinsumDense layers of the structure's sequential blocks
    and calibrates them block by block (:mod:`dlx.quantizers.calibration`)."""
    import warnings

    from dlx.quantizers import calibration

    structure = config.quantization_layer_structure
    if structure is None:
        structure = model.get_quantization_layer_structure(mode)
    if not isinstance(structure, dict):
        raise ValueError(f"quantize: mode={mode!r} needs the model's structure: pass "
                         f"{type(config).__name__}(quantization_layer_structure={{'pre_block_layers': [...], "
                         "'sequential_blocks': [...]}) or override model.get_quantization_layer_structure(mode); "
                         f"got {structure!r}")
    blocks = list(structure.get("sequential_blocks") or [])
    if not blocks:
        raise ValueError(f"quantize: mode={mode!r}: the quantization structure has no 'sequential_blocks' to quantize")
    if config.dataset is None:
        raise ValueError(f"quantize: mode={mode!r} needs calibration data: {type(config).__name__}(dataset=...) is "
                         "None")
    per_block, inside = [], set()
    for block in blocks:
        leaves = [layer for layer in block._flatten_layers() if isinstance(layer, QuantizableLayer)
                  and mode in layer.variable_serialization_spec]
        inside.update(id(layer) for layer in leaves)
        per_block.append(_quantize_layers(leaves, mode, config, filters, type_check))
    for layer in model._flatten_layers():
        if (isinstance(layer, QuantizableLayer) and mode in layer.variable_serialization_spec
                and id(layer) not in inside and layer.quantization_mode is None and _matches(layer, filters)):
            warnings.warn(f"{type(layer).__name__} '{layer.name}' is outside the quantization structure's "
                          f"sequential_blocks: it cannot be calibrated and stays in float ({mode})", UserWarning,
                          stacklevel=3)
    windows = calibration.get_dataloader(config.tokenizer, config.sequence_length, config.dataset,
                                         num_samples=config.num_samples)
    calibration.calibrate(per_block, list(structure.get("pre_block_layers") or []), blocks, windows, config)
    return [layer for done in per_block for layer in done]


def quantize_model(model, mode, config, filters, type_check=True) -> None:
    """Quantizes every built :class:`QuantizableLayer` under ``model`` that ``filters`` selects
    (GPTQ / AWQ: those of the structure's blocks, calibrated)."""
    if filters is not None and not isinstance(filters, (str, list, tuple)) and not callable(filters):
        raise ValueError(f"quantize: filters={filters!r}; expected a regex string, a list of them or a callable")
    mode, config = _qconfig.resolve(mode, config)
    if not model.built:
        raise ValueError(f"quantize: model '{model.name}' is not built; build it (call it on data) first")
    if mode in _CALIBRATED:
        done = _quantize_calibrated(model, mode, config, filters, type_check)
    else:
        done = _quantize_layers(model._flatten_layers(), mode, config, filters, type_check)
    if not done:
        raise ValueError(f"quantize: model '{model.name}' has no layer to quantize (Dense, EinsumDense and "
                         "Embedding support it; gptq / awq: Dense and EinsumDense inside the sequential blocks)")


__all__ = ["DenseQuantization", "EinsumDenseQuantization", "EmbeddingQuantization", "QuantizableLayer",
           "einsum_quantization_layout", "quantize_model"]

"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
RMSNormalization."""

from __future__ import annotations

from dlx import constraints, initializers, ops, regularizers
from dlx.layers.core import Wrapper
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer


def _ser(module, obj):
    return None if obj is None else module.serialize(obj)


def _norm_axes(axis, ndim, who):
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{who}: axis={axis!r} is out of range for inputs of rank {ndim}")
        out.append(a % ndim)
    return tuple(sorted(set(out)))



def _affine_config(layer) -> dict:
    """The serialized initializers, regularizers and constraints of ``gamma`` / ``beta``."""
    return {f"{w}_{kind}": _ser(module, getattr(layer, f"{w}_{kind}"))
            for w in ("beta", "gamma")
            for kind, module in (("initializer", initializers), ("regularizer", regularizers),
                                 ("constraint", constraints))}

class BatchNormalization(Layer):
    """Normalizes with batch statistics in training (updating moving averages) and with the
    moving averages at inference (or when the layer is frozen: ``trainable=False``).

    Arguments:
        axis: the feature axis (default ``-1``).
        momentum: moving-average momentum.
        epsilon: added to the variance.
        center, scale: learn ``beta`` / ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer: initializers.
        beta_regularizer, gamma_regularizer: regularizers of the weights.
        beta_constraint, gamma_constraint: constraints of the weights.
        renorm: batch renormalization (Ioffe, 2017): in training, the batch-normalized values are
            corrected by ``r = clip(batch_std / renorm_std)`` and ``d = clip((batch_mean -
            renorm_mean) / renorm_std)`` (no gradient through them), where ``renorm_mean`` /
            ``renorm_stddev`` are moving averages with ``renorm_momentum``; the moving mean and
            standard deviation used at inference are averaged with ``momentum``.
        renorm_clipping: a dict with optional keys ``"rmax"``, ``"rmin"``, ``"dmax"`` bounding
            ``r`` to ``[rmin, rmax]`` and ``d`` to ``[-dmax, dmax]`` (no key: no bound).
        renorm_momentum: momentum of ``renorm_mean`` / ``renorm_stddev``.
        synchronized: under a :mod:`dlx.distribution` (``DataParallel``), normalize in training
            with the mean and variance of the global batch across replicas (jax: the sharded
            step's statistics are global anyway; tf and torch all-reduce them); without a
            distribution, plain BatchNormalization.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    >>> layer = layers.BatchNormalization()
    >>> np.round(layer(x, training=True), 3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    >>> np.asarray(layer.moving_mean)
    array([0.02, 0.04], dtype=float32)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.synchronized = synchronized
        self.renorm = bool(renorm)
        if self.renorm:
            renorm_clipping = dict(renorm_clipping or {})
            who = f"BatchNormalization '{self.name}'"
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(f"{who}: renorm_clipping={renorm_clipping!r} has unknown keys {sorted(unknown)}; "
                                 "expected only 'rmax', 'rmin', 'dmax'")
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(f"{who}: renorm_clipping has rmax={rmax} < rmin={rmin}; expected rmax >= rmin")
            if dmax is not None and dmax < 0:
                raise ValueError(f"{who}: renorm_clipping has dmax={dmax}; expected dmax >= 0")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        who = f"BatchNormalization '{self.name}'"
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"{who}: axis={self.axis} is out of range for inputs of shape {tuple(input_shape)}")
        ax = self.axis % ndim
        dim = input_shape[ax]
        if dim is None:
            raise ValueError(f"{who}: the size of axis {self.axis} must be known; received input shape "
                             f"{tuple(input_shape)}")
        self._ax = ax
        self._reduction_axes = tuple(i for i in range(ndim) if i != ax)
        self.input_spec = InputSpec(ndim=ndim, axes={ax: dim})
        shape = (dim,)
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma", autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta", autocast=False) if self.center else None
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean", autocast=False)
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance", autocast=False)
        if self.renorm:
            def stddev_init(shape, dtype=None, _init=self.moving_variance_initializer):
                return ops.sqrt(_init(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, initializer=stddev_init, trainable=False,
                                                 name="moving_stddev", autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer, trainable=False,
                                               name="renorm_mean", autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, initializer=stddev_init, trainable=False,
                                                 name="renorm_stddev", autocast=False)

    def _renormalize(self, mean, var, gamma, beta):
        """The renorm-corrected scale and offset, and the updates of the renorm statistics."""
        dtype = ops.dtype(mean)
        std = ops.sqrt(var + self.epsilon)
        r_mean = ops.cast(self.renorm_mean, dtype)
        r_std_stored = ops.cast(self.renorm_stddev, dtype)
        r_std = ops.maximum(r_std_stored, self.epsilon ** 0.5)
        r = std / r_std
        d = (mean - r_mean) / r_std
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = ops.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ops.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        new_gamma = r if gamma is None else r * gamma
        new_beta = d if gamma is None else d * gamma
        if beta is not None:
            new_beta = new_beta + beta
        mean_s, std_s = ops.stop_gradient(mean), ops.stop_gradient(std)
        rm = self.renorm_momentum
        self.renorm_mean.assign(r_mean * rm + mean_s * (1.0 - rm))
        self.renorm_stddev.assign(r_std_stored * rm + std_s * (1.0 - rm))
        mom = self.momentum
        self.moving_mean.assign(ops.cast(self.moving_mean, dtype) * mom + mean_s * (1.0 - mom))
        new_std = ops.cast(self.moving_stddev, dtype) * mom + std_s * (1.0 - mom)
        self.moving_stddev.assign(new_std)
        self.moving_variance.assign(ops.relu(new_std * new_std - self.epsilon))
        return new_gamma, new_beta

    def call(self, inputs, training=None, mask=None):
        in_dtype = ops.dtype(inputs)
        x = ops.cast(inputs, "float32") if in_dtype in ("float16", "bfloat16") else inputs
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            if mask is not None:
                m = ops.cast(mask, ops.dtype(x))
                while len(ops.tensors.shape(m)) < len(ops.tensors.shape(x)):
                    m = ops.expand_dims(m, -1)
                m = ops.broadcast_to(m, ops.tensors.shape(x)) if None not in ops.tensors.shape(x) else m
                count = ops.sum(m * ops.ones_like(x), axis=self._reduction_axes)
                mean = ops.sum(x * m, axis=self._reduction_axes) / count
                shape = [1] * len(ops.tensors.shape(x))
                shape[self._ax] = -1
                var = ops.sum(ops.square(x - ops.reshape(mean, tuple(shape))) * m, axis=self._reduction_axes) / count
            else:
                mean, var = ops.moments(x, self._reduction_axes, False, self.synchronized)
            if self.renorm:
                gamma, beta = self._renormalize(mean, var, gamma, beta)
            else:
                mom = self.momentum
                self.moving_mean.assign(self.moving_mean * mom + ops.stop_gradient(mean) * (1.0 - mom))
                self.moving_variance.assign(self.moving_variance * mom + ops.stop_gradient(var) * (1.0 - mom))
        else:
            mean, var = self.moving_mean, self.moving_variance
        out = ops.batch_normalization(x, mean, var, self._ax, beta, gamma, self.epsilon)
        return ops.cast(out, in_dtype) if ops.dtype(out) != in_dtype else out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": _ser(initializers, self.beta_initializer),
                "gamma_initializer": _ser(initializers, self.gamma_initializer),
                "moving_mean_initializer": _ser(initializers, self.moving_mean_initializer),
                "moving_variance_initializer": _ser(initializers, self.moving_variance_initializer),
                "beta_regularizer": _ser(regularizers, self.beta_regularizer),
                "gamma_regularizer": _ser(regularizers, self.gamma_regularizer),
                "beta_constraint": _ser(constraints, self.beta_constraint),
                "gamma_constraint": _ser(constraints, self.gamma_constraint), "synchronized": self.synchronized,
                "renorm": self.renorm, "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` to zero mean and unit variance, then ``* gamma + beta``.

    Arguments:
        axis: an int or a list of ints (default ``-1``).
        epsilon: added to the variance.
        center, scale: learn ``beta`` / ``gamma``.
        beta_initializer, gamma_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: regularizers of the weights.
        beta_constraint, gamma_constraint: constraints of the weights.

    Keras's deprecated ``rms_scaling=True`` keyword is accepted and computed as Keras computes it:
    no ``beta``, the input divided by ``sqrt(variance + epsilon)`` (not by its root mean square)
    and scaled by ``gamma``. A true RMS normalization is ``RMSNormalization``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.array([[1.0, 2.0, 3.0]], "float32")
    >>> np.round(layers.LayerNormalization()(x), 3)
    array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = bool(kwargs.pop("rms_scaling", False))
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"LayerNormalization '{self.name}': axis={axis!r}; expected an int or a list of ints")
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = _norm_axes(self.axis, ndim, f"LayerNormalization '{self.name}'")
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(f"LayerNormalization '{self.name}': the normalized axes {self._axes} must have known "
                             f"sizes; received input shape {tuple(input_shape)}")
        self._bshape = tuple(input_shape[i] if i in self._axes else 1 for i in range(ndim))
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma", autocast=False) if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta", autocast=False) if self.center and not self.rms_scaling else None

    def call(self, inputs):
        in_dtype = ops.dtype(inputs)
        x = ops.cast(inputs, "float32") if in_dtype in ("float16", "bfloat16") else inputs
        trailing = self._axes == tuple(range(len(ops.tensors.shape(x)) - len(self._axes), len(ops.tensors.shape(x))))
        gamma = self.gamma if self.gamma is None or trailing else ops.reshape(self.gamma, self._bshape)
        beta = self.beta if self.beta is None or trailing else ops.reshape(self.beta, self._bshape)
        if self.rms_scaling:
            var = ops.var(x, axis=self._axes, keepdims=True)
            out = x * ops.rsqrt(var + self.epsilon)
            if gamma is not None:
                out = out * gamma
        else:
            out = ops.layer_normalization(x, gamma, beta, self._axes, self.epsilon)
        return ops.cast(out, in_dtype) if ops.dtype(out) != in_dtype else out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                **_affine_config(self)}


class GroupNormalization(Layer):
    """Normalizes each sample over groups of channels (and all other non-batch axes).

    Arguments:
        groups: the number of groups (divides the channels; ``-1``: one group per channel).
        axis: the channel axis (default ``-1``).
        epsilon, center, scale, *_initializer, *_regularizer, *_constraint: as in
            ``LayerNormalization``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> x = np.arange(8, dtype="float32").reshape(1, 8)
    >>> np.round(layers.GroupNormalization(groups=2)(x), 3)
    array([[-1.341, -0.447,  0.447,  1.341, -1.341, -0.447,  0.447,  1.341]],
          dtype=float32)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        who = f"GroupNormalization '{self.name}'"
        ax = _norm_axes(self.axis, ndim, who)[0]
        dim = input_shape[ax]
        if dim is None:
            raise ValueError(f"{who}: the channel axis {self.axis} must have a known size; received input shape "
                             f"{tuple(input_shape)}")
        groups = dim if self.groups == -1 else self.groups
        if groups > dim:
            raise ValueError(f"{who}: groups={self.groups} is more than the number of channels ({dim}) of the input "
                             f"shape {tuple(input_shape)}")
        if dim % groups:
            raise ValueError(f"{who}: groups={self.groups} must divide the number of channels ({dim}) of the input "
                             f"shape {tuple(input_shape)}")
        self._ax, self._groups = ax, groups
        self.input_spec = InputSpec(ndim=ndim, axes={ax: dim})
        self.gamma = self.add_weight(shape=(dim,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     name="gamma", autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=(dim,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    name="beta", autocast=False) if self.center else None

    def call(self, inputs):
        in_dtype = ops.dtype(inputs)
        x = ops.cast(inputs, "float32") if in_dtype in ("float16", "bfloat16") else inputs
        shape = ops.tensors.shape(x)
        ndim = len(shape)
        ax, g = self._ax, self._groups
        c = shape[ax]
        gshape = (-1 if shape[0] is None else shape[0], *shape[1:ax], g, c // g, *shape[ax + 1:])
        if any(d is None for d in gshape[1:]):
            raise ValueError(f"GroupNormalization '{self.name}': non-batch dims must be known; received {shape}")
        xg = ops.reshape(x, gshape)
        red = tuple(i for i in range(1, ndim + 1) if i != ax)
        mean, var = ops.moments(xg, red, True)
        xn = ops.reshape((xg - mean) * ops.rsqrt(var + self.epsilon), (-1 if shape[0] is None else shape[0],
                                                                         *shape[1:]))
        bshape = [1] * ndim
        bshape[ax] = c
        if self.gamma is not None:
            xn = xn * ops.reshape(self.gamma, tuple(bshape))
        if self.beta is not None:
            xn = xn + ops.reshape(self.beta, tuple(bshape))
        return ops.cast(xn, in_dtype) if ops.dtype(xn) != in_dtype else xn

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                **_affine_config(self)}


class RMSNormalization(Layer):
    """``x / sqrt(mean(x^2, axis) + epsilon) * scale``.

    Arguments:
        axis: the normalized axis or axes (default ``-1``).
        epsilon: added to the mean square.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> np.round(layers.RMSNormalization()(np.array([[3.0, 4.0]], "float32")), 3)
    array([[0.849, 1.131]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = _norm_axes(self.axis, ndim, f"RMSNormalization '{self.name}'")
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(f"RMSNormalization '{self.name}': the normalized axes must have known sizes; received "
                             f"input shape {tuple(input_shape)}")
        self._bshape = tuple(input_shape[i] if i in self._axes else 1 for i in range(ndim))
        self.scale = self.add_weight(shape=shape, initializer="ones", name="scale", autocast=False)

    def call(self, inputs):
        in_dtype = ops.dtype(inputs)
        x = ops.cast(inputs, "float32") if in_dtype in ("float16", "bfloat16") else inputs
        n = len(ops.tensors.shape(x))
        trailing = self._axes == tuple(range(n - len(self._axes), n))
        scale = self.scale if trailing else ops.reshape(self.scale, self._bshape)
        out = ops.rms_normalization(x, scale, self._axes, self.epsilon)
        return ops.cast(out, in_dtype) if ops.dtype(out) != in_dtype else out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over ``axis``: ``x * min(1 / ||x||, 1e12)``.

    Arguments:
        axis: an int or a list of ints (default ``-1``).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32"))
    array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"UnitNormalization '{self.name}': axis={axis!r}; expected an int or a list of ints")
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        x = ops.cast(inputs, "float32") if ops.dtype(inputs) in ("float16", "bfloat16") else inputs
        inv = ops.rsqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-24))
        return ops.cast(x * inv, ops.dtype(inputs))

    def compute_output_shape(self, input_shape):
        _norm_axes(self.axis, len(input_shape), f"UnitNormalization '{self.name}'")
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (or ``embeddings``) and, in training, divides that weight by
    its largest singular value, estimated by ``power_iterations`` steps of power iteration from a
    persistent vector ``vector_u`` (Miyato et al., 2018).

    As in Keras, a training call writes the normalized weight back into the wrapped layer's
    variable (and the updated ``vector_u``); an inference call runs the wrapped layer as it is.
    Inside compiled ``fit`` steps, where trainable variables are updated only by the optimizer
    (as on Keras's JAX backend), the training forward pass uses the normalized weight and the
    optimizer updates the stored one.

    Arguments:
        layer: the layer to wrap (``Dense``, ``Conv*``, ``Embedding``, ...).
        power_iterations: power-iteration steps per training call (> 0).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layer = layers.SpectralNormalization(layers.Dense(3))
    >>> layer(np.ones((2, 4), "float32"), training=True).shape
    (2, 3)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(f"SpectralNormalization '{self.name}': power_iterations={power_iterations!r}; expected "
                             "an int > 0")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"SpectralNormalization '{self.name}': {type(self.layer).__name__} has no 'kernel' nor "
                             "'embeddings' weight to normalize")
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u", dtype=kernel.dtype)

    def _normalized(self):
        w = ops.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = ops.matmul(u, ops.transpose(w))
            v = v * ops.rsqrt(ops.maximum(ops.sum(ops.square(v)), 1e-24))
            u = ops.matmul(v, w)
            u = u * ops.rsqrt(ops.maximum(ops.sum(ops.square(u)), 1e-24))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, w), ops.transpose(u))
        return u, ops.reshape(self.kernel.value / sigma, self.kernel_shape)

    def call(self, inputs, training=False):
        if training:
            all_zero = ops.all(ops.equal(self.kernel.value, 0))
            u, kernel = self._normalized()
            self.vector_u.assign(ops.where(all_zero, self.vector_u.value, u))
            self.kernel.assign(ops.where(all_zero, self.kernel.value, kernel))
        out = self.layer(inputs)
        return ops.cast(out, ops.dtype(inputs))

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}


__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization",
           "SpectralNormalization", "UnitNormalization"]

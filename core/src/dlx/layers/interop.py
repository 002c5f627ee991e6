"""Layers around other frameworks' models: TorchModuleWrapper (a ``torch.nn.Module``, torch
backend), JaxLayer / FlaxLayer (a JAX function / a Flax module, jax backend) and TFSMLayer (a
TensorFlow SavedModel, tf backend).

The framework is imported only when such a layer is made (``core`` imports none). Each layer's
weights are dlx variables, so optimizers, ``get_weights`` and saving see them; the foreign code
reads the variables' current values at every call (in a compiled training step, the values the
step traces), so gradients reach them.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import io
import re

import numpy as np

from dlx.layers.layer import Layer, shapes_to_symbolic


def _fw(module: str):
    """A framework module, imported by name: these layers run only on that framework's backend,
    which has imported it already (``core`` has no import of a framework)."""
    return importlib.import_module(module)


def _require_backend(layer: str, wanted: str) -> None:
    from dlx.backend import registry

    name = registry.current().name
    if name != wanted:
        raise ValueError(f"{layer} runs on the {wanted!r} backend only; the active backend is {name!r} (select it "
                         f"with dlx.backend.use({wanted!r}) or DLX_BACKEND={wanted})")


def _refuse_unsafe(what: str) -> None:
    from dlx.saving import in_safe_mode

    if in_safe_mode() is not False:
        raise ValueError(f"Loading {what} runs code stored in the file (arbitrary code execution), which safe mode "
                         "refuses. If you trust its source, pass safe_mode=False to the loading function or call "
                         "dlx.saving.enable_unsafe_deserialization()")


def _var_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "variable"


def _is_shape(x):
    return isinstance(x, tuple) and all(d is None or isinstance(d, int) for d in x)


def _is_spec(x):
    return isinstance(x, tuple) and len(x) == 2 and _is_shape(x[0]) and isinstance(x[1], str)


def _map(fn, x, is_leaf=lambda _: False):
    """``fn`` over the leaves of lists / tuples / dicts (``is_leaf`` stops the descent)."""
    if is_leaf(x):
        return fn(x)
    if isinstance(x, dict):
        return {k: _map(fn, v, is_leaf) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v, is_leaf) for v in x)
    return fn(x)


def _leaves(x, is_leaf):
    out = []
    _map(out.append, x, is_leaf)
    return out


def _probe_output_shapes(run, input_shapes):
    """Output ``(shape, dtype)`` specs of ``run(concrete shapes)`` with each unknown input dim
    probed at two sizes: an output dim that changes with them is unknown (``None``)."""
    outs = [run(_map(lambda s, n=size: tuple(n if d is None else d for d in s), input_shapes, _is_shape))
            for size in (2, 3)]
    second = iter(_leaves(outs[1], _is_spec))
    return _map(lambda a: (tuple(x if x == y else None for x, y in zip(a[0], next(second)[0])), a[1]), outs[0],
                _is_spec)


def _symbolic(specs):
    return _map(lambda sd: shapes_to_symbolic(sd[0], sd[1]), specs, _is_spec)


# ---------------------------------------------------------------------------------------- torch
class TorchModuleWrapper(Layer):
    """A ``torch.nn.Module`` as a dlx layer (torch backend).

    The module's parameters become the layer's variables (trainable where ``requires_grad``); the
    module keeps using them (the variables' storage replaces its parameters), so training the dlx
    model trains the module. ``training=False`` calls run the module in ``eval()`` mode, other
    calls in ``train()`` mode, as in Keras.

    Arguments:
        module: a ``torch.nn.Module`` (a lazy module must be initialized first).
        name: the layer's name.
        output_shape: the output shape (with the batch dim) for symbolic use; by default it is
            found by running the module on zeros.

    Saving: the config holds the pickled module (loading it needs ``safe_mode=False``, as in
    Keras); the weights are stored under the module's ``state_dict()`` keys (buffers too).

    Example:

    On the torch backend (``DLX_BACKEND=torch``; the NumPy-backend doctests skip it):

    >>> import torch  # doctest: +SKIP
    >>> import numpy as np  # doctest: +SKIP
    >>> from dlx import layers  # doctest: +SKIP
    >>> layer = layers.TorchModuleWrapper(torch.nn.Linear(3, 2))  # doctest: +SKIP
    >>> tuple(layer(np.ones((4, 3), "float32")).shape)  # doctest: +SKIP
    (4, 2)
    >>> sorted(tuple(w.shape) for w in layer.trainable_weights)  # doctest: +SKIP
    [(2,), (2, 3)]
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        _require_backend("TorchModuleWrapper", "torch")
        torch = _fw("torch")

        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"TorchModuleWrapper: module={module!r} is not a torch.nn.Module")
        lazy = torch.nn.modules.lazy.LazyModuleMixin
        if isinstance(module, lazy) and module.has_uninitialized_params():
            raise ValueError(f"TorchModuleWrapper: module={module} is a lazy module with uninitialized parameters; "
                             "run it once on an input first")
        super().__init__(name=name, **kwargs)
        from dlx.backend import registry

        self.module = module.to(registry.current().device())
        self.output_shape = None if output_shape is None else tuple(output_shape)
        self._param_names = []
        self._param_vars = []
        for pname, p in list(module.named_parameters()):
            value = p.detach()
            v = self.add_weight(shape=tuple(p.shape), initializer=lambda shape, dtype=None, t=value: t,
                                dtype=str(p.dtype).replace("torch.", ""), trainable=p.requires_grad,
                                name=_var_name(pname))
            # the module computes with the variable's own storage from now on
            owner, _, leaf = pname.rpartition(".")
            setattr(module.get_submodule(owner) if owner else module, leaf, v.storage)
            self._param_names.append(pname)
            self._param_vars.append(v)
        self.built = True

    def parameters(self, recurse=True):
        """The wrapped module's parameters (``torch.nn.Module.parameters``).

        Arguments:
            recurse: include the parameters of its submodules.

        Returns:
            An iterator of ``torch.nn.Parameter``.
        """
        return self.module.parameters(recurse=recurse)

    def call(self, *args, training=None, **kwargs):
        functional_call = _fw("torch.func").functional_call

        self.module.train(training is not False)
        values = {n: v.value for n, v in zip(self._param_names, self._param_vars)}
        return functional_call(self.module, values, args, kwargs)

    def compute_output_spec(self, *args, **kwargs):
        if self.output_shape is not None:
            return shapes_to_symbolic(self.output_shape, self.compute_dtype)
        torch = _fw("torch")

        from dlx.backend import registry

        device = registry.current().device()

        def run(shapes):
            ins = _map(lambda s: torch.zeros(s, device=device), shapes, _is_shape)
            mode = self.module.training
            try:
                with torch.no_grad():
                    self.module.train(False)
                    out = self.module(*ins)
            finally:
                self.module.train(mode)
            return _map(lambda t: (tuple(t.shape), str(t.dtype).replace("torch.", "")), out)

        return _symbolic(_probe_output_shapes(run, [_map(lambda t: tuple(t.shape), a) for a in args]))

    def compute_output_shape(self, input_shape):
        if self.output_shape is not None:
            return self.output_shape
        spec = self.compute_output_spec(shapes_to_symbolic(tuple(input_shape), self.compute_dtype))
        return _map(lambda s: tuple(s.shape), spec)

    def save_own_variables(self, store):
        for key, value in self.module.state_dict().items():
            store[key] = value.detach().cpu().numpy()

    def load_own_variables(self, store):
        torch = _fw("torch")

        from dlx.backend import registry

        device = registry.current().device()
        state = {(k.decode() if isinstance(k, bytes) else k): torch.as_tensor(np.asarray(store[k]), device=device)
                 for k in store}
        self.module.load_state_dict(state)

    def get_config(self) -> dict:
        torch = _fw("torch")

        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        return {**super().get_config(), "module": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "output_shape": self.output_shape}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        config = dict(config)
        if isinstance(config.get("module"), str):
            if safe_mode is not False:
                _refuse_unsafe("a TorchModuleWrapper (its config holds a pickled torch.nn.Module)")
            torch = _fw("torch")

            config["module"] = torch.load(io.BytesIO(base64.b64decode(config["module"].encode("ascii"))),
                                          weights_only=False)
        return cls(**config)


# ------------------------------------------------------------------------------------------ jax
def _fn_arguments(fn, what, allowed, required):
    names = list(inspect.signature(fn).parameters)
    for r in required:
        if r not in names:
            raise ValueError(f"JaxLayer: {what} has no `{r}` argument; its signature is {inspect.signature(fn)}")
    for n in names:
        if n not in allowed:
            raise ValueError(f"JaxLayer: {what} has an argument `{n}`; the supported arguments are "
                             f"{sorted(allowed)}")
    return names


class JaxLayer(Layer):
    """A JAX function as a dlx layer (jax backend).

    ``call_fn`` takes, by name and in any order, ``inputs`` (required) and any of ``params``
    (trainable weights: a pytree), ``state`` (non-trainable weights; ``call_fn`` then returns
    ``(outputs, new_state)``), ``rng`` (a JAX key, drawn from ``seed`` in training calls, ``None``
    otherwise) and ``training``. ``init_fn(rng, inputs, training)`` (those names, ``inputs``
    required) returns ``params`` or ``(params, state)``; it runs at build on ones of the input
    shape, unless ``params`` / ``state`` are given. The pytrees' arrays become the layer's
    variables (in ``jax.tree_util`` order).

    ``native_serialization_platforms`` is kept in the config for Keras, which uses it to convert
    ``call_fn`` for its TensorFlow backend; dlx runs ``call_fn`` on the jax backend only.

    Arguments:
        call_fn: the forward function, taking the arguments named above.
        init_fn: the function that makes ``params`` (and ``state``) at build (``None``: the
            weights come from ``params`` / ``state``, or the layer has none).
        params: the trainable weights as a pytree of arrays (``None``: made by ``init_fn``).
        state: the non-trainable weights as a pytree of arrays (``None``: made by ``init_fn``).
        seed: the seed of the keys given as ``rng`` (an int or ``None``).
        native_serialization_platforms: kept in the config only (see above).
        **kwargs: base :class:`Layer` arguments (``name``, ``dtype``, ...).

    Raises:
        ValueError: when the active backend is not jax, when ``call_fn`` / ``init_fn`` lacks
            ``inputs`` or takes another argument than those named above, or when ``call_fn``
            takes ``params`` or ``state`` but ``init_fn``, ``params`` and ``state`` are all
            ``None``.

    Example:

    On the jax backend (``DLX_BACKEND=jax``; the NumPy-backend doctests skip it):

    >>> import jax, jax.numpy as jnp  # doctest: +SKIP
    >>> import numpy as np  # doctest: +SKIP
    >>> from dlx import layers  # doctest: +SKIP
    >>> def init_fn(rng, inputs):  # doctest: +SKIP
    ...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 2)), "b": jnp.zeros((2,))}
    >>> def call_fn(params, inputs):  # doctest: +SKIP
    ...     return inputs @ params["w"] + params["b"]
    >>> layer = layers.JaxLayer(call_fn, init_fn=init_fn, seed=0)  # doctest: +SKIP
    >>> layer(np.ones((4, 3), "float32")).shape  # doctest: +SKIP
    (4, 2)
    >>> sorted(tuple(w.shape) for w in layer.trainable_weights)  # doctest: +SKIP
    [(2,), (3, 2)]
    """

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        _require_backend(type(self).__name__, "jax")
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        self.native_serialization_platforms = native_serialization_platforms
        self.call_fn_arguments = _fn_arguments(call_fn, "call_fn", {"params", "state", "rng", "inputs", "training"},
                                               {"inputs"})
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and (self.call_fn_has_params
                                                                     or self.call_fn_has_state):
            raise ValueError(f"{type(self).__name__}: init_fn, params and state are all None, but call_fn takes "
                             "`params` or `state`; pass one of them")
        self.init_fn_arguments = None if init_fn is None else _fn_arguments(
            init_fn, "init_fn", {"rng", "inputs", "training"}, {"inputs"})
        from dlx.random import SeedGenerator

        self.seed_generator = SeedGenerator(seed)
        self.params = self.state = None
        self._set_weights_from(params, state)
        if self.params is not None or self.state is not None:
            self.built = True

    def _variables(self, values, trainable):
        jax = _fw("jax")

        def make(value):
            if isinstance(value, (bool, int, float)) or hasattr(value, "shape"):
                arr = np.asarray(value)
                dtype = None if arr.dtype.kind == "f" else str(arr.dtype)
                return self.add_weight(shape=arr.shape, initializer=lambda shape, dtype=None, a=arr: a, dtype=dtype,
                                       trainable=trainable)
            return value

        return None if values is None else jax.tree_util.tree_map(make, values)

    def _set_weights_from(self, params, state):
        self.params = self._variables(params, True)
        self.state = self._variables(state, False)

    def _key(self, seed):
        jnp = _fw("jax.numpy")

        return jnp.asarray(seed, dtype=jnp.uint32)

    def _init_rng(self):
        return self._key(self.seed_generator.next())

    def _call_rng(self, training):
        return self._key(self.seed_generator.next()) if training else None

    def build(self, input_shape):
        if self.params is None and self.state is None and (self.call_fn_has_params or self.call_fn_has_state):
            jnp = _fw("jax.numpy")

            inputs = _map(lambda s: jnp.ones(tuple(1 if d is None else d for d in s)), tuple(input_shape),
                          _is_shape)
            args = {"rng": self._init_rng(), "inputs": inputs, "training": True}
            result = self.init_fn(*[args[n] for n in self.init_fn_arguments])
            params, state = result if self.call_fn_has_state else (result, None)
            self._set_weights_from(params, state)
        self.built = True

    def _call_args(self, inputs, training, params_values=None):
        jax = _fw("jax")

        def unwrap(v):
            return v.value if hasattr(v, "assign") else v

        args = []
        for n in self.call_fn_arguments:
            if n == "params":
                args.append(jax.tree_util.tree_map(unwrap, self.params))
            elif n == "state":
                args.append(jax.tree_util.tree_map(unwrap, self.state))
            elif n == "rng":
                args.append(self._call_rng(training))
            elif n == "inputs":
                args.append(inputs)
            else:
                args.append(bool(training))
        return args

    def call(self, inputs, training=False):
        jax = _fw("jax")

        out = self.call_fn(*self._call_args(inputs, training))
        if not self.call_fn_has_state:
            return out
        out, new_state = out

        def assign(value, variable):
            if not hasattr(variable, "assign"):
                raise ValueError(f"{type(self).__name__} '{self.name}': the state returned by call_fn does not have "
                                 "the structure of the initial state")
            variable.assign(value)

        jax.tree_util.tree_map(assign, new_state, self.state)
        return out

    def compute_output_spec(self, inputs, training=False):
        jax = _fw("jax")

        def unwrap(v):
            return jax.ShapeDtypeStruct(v.shape, v.dtype) if hasattr(v, "assign") else v

        dtype = getattr(inputs, "dtype", self.compute_dtype)

        def run(shapes):
            fake = _map(lambda s: jax.ShapeDtypeStruct(s, str(dtype)), shapes, _is_shape)
            traced = {"params": jax.tree_util.tree_map(unwrap, self.params),
                      "state": jax.tree_util.tree_map(unwrap, self.state), "inputs": fake,
                      "rng": jax.ShapeDtypeStruct((2,), "uint32") if training else None}

            def fn(traced):
                return self.call_fn(*[bool(training) if n == "training" else traced[n]
                                      for n in self.call_fn_arguments])

            out = jax.eval_shape(fn, traced)
            if self.call_fn_has_state:
                out = out[0]
            return _map(lambda s: (tuple(s.shape), str(s.dtype)), out)

        return _symbolic(_probe_output_shapes(run, _map(lambda t: tuple(t.shape), inputs)))

    def get_config(self) -> dict:
        from dlx import saving

        return {**super().get_config(), "call_fn": saving.serialize(self.call_fn),
                "init_fn": saving.serialize(self.init_fn),
                "native_serialization_platforms": self.native_serialization_platforms}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        from dlx import saving

        config = dict(config)
        for key in ("call_fn", "init_fn"):
            if key in config:
                config[key] = saving.deserialize(config[key], custom_objects)
        return cls(**config)


def _import_flax():
    try:
        linen = _fw("flax.linen")
    except ImportError as e:
        raise ImportError("FlaxLayer needs the `flax` package (flax.linen), which is not installed: pip install "
                          "flax") from e
    return linen


class FlaxLayer(JaxLayer):
    """A Flax (``flax.linen``) module as a dlx layer (jax backend; needs ``flax``).

    Arguments:
        module: a ``flax.linen.Module``.
        method: the module's method to call (default ``__call__``; a name or a bound method).
        variables: the module's variables (``{"params": ..., other collections}``); by default
            ``module.init`` makes them at build. ``"params"`` become trainable variables, the
            other collections non-trainable ones (updated by the calls, e.g. batch statistics).

    A ``training`` argument of the method receives the call's ``training``; training calls get a
    ``"dropout"`` key.
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        linen = _import_flax()
        self.module = module
        self.method = getattr(module, method) if isinstance(method, str) else method
        mutable = linen.DenyList(["params"])
        wants_training = "training" in inspect.signature(self.method or module.__call__).parameters

        if wants_training:
            def call_fn(params, state, rng, inputs, training):
                return module.apply(_merge(params, state), inputs, rngs=rng, method=self.method, mutable=mutable,
                                    training=training)

            def init_fn(rng, inputs, training):
                return _split(module.init(rng, inputs, method=self.method, training=training))
        else:
            def call_fn(params, state, rng, inputs):
                return module.apply(_merge(params, state), inputs, rngs=rng, method=self.method, mutable=mutable)

            def init_fn(rng, inputs):
                return _split(module.init(rng, inputs, method=self.method))

        params, state = _split(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    def _init_rng(self):
        return {"params": self._key(self.seed_generator.next()), "dropout": self._key(self.seed_generator.next())}

    def _call_rng(self, training):
        return {"dropout": self._key(self.seed_generator.next())} if training else {}

    def get_config(self) -> dict:
        from dlx import saving

        cfg = super().get_config()
        cfg.pop("call_fn")
        cfg.pop("init_fn")
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__
        return {**cfg, "module": saving.serialize(self.module), "method": saving.serialize(method)}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        from dlx import saving

        config = dict(config)
        config["module"] = saving.deserialize(config["module"], custom_objects)
        config["method"] = saving.deserialize(config.get("method"), custom_objects)
        return cls(**config)


def _merge(params, state):
    return {**(params or {}), **(state or {})}


def _split(variables):
    """Flax variables -> ``(params, state)`` as Keras splits them."""
    if variables is None:
        return None, None
    if "params" not in variables:
        return {}, variables
    if len(variables) == 1:
        return variables, {}
    return {"params": variables["params"]}, {k: v for k, v in variables.items() if k != "params"}


# ------------------------------------------------------------------------------------------- tf
class TFSMLayer(Layer):
    """A TensorFlow SavedModel as a dlx layer (tf backend), e.g. one written by
    ``model.export(path)``.

    Arguments:
        filepath: the SavedModel directory.
        call_endpoint: the function run by calls: an attribute of the loaded object or a
            signature name (default ``"serve"``).
        call_training_endpoint: the function run by ``training=True`` calls (default: the same
            as inference).
        trainable, name, dtype: as for any layer.

    An inference layer: the SavedModel's variables become the layer's (the same storage, so
    ``get_weights`` / ``set_weights`` and saving see them), listed as non-trainable whatever
    ``trainable`` says, because the SavedModel's graph reads its own variables and dlx's training
    steps differentiate through variable values (a model around it trains its other layers).
    Its config holds ``filepath``: loading it needs ``safe_mode=False`` (the SavedModel's graph
    is code), as in Keras.

    Example:

    On the tf backend (``DLX_BACKEND=tf``; the NumPy-backend doctests skip it); the ``serve``
    function of a dlx export returns a dict of outputs:

    >>> import numpy as np  # doctest: +SKIP
    >>> import dlx  # doctest: +SKIP
    >>> from dlx import layers  # doctest: +SKIP
    >>> model = dlx.Sequential([dlx.Input(shape=(3,)), layers.Dense(2)])  # doctest: +SKIP
    >>> model.export("exported_model", verbose=False)  # doctest: +SKIP
    >>> reloaded = layers.TFSMLayer("exported_model")  # doctest: +SKIP
    >>> x = np.ones((4, 3), "float32")  # doctest: +SKIP
    >>> out = reloaded(x)  # doctest: +SKIP
    >>> list(out), np.allclose(out["output_0"], model(x))  # doctest: +SKIP
    (['output_0'], True)
    """

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None, trainable=True, name=None,
                 dtype=None):
        _require_backend("TFSMLayer", "tf")
        tf = _fw("tensorflow")

        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self._reloaded = tf.saved_model.load(str(filepath))
        self.filepath = str(filepath)
        self.call_endpoint = call_endpoint
        self.call_training_endpoint = call_training_endpoint
        self._call_fn = self._endpoint(call_endpoint)
        self._train_fn = self._endpoint(call_training_endpoint) if call_training_endpoint else None
        from dlx.variables import Variable

        trainable, other, seen = [], [], set()
        for fn in (self._call_fn, self._train_fn):
            if fn is None:
                continue
            if hasattr(fn, "concrete_functions"):
                concrete = list(fn.concrete_functions)
            elif hasattr(fn, "get_concrete_function"):
                concrete = [fn.get_concrete_function()]
            else:
                concrete = [fn]
            for cf in concrete:
                for tv in cf.trainable_variables:
                    if id(tv) not in seen:
                        seen.add(id(tv))
                        trainable.append(tv)
            for cf in concrete:
                for tv in cf.variables:
                    if id(tv) not in seen:
                        seen.add(id(tv))
                        other.append(tv)
        for tv in trainable + other:
            # non-trainable in dlx: training steps differentiate the variables' values, which the
            # SavedModel's graph does not read (it reads its own captured variables)
            v = Variable(np.zeros(tuple(tv.shape), tv.dtype.as_numpy_dtype), trainable=False,
                         name=_var_name(tv.name.split(":")[0]))
            v._storage = tv  # the SavedModel's own variable
            self._track_variable(v)
        self.built = True

    def _endpoint(self, name):
        obj = self._reloaded
        if hasattr(obj, name):
            return getattr(obj, name)
        if name in getattr(obj, "signatures", {}):
            return obj.signatures[name]
        raise ValueError(f"TFSMLayer: the endpoint {name!r} is neither an attribute nor a signature of the SavedModel "
                         f"{self.filepath!r}; its signatures are {sorted(getattr(obj, 'signatures', {}))}")

    def call(self, inputs, training=False, **kwargs):
        fn = self._train_fn if training and self._train_fn is not None else self._call_fn
        return fn(inputs, **kwargs)

    def compute_output_spec(self, inputs, training=False, **kwargs):
        tf = _fw("tensorflow")

        fn = self._train_fn if training and self._train_fn is not None else self._call_fn
        spec = _map(lambda t: tf.TensorSpec(tuple(t.shape), str(t.dtype)), inputs)
        out = fn.get_concrete_function(spec).structured_outputs if hasattr(fn, "get_concrete_function") else None
        if out is None:
            raise ValueError(f"TFSMLayer '{self.name}': the endpoint cannot be traced for symbolic inputs; call it on "
                             "tensors")
        return _map(lambda t: shapes_to_symbolic(tuple(t.shape), t.dtype.name), out)

    def get_config(self) -> dict:
        cfg = super().get_config()
        keep = {k: cfg[k] for k in ("name", "trainable", "dtype") if k in cfg}
        return {**keep, "filepath": self.filepath, "call_endpoint": self.call_endpoint,
                "call_training_endpoint": self.call_training_endpoint}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        if safe_mode is not False:
            _refuse_unsafe("a TFSMLayer (it loads an external SavedModel, whose graph is code)")
        return cls(**config)


__all__ = ["FlaxLayer", "JaxLayer", "TFSMLayer", "TorchModuleWrapper"]

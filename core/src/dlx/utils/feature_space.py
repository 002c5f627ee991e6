"""``FeatureSpace``: one object that preprocesses a dict of structured-data columns (Keras's
``keras.utils.FeatureSpace``), with no TensorFlow.

Each feature is a preprocessing layer (``Normalization``, ``Rescaling``, ``Discretization``,
``IntegerLookup``, ``StringLookup``, ``Hashing``) plus an output mode; ``crosses`` hash pairs (or
more) of preprocessed features together (``HashedCrossing``). ``adapt()`` learns the state of the
adaptable ones; calling the space on a dict of arrays gives one concatenated float matrix (or a
dict of encoded features). String columns are handled by dlx's host-side string layers.

A functional graph can start from :meth:`FeatureSpace.get_inputs` when every column is numeric
(dlx's ``Input`` has no string dtype). With string columns, preprocess in the input pipeline
(``dataset.map(lambda x, y: (feature_space(x), y))``) and build the model on
:meth:`FeatureSpace.get_encoded_features`, an ``Input`` of the encoded width.
"""

from __future__ import annotations

import builtins

import numpy as np

from dlx import ops
from dlx import serialization as _serialization
from dlx.layers import preprocessing as P
from dlx.layers.layer import Layer
from dlx.layers.preprocessing.data_layer import to_host
from dlx.utils.naming import auto_name


class Cross:
    """A crossing of features (``FeatureSpace.cross``): their preprocessed values hashed together
    into ``crossing_dim`` bins, output as ``"one_hot"`` or ``"int"``."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in {"int", "one_hot"}:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot'}}. "
                             f"Received: output_mode={output_mode}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """One column of a :class:`FeatureSpace`: its input ``dtype``, its ``preprocessor`` layer and
    its ``output_mode`` (``"int"``, ``"one_hot"`` or ``"float"``)."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'int', 'one_hot', "
                             f"'float'}}. Received: output_mode={output_mode}")
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            preprocessor = _deserialize(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": _serialize(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class TFDIdentity(Layer):
    """The ``"float"`` feature's preprocessor: its input as float32 (Keras's class name, so
    configs written by either library load in the other)."""

    def call(self, x):
        return ops.cast(x, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class TFDConcat(Layer):
    """Concatenates the encoded features along ``axis`` (Keras's class name)."""

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, xs):
        return ops.concatenate([ops.cast(x, "float32") for x in xs], axis=self.axis)

    def compute_output_shape(self, input_shapes):
        shapes = [tuple(s) for s in input_shapes]
        widths = [s[self.axis] for s in shapes]
        width = None if any(w is None for w in widths) else sum(widths)
        out = list(shapes[0])
        out[self.axis] = width
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


_LOCAL = {"Feature": Feature, "Cross": Cross, "TFDIdentity": TFDIdentity, "TFDConcat": TFDConcat}
#: where Keras defines these classes: their configs name it, so Keras can load dlx's files
KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"


def _serialize(obj):
    out = _serialization.serialize(obj)
    if type(obj) in _LOCAL.values():
        out["module"] = KERAS_MODULE
    return out


def _deserialize(config):
    return _serialization.deserialize(config, custom_objects=_LOCAL)


def _rows(dataset):
    """The elements of ``adapt()``'s dataset: a dict of arrays gives its rows; a ``tf.data`` / dlx
    dataset or any iterable gives its items (dicts of batches or of single values)."""
    if isinstance(dataset, dict):
        cols = {k: to_host(v, f"adapt(): feature {k!r}") for k, v in dataset.items()}
        n = {len(v) for v in cols.values()}
        if len(n) != 1:
            raise ValueError(f"adapt(): the arrays of the dict have different lengths {sorted(n)}")
        count = n.pop()
        return ({k: v[i] for k, v in cols.items()} for i in range(count)), False
    if hasattr(dataset, "as_numpy_iterator"):
        return dataset.as_numpy_iterator(), True
    if hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes, np.ndarray)):
        return iter(dataset), True
    raise ValueError(f"`adapt()` can only be called on a dataset or a dict of arrays/lists. Received instead: "
                     f"{dataset!r} (of type {type(dataset)})")


def _feature_batches(dataset, name):
    """The batches of one feature, shaped ``(batch, 1)`` as Keras feeds them to ``adapt``."""
    rows, _ = _rows(dataset)
    pending = []
    for element in rows:
        if isinstance(element, tuple):
            element = element[0]
        if not isinstance(element, dict) or name not in element:
            raise ValueError(f"adapt(): every element must be a dict holding feature {name!r}; received "
                             f"{type(element).__name__}")
        x = to_host(element[name], f"adapt(): feature {name!r}")
        if x.ndim == 0:  # single values: batched by 32, as Keras's adapt does
            pending.append(x)
            if len(pending) == 32:
                yield np.stack(pending)[:, None]
                pending = []
            continue
        yield x[:, None] if x.ndim == 1 else x
    if pending:
        yield np.stack(pending)[:, None]


def _is_tf_graph_tensor(x) -> bool:
    return type(x).__module__.startswith("tensorflow") and not hasattr(x, "numpy")


class FeatureSpace(Layer):
    """Preprocesses and encodes a dict of structured-data features (Keras's
    ``keras.utils.FeatureSpace``).

    Arguments:
        features: ``{name: feature}`` where a feature is a :class:`Feature` (from the class
            methods ``float``, ``float_rescaled``, ``float_normalized``, ``float_discretized``,
            ``integer_categorical``, ``string_categorical``, ``integer_hashed``,
            ``string_hashed``, ``feature``) or one of those method names as a string.
        output_mode: ``"concat"`` (one float matrix, features in sorted name order, then
            crosses) or ``"dict"``.
        crosses: feature-name tuples (or :meth:`cross` objects) to hash together.
        crossing_dim: the bins of a cross given as a tuple.
        hashing_dim: the bins of a ``"*_hashed"`` feature given as a string.
        num_discretization_bins: the bins of a ``"float_discretized"`` feature given as a string.
        name: the layer's name.

    >>> import dlx, numpy as np
    >>> with dlx.backend.use("numpy"):
    ...     fs = FeatureSpace({"age": "float_normalized", "color": "string_categorical"})
    ...     fs.adapt({"age": np.array([20.0, 30.0, 40.0]), "color": np.array(["red", "blue", "red"])})
    ...     dlx.ops.convert_to_numpy(fs({"age": np.array([30.0]), "color": np.array(["blue"])})).tolist()
    [[0.0, 0.0, 0.0, 1.0]]
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        """A crossing of features: their preprocessed values hashed together into ``crossing_dim`` bins
        (pass it in ``crosses``).

        Arguments:
            feature_names: the names of the crossed features.
            crossing_dim: the number of hash bins.
            output_mode: ``"one_hot"`` or ``"int"`` (the bin index).

        Returns:
            A :class:`Cross`.
        """
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        """A feature with a preprocessing layer of your own.

        Arguments:
            dtype: the input dtype (``"float32"``, ``"int32"``, ``"string"``, ...).
            preprocessor: the layer applied to the feature (adapted by :meth:`adapt` when it has an
                ``adapt`` method).
            output_mode: ``"int"``, ``"one_hot"`` or ``"float"``.

        Returns:
            A :class:`Feature`.
        """
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """A float feature passed through unchanged.

        Arguments:
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("float")
        return Feature("float32", TFDIdentity(dtype="float32", name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """A float feature mapped to ``x * scale + offset``.

        Arguments:
            scale: the factor.
            offset: added after scaling.
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("float_rescaled")
        return Feature("float32", P.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_normalized(cls, name=None):
        """A float feature normalized to zero mean and unit variance with statistics learned by
        :meth:`adapt`.

        Arguments:
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("float_normalized")
        return Feature("float32", P.Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        """A float feature bucketized into bins (quantiles learned by :meth:`adapt`, or given boundaries).

        Arguments:
            num_bins: the number of bins to learn.
            bin_boundaries: fixed boundaries instead (then nothing is learned).
            output_mode: ``"one_hot"`` or ``"int"`` (the bin index).
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("float_discretized")
        layer = P.Discretization(num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor")
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """An integer category feature, indexed by a vocabulary learned by :meth:`adapt`.

        Arguments:
            max_tokens: the largest vocabulary (None: no limit).
            num_oov_indices: indices kept for values outside the vocabulary.
            output_mode: ``"one_hot"`` or ``"int"`` (the index).
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("integer_categorical")
        layer = P.IntegerLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
        """A string category feature, indexed by a vocabulary learned by :meth:`adapt`.

        Arguments:
            max_tokens: the largest vocabulary (None: no limit).
            num_oov_indices: indices kept for values outside the vocabulary.
            output_mode: ``"one_hot"`` or ``"int"`` (the index).
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("string_categorical")
        layer = P.StringLookup(name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices)
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """A string feature hashed into ``num_bins`` bins (nothing to learn).

        Arguments:
            num_bins: the number of hash bins.
            output_mode: ``"one_hot"`` or ``"int"`` (the bin).
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("string_hashed")
        return Feature("string", P.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """An integer feature hashed into ``num_bins`` bins (nothing to learn).

        Arguments:
            num_bins: the number of hash bins.
            output_mode: ``"one_hot"`` or ``"int"`` (the bin).
            name: the prefix of its preprocessing layer's name (default: a unique one).

        Returns:
            A :class:`Feature`.
        """
        name = name or auto_name("integer_hashed")
        return Feature("int32", P.Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32, hashing_dim=32,
                 num_discretization_bins=32, name=None):
        super().__init__(name=name)
        if not features:
            raise ValueError("The `features` argument cannot be None or empty.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {name: self._standardize_feature(name, value) for name, value in features.items()}
        self.crosses = []
        for cross in crosses or ():
            if isinstance(cross, dict):
                cross = _deserialize(cross)
            if not isinstance(cross, Cross):
                if not crossing_dim:
                    raise ValueError("When specifying `crosses`, the argument `crossing_dim` (dimensionality of the "
                                     "crossing space) should be specified as well.")
                unknown = [k for k in cross if k not in self.features]
                if unknown:
                    raise ValueError(f"All features referenced in the `crosses` argument should be present in the "
                                     f"`features` dict. Received unknown features: {cross}")
                cross = Cross(cross, crossing_dim=crossing_dim)
            self.crosses.append(cross)
        self.crosses_by_name = {c.name: c for c in self.crosses}
        if output_mode not in {"dict", "concat"}:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {{'dict', 'concat'}}. "
                             f"Received: output_mode={output_mode}")
        self.output_mode = output_mode
        self.preprocessors = {name: f.preprocessor for name, f in self.features.items()}
        self.crossers = {c.name: P.HashedCrossing(c.crossing_dim, name=c.name) for c in self.crosses}
        self.one_hot_encoders = {}
        self.concat = None
        self.encoded_features = None
        self._inputs = None
        self._is_adapted = False
        self._sublayers_built = False

    def _standardize_feature(self, name, feature):
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            return _deserialize(feature)
        makers = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(name=name, num_bins=self.num_discretization_bins),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if not isinstance(feature, str) or feature not in makers:
            raise ValueError(f"Invalid feature type: {feature}")
        return makers[feature]()

    # ------------------------------------------------------------------------------ adapt
    def _adaptable(self) -> list[str]:
        names = []
        for name, layer in self.preprocessors.items():
            if isinstance(layer, P.Normalization) and layer.input_mean is not None:
                continue  # a Normalization with a given mean and variance
            if isinstance(layer, P.TextVectorization) and getattr(layer, "_has_input_vocabulary", False):
                continue
            if isinstance(layer, P.Discretization) and layer.num_bins is None:
                continue  # given bin_boundaries
            if isinstance(layer, (P.IntegerLookup, P.StringLookup)) and layer.vocabulary_size() > \
                    layer.num_oov_indices + (1 if layer.mask_token is not None else 0):
                continue  # given a vocabulary
            if hasattr(layer, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset):
        """Learns each adaptable preprocessor's state (vocabularies, means and variances, bin
        boundaries) from ``dataset``: a dict of arrays / lists (one row per sample), or a dataset
        (``tf.data``, a dlx :class:`~dlx.utils.Dataset`, any iterable) of such dicts."""
        _rows(dataset)  # validates the argument before any layer changes
        for name in self._adaptable():
            self.preprocessors[name].adapt(_feature_batches(dataset, name))
        self._is_adapted = True
        self._finish_build()

    def _check_if_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("You need to call `.adapt(dataset)` on the FeatureSpace before you can start using "
                                 "it.")
            self._is_adapted = True

    # ------------------------------------------------------------------------------ encoders
    def _cardinality(self, name, spec) -> int:
        layer = self.preprocessors.get(name) or self.crossers.get(name)
        if isinstance(layer, (P.IntegerLookup, P.StringLookup)):
            return layer.vocabulary_size()
        if isinstance(layer, P.CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, P.Discretization):
            return layer.num_bins if layer.num_bins is not None else len(layer.bin_boundaries) + 1
        if isinstance(layer, (P.HashedCrossing, P.Hashing)):
            return layer.num_bins
        if isinstance(layer, (TFDIdentity, P.Normalization, P.Rescaling)):
            raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. Thus its preprocessor should return an "
                             "integer dtype. Instead it returns a float32 dtype.")
        raise ValueError(f"Feature '{name}' has `output_mode='one_hot'`. However it isn't a standard feature and the "
                         "dimensionality of its output space is not known, thus it cannot be one-hot encoded. Try "
                         "using `output_mode='int'`.")

    def _names(self):
        return sorted(self.features), sorted(self.crosses_by_name)

    def _finish_build(self):
        self._check_if_adapted()
        if self._sublayers_built:
            return
        feats, crosses = self._names()
        specs = [self.features[n] for n in feats] + [self.crosses_by_name[n] for n in crosses]
        for name, spec in zip(feats + crosses, specs):
            if spec.output_mode == "one_hot":
                self.one_hot_encoders[name] = P.CategoryEncoding(num_tokens=self._cardinality(name, spec),
                                                                 output_mode="multi_hot")
            elif self.output_mode == "concat" and spec.output_mode == "int":
                raise ValueError(f"Cannot concatenate features because feature '{name}' has not been encoded (it "
                                 "has output_mode='int'). Consider using `output_mode='dict'`.")
        if self.output_mode == "concat":
            self.concat = TFDConcat(axis=-1)
        self._sublayers_built = True
        self.built = True

    # ------------------------------------------------------------------------------ calling
    def _encode(self, data):
        pre = {name: self.preprocessors[name](data[name]) for name in self.features}
        crossed = {c.name: self.crossers[c.name]([pre[n] for n in c.feature_names]) for c in self.crosses}
        feats, crosses = self._names()
        out = {}
        for name in feats + crosses:
            value = pre[name] if name in pre else crossed[name]
            encoder = self.one_hot_encoders.get(name)
            out[name] = encoder(value) if encoder is not None else value
        if self.output_mode == "dict":
            return out
        return self.concat([out[n] for n in feats + crosses])

    def __call__(self, data):
        self._finish_build()
        if not isinstance(data, dict):
            raise ValueError(f"A FeatureSpace can only be called with a dict. Received: data={data} (of type "
                             f"{type(data)})")
        missing = [n for n in self.features if n not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data has no value for the features {missing}")
        if any(_is_tf_graph_tensor(data[n]) for n in self.features):
            return self._tf_graph_call(data)
        host, rebatched = {}, False
        for name in self.features:
            x = to_host(data[name], f"FeatureSpace: feature {name!r}")
            if x.ndim == 0:
                x, rebatched = x.reshape(1, 1), True
            elif x.ndim == 1:
                x = x[:, None]
            host[name] = x
        out = self._encode(host)
        if rebatched:
            if self.output_mode == "concat":
                return ops.squeeze(out, axis=0)
            return {k: (ops.squeeze(v, axis=0) if len(v.shape) == 2 and v.shape[0] == 1 else v)
                    for k, v in out.items()}
        return out

    def _tf_graph_call(self, data):
        """Inside ``tf.data.Dataset.map`` (graph tensors): the space runs on the host through
        ``tf.py_function`` and returns TensorFlow tensors of the encoded shape."""
        import sys

        tf = sys.modules["tensorflow"]
        names = list(self.features)
        widths = self._widths()
        keys = list(widths) if self.output_mode == "dict" else [None]
        dtypes = {k: ("float32" if k is None or k in self.one_hot_encoders or
                      getattr(self.features.get(k), "output_mode", "int") == "float" else "int64") for k in keys}

        def run(*values):
            out = self({n: v.numpy() for n, v in zip(names, values)})
            out = {None: out} if keys == [None] else out
            return [np.asarray(ops.convert_to_numpy(out[k])).astype(dtypes[k]) for k in keys]

        results = tf.py_function(run, [data[n] for n in names], [tf.as_dtype(dtypes[k]) for k in keys])
        rank = len(data[names[0]].shape)
        for k, r in zip(keys, results):
            width = builtins.sum(widths.values()) if k is None else widths[k]
            r.set_shape((width,) if rank == 0 else (None, width))
        if keys == [None]:
            return results[0]
        return dict(zip(keys, results))

    # ------------------------------------------------------------------------------ graph
    def _string_features(self):
        return [n for n, f in self.features.items() if f.dtype == "string"]

    def get_inputs(self):
        """``{name: Input((1,), dtype)}`` for a functional model that starts from the raw
        features (numeric features only: dlx's ``Input`` has no string dtype)."""
        self._finish_build()
        strings = self._string_features()
        if strings:
            raise ValueError(f"FeatureSpace.get_inputs(): the string features {strings} cannot be inputs of a dlx "
                             "functional model (dlx's Input has no string dtype); preprocess them in the input "
                             "pipeline (`dataset.map(lambda x, y: (feature_space(x), y))`) and start the model from "
                             "get_encoded_features()")
        if self._inputs is None:
            from dlx.layers import Input

            self._inputs = {name: Input(shape=(1,), dtype=f.dtype, name=name) for name, f in self.features.items()}
        return self._inputs

    def get_encoded_features(self):
        """The encoded features as symbolic tensors: the output of the preprocessing graph on
        :meth:`get_inputs` when every feature is numeric, else ``Input`` s of the encoded widths
        (one, or one per feature with ``output_mode="dict"``)."""
        self._finish_build()
        if self.encoded_features is None:
            if self._string_features():
                from dlx.layers import Input

                widths = self._widths()
                if self.output_mode == "concat":
                    self.encoded_features = Input(shape=(builtins.sum(widths.values()),), name="encoded_features")
                else:
                    self.encoded_features = {n: Input(shape=(w,), name=n) for n, w in widths.items()}
            else:
                self.encoded_features = self._encode(self.get_inputs())
        return self.encoded_features

    def _widths(self) -> dict:
        feats, crosses = self._names()
        widths = {}
        for name in feats + crosses:
            encoder = self.one_hot_encoders.get(name)
            widths[name] = encoder.num_tokens if encoder is not None else 1
        return widths

    def compute_output_shape(self, input_shape=None):
        widths = self._widths()
        if self.output_mode == "concat":
            return (None, builtins.sum(widths.values()))
        return {n: (None, w) for n, w in widths.items()}

    # ------------------------------------------------------------------------------ config
    def get_config(self):
        return {"features": {n: _serialize(f) for n, f in self.features.items()},
                "output_mode": self.output_mode, "crosses": [_serialize(c) for c in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {name: f.preprocessor.get_build_config() for name, f in self.features.items()}

    def build_from_config(self, config):
        for name, cfg in (config or {}).items():
            layer = self.features[name].preprocessor
            if not layer.built and cfg:
                layer.build_from_config(cfg)
        self._is_adapted = True

    def save(self, filepath):
        """Saves the space (configuration and adapted state) as a ``.keras`` file;
        ``dlx.saving.load_model`` loads it back."""
        from dlx.saving import saving_lib

        saving_lib.save_model(self, filepath)

    def save_own_variables(self, store):
        return

    def load_own_variables(self, store):
        return

"""``StringLookup`` and ``IntegerLookup`` (Keras's lookup layers) in NumPy / pure Python.

The vocabulary is a Python list and a dict; ``adapt`` counts tokens with ``collections.Counter``
and orders them as Keras does (by count, ties by token, both descending). Out-of-vocabulary
tokens with ``num_oov_indices > 1`` are hashed with FarmHash Fingerprint64 (strings), ``floormod``
(integers) or SipHash with a ``salt`` — the same buckets as Keras. A learned vocabulary is saved
in a ``.keras`` file as ``assets/<path>/vocabulary.txt`` and TF-IDF weights as the variable
``idf_weights``, as Keras writes them.
"""

from __future__ import annotations

import collections
import os

import numpy as np

from dlx.layers.preprocessing import _hashing_fns as H
from dlx.layers.preprocessing.data_layer import DataLayer, encode_categorical, encode_rows, to_host
from dlx.ops.symbolic import SymbolicTensor

_INT64_MAX = np.iinfo(np.int64).max
_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _to_list(x):
    if x is None:
        return None
    if hasattr(x, "tolist") and not isinstance(x, (list, tuple)):
        return x.tolist()
    return list(x)


def _iter_batches(data, steps):
    """``data`` as an iterable of batches: arrays/lists are one batch; datasets, generators and
    other iterables are their elements (at most ``steps`` of them)."""
    if isinstance(data, (np.ndarray, list, tuple, str, bytes)) or (hasattr(data, "shape") and hasattr(data, "dtype")
                                                                      and not hasattr(data, "element_spec")):
        if steps is not None:
            raise ValueError(f"adapt(): `steps` is only supported for datasets and iterables, not for "
                             f"{type(data).__name__} data; received steps={steps}")
        return None
    if hasattr(data, "__len__") and hasattr(data, "__getitem__") and hasattr(data, "num_batches"):
        # a dlx / Keras PyDataset
        n = data.num_batches if steps is None else min(steps, data.num_batches)
        return (data[i] for i in range(n))
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt(): expected an array, a list, a dataset or an iterable of batches; received "
                        f"{type(data).__name__}")

    def gen():
        for i, batch in enumerate(data):
            if steps is not None and i >= steps:
                break
            yield batch

    return gen()


def _first(batch):
    """The inputs of a dataset element that may be ``(x, y)`` / ``(x, y, w)``."""
    if isinstance(batch, tuple) and batch and not isinstance(batch[0], (str, bytes, int, float)):
        return batch[0]
    return batch


class IndexLookup(DataLayer):
    """The shared implementation of :class:`StringLookup` and :class:`IntegerLookup`."""

    _string = True

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{cls}: if set, `max_tokens` must be greater than 1; received max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{cls}: pad_to_max_tokens=True needs `max_tokens`; received max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"{cls}: `num_oov_indices` must be >= 0; received num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{cls}: `oov_method` must be 'floormod' or 'farmhash'; received {oov_method!r}")
        if salt is not None:
            if not self._string and oov_method != "farmhash":
                raise ValueError(f"{cls}: `salt` can only be used with oov_method='farmhash'; received "
                                 f"oov_method={oov_method!r}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)):
                salt = [int(salt), int(salt)]
            else:
                raise ValueError(f"{cls}: `salt` must be an int or a pair of ints; received salt={salt!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"{cls}: invalid value for argument `output_mode`: {output_mode!r}; expected one of "
                             f"{_MODES}")
        if invert and output_mode != "int":
            raise ValueError(f"{cls}: `output_mode` must be 'int' when `invert` is true; received "
                             f"output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"{cls}: sparse=True is not supported (dlx returns dense tensors on every backend)")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{cls}: `idf_weights` should only be set if `output_mode` is 'tf_idf'; received "
                             f"output_mode={output_mode!r}")
        frozen = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: list = []
        self._index: dict = {}
        self.idf_weights_const = None
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None and vocabulary is not None:
            raise ValueError(f"{cls}: with a `vocabulary` in TF-IDF output mode, `idf_weights` must also be given")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    # ------------------------------------------------------------------------------ vocabulary
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _norm_token(self, t):
        if self._string:
            if isinstance(t, bytes):
                return t.decode(self.encoding)
            if not isinstance(t, str):
                raise TypeError(f"{type(self).__name__}: expected string tokens; received {t!r}")
            return t
        if isinstance(t, (str, bytes, bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}: expected integer tokens; received {t!r}")
        return int(t)

    def vocabulary_size(self) -> int:
        """The vocabulary size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary; with ``include_special_tokens`` a term's position is its index."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: i + start for i, t in enumerate(self._tokens)}
        self._reverse = dict(enumerate(self._tokens, start))

    def _record_vocabulary_size(self) -> None:
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None \
                and self.vocabulary_size() != self._frozen_vocab_size and self.built:
            raise RuntimeError(f"With output_mode={self.output_mode!r} and pad_to_max_tokens=False, the vocabulary "
                               f"size cannot change after the layer is called: old size {self._frozen_vocab_size}, "
                               f"new size {self.vocabulary_size()}")
        self._frozen_vocab_size = self.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Sets the vocabulary (a list/array of terms or the path of a text file, one term a line)
        and, in ``"tf_idf"`` mode, the inverse document frequencies."""
        cls = type(self).__name__
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{cls}: `idf_weights` must be set if output_mode is 'tf_idf'")
        elif idf_weights is not None:
            raise ValueError(f"{cls}: `idf_weights` should only be set if output_mode is 'tf_idf'; received "
                             f"output_mode={self.output_mode!r}")
        if isinstance(vocabulary, (str, os.PathLike)):
            path = os.fspath(vocabulary)
            if not os.path.exists(path):
                raise ValueError(f"{cls}: vocabulary file {path} does not exist")
            if self.output_mode == "tf_idf":
                raise ValueError(f"{cls}: output_mode 'tf_idf' does not support loading a vocabulary from a file")
            with open(path, encoding=getattr(self, "encoding", "utf-8")) as f:
                lines = f.read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            tokens = [self._norm_token(line if self._string else int(line)) for line in lines]
            self._has_input_vocabulary = True
            self._set_tokens(tokens)
            self._record_vocabulary_size()
            return
        if hasattr(vocabulary, "shape") and not isinstance(vocabulary, np.ndarray):
            vocabulary = to_host(vocabulary)
        vocab = [self._norm_token(t) for t in np.asarray(vocabulary, dtype=object).ravel().tolist()] \
            if len(vocabulary) else []
        if not vocab:
            raise ValueError(f"{cls}: cannot set an empty vocabulary; received vocabulary={vocabulary!r}")
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = vocab[:start] == special
        tokens = vocab[start:] if found_special else vocab
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{cls}: the vocabulary has repeated terms; uniquify it. Repeated terms: {repeated}")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{cls}: found the reserved mask token {self.mask_token!r} at index "
                             f"{vocab.index(self.mask_token)} of `vocabulary`; the vocabulary need not include the "
                             f"mask and OOV tokens, or must start with exactly {special}")
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(f"{cls}: found the reserved OOV token {self.oov_token!r} in `vocabulary`; the "
                             f"vocabulary need not include the mask and OOV tokens, or must start with exactly "
                             f"{special}")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(f"{cls}: attempted to set a vocabulary of size {start + len(tokens)}, larger than "
                             f"max_tokens={self.max_tokens}")
        self._set_tokens(tokens)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf":
            w = np.asarray(to_host(idf_weights) if hasattr(idf_weights, "shape") else idf_weights, dtype=np.float64)
            if w.ndim != 1:
                raise ValueError(f"{cls}: `idf_weights` must be 1-D; received shape {w.shape}")
            if len(w) != len(vocab):
                raise ValueError(f"{cls}: `idf_weights` must be as long as the vocabulary: len(idf_weights) is "
                                 f"{len(w)}, len(vocabulary) is {len(vocab)}")
            front, front_value = (0, 0.0) if found_special else (start, float(np.average(w)))
            back = self.max_tokens - front - len(w) if self.pad_to_max_tokens and self.max_tokens else 0
            self.idf_weights_const = np.pad(w, (front, back), constant_values=(front_value, 0.0)).astype(np.float32)

    # ------------------------------------------------------------------------------ adapt
    def reset_state(self) -> None:
        self._counts = collections.Counter()
        self._doc_counts = collections.Counter()
        self._num_documents = 0

    def _host_tokens(self, data) -> np.ndarray:
        arr = to_host(data)
        if self._string and arr.dtype.kind != "O" and arr.size:
            raise TypeError(f"{type(self).__name__}: expected string data; received dtype {arr.dtype}")
        if not self._string and arr.dtype.kind not in "iu" and arr.size:
            if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
                arr = arr.astype(np.int64)
            else:
                raise TypeError(f"{type(self).__name__}: expected integer data; received dtype {arr.dtype}")
        return arr

    def update_state(self, data) -> None:
        """Counts the tokens of one batch (``adapt`` calls it per batch)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via the "
                             "`vocabulary` argument or set_vocabulary()")
        if isinstance(data, list) and data and isinstance(data[0], (list, np.ndarray)) and \
                len({len(r) for r in data}) > 1:
            rows = [[self._norm_token(t) for t in np.asarray(r, dtype=object).ravel().tolist()] for r in data]
        else:
            arr = self._host_tokens(data)
            if arr.ndim == 0:
                arr = arr[None]
            if arr.ndim == 1:
                arr = arr[None]
            rows = [[self._norm_token(t) for t in r.ravel().tolist()] for r in arr]
        for r in rows:
            self._counts.update(r)
        if self.output_mode == "tf_idf":
            for r in rows:
                self._doc_counts.update(set(r))
            self._num_documents += len(rows)

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._counts:
            self._record_vocabulary_size()
            return
        counts = self._counts
        counts.pop(self.mask_token, None)
        counts.pop(self.oov_token, None)
        # by count, ties by token, both descending (Keras's lexsort order)
        tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            tokens = tokens[:self.max_tokens - self._token_start_index()]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            df = np.asarray([self._doc_counts[t] for t in tokens], dtype=np.float64)
            idf = np.log(1 + self._num_documents / (1 + df)).astype(np.float32)
            mean = np.float32(np.mean(idf)) if idf.size else np.float32(0)
            idf = np.concatenate([np.full(self._token_start_index(), mean, np.float32), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
            self.idf_weights_const = idf
        self.reset_state()
        self._record_vocabulary_size()

    def adapt(self, data, steps=None) -> None:
        """Learns the vocabulary (and, in ``"tf_idf"`` mode, document frequencies) from ``data``:
        an array or list (one batch; a 1-D array is a column of single-token samples), or a
        dataset / iterable of batches (``tf.data``, a torch ``DataLoader``, a generator)."""
        self.reset_state()
        batches = _iter_batches(data, steps)
        if batches is None:
            arr = self._host_tokens(data)
            if arr.ndim == 1:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for batch in batches:
                self.update_state(_first(batch))
        self.finalize_state()

    # ------------------------------------------------------------------------------ call
    def _ensure_known_vocab_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise RuntimeError(f"With output_mode={self.output_mode!r} and pad_to_max_tokens=False, you must set "
                               f"the vocabulary of layer '{self.name}' before calling it: pass `vocabulary` or call "
                               "adapt() with sample data.")

    def _lookup(self, arr: np.ndarray) -> np.ndarray:
        """Indices (int64) of the tokens in ``arr`` (any shape), mask and OOV rules applied."""
        flat = arr.ravel().tolist()
        if self.invert:
            raise AssertionError("invert uses _invert")
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        toks = [self._norm_token(t) for t in flat]
        out = np.fromiter((self._index.get(t, default) for t in toks), dtype=np.int64, count=len(toks))
        if self.num_oov_indices == 0:
            bad = [t for t, o in zip(toks, out) if o == -1 and not (self.mask_token is not None and
                                                                      t == self.mask_token)]
            if bad:
                raise ValueError(f"{type(self).__name__} '{self.name}': when num_oov_indices=0 all inputs should be "
                                 f"in the vocabulary; found OOV values {bad[:20]}. Consider num_oov_indices=1.")
        elif self.num_oov_indices > 1:
            miss = np.nonzero(out == -1)[0]
            if miss.size:
                vals = [toks[i] for i in miss]
                if not self._string and self.oov_method != "farmhash":
                    b = np.mod(np.asarray(vals, dtype=np.int64), self.num_oov_indices)
                else:
                    b = H.hash_buckets(vals, self.num_oov_indices, self.salt, getattr(self, "encoding", "utf-8"))
                out[miss] = b + self._oov_start_index()
        if self.mask_token is not None:
            masked = np.fromiter((t == self.mask_token for t in toks), dtype=bool, count=len(toks))
            out[masked] = 0 if self.output_mode == "int" else _INT64_MAX
        return out.reshape(arr.shape)

    def _invert(self, arr: np.ndarray) -> np.ndarray:
        ids = arr.astype(np.int64)
        flat = ids.ravel().tolist()
        out = [self._reverse.get(i, self.oov_token) for i in flat]
        if self.mask_token is not None:
            out = [self.mask_token if i == 0 else t for i, t in zip(flat, out)]
        return np.asarray(out, dtype=object if self._string else np.int64).reshape(ids.shape)

    def _encode(self, lookups, ragged_rows=None):
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        if ragged_rows is not None:
            out = encode_rows(ragged_rows, mode, depth, "float32")
        else:
            out = encode_categorical(lookups, mode, depth, "float32")
        if self.output_mode == "tf_idf":
            if self.idf_weights_const is None:
                raise ValueError(f"{type(self).__name__} '{self.name}': in 'tf_idf' mode the layer needs idf weights "
                                 "(adapt it, or pass `vocabulary` with `idf_weights`)")
            out = (out * self.idf_weights_const).astype(np.float32)
        return out

    def _host_call(self, inputs):
        self._ensure_known_vocab_size()
        if self.invert:
            arr = to_host(inputs)
            if arr.dtype.kind not in "iu":
                if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
                    arr = arr.astype(np.int64)
                else:
                    raise TypeError(f"{type(self).__name__}(invert=True) expects integer indices; received dtype "
                                    f"{arr.dtype}")
            return self._invert(arr)
        arr = self._host_tokens(inputs)
        lookups = self._lookup(arr)
        if self.output_mode == "int":
            return lookups
        return self._encode(lookups)

    def _lookup_rows(self, rows: list) -> list:
        """Lookups of a ragged batch (a list of 1-D token arrays)."""
        return [self._lookup(np.asarray(r, dtype=object if self._string else np.int64)) for r in rows]

    # ------------------------------------------------------------------------------ spec / config / saving
    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        return (*input_shape[:-1], depth)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self.output_mode == "int" else "float32"
        return SymbolicTensor(self.compute_output_shape(inputs.shape), dtype)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype_policy.name if hasattr(self, "dtype_policy") else None,
                  "invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                  "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
                  "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                  "vocabulary_dtype": self.vocabulary_dtype, "idf_weights": _to_list(self.input_idf_weights),
                  "vocabulary": _to_list(self.input_vocabulary), "vocabulary_size": self._frozen_vocab_size,
                  "oov_method": self.oov_method, "salt": self.salt}
        return config

    def save_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights_const, np.float32)

    def load_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf":
            vals = list(store.values()) if "idf_weights" not in store else [store["idf_weights"]]
            if not vals:
                raise ValueError(f"{type(self).__name__} '{self.name}': the saved state has no 'idf_weights'")
            self.idf_weights_const = np.asarray(vals[0], np.float32)

    def save_assets(self, dir_path) -> None:
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path) -> None:
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text:
            return
        # written as "\n".join(vocabulary): split exactly, so an empty-string token at the end
        # survives (Keras's reader drops it)
        lines = text.split("\n")
        values = lines if self._string else [int(v) for v in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self.idf_weights_const)
        else:
            self.set_vocabulary(values)


class StringLookup(IndexLookup):
    """Maps strings to integer indices from a vocabulary (Keras's ``keras.layers.StringLookup``),
    with no TensorFlow: the table is a Python dict.

    Arguments:
        max_tokens: the largest vocabulary (mask and OOV indices included), or ``None``.
        num_oov_indices: out-of-vocabulary buckets (hashed with FarmHash when more than one).
        mask_token: a token that maps to index 0 (``None``: no mask).
        oov_token: the token ``invert=True`` returns for OOV indices.
        vocabulary: a list/array of terms or a text file path (else call :meth:`adapt`).
        idf_weights: for ``output_mode="tf_idf"`` with a given vocabulary.
        invert: map indices back to strings.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: encode into ``max_tokens`` columns.
        sparse: must be ``False``.
        encoding: the text encoding of byte inputs.
        salt: a key for the strong (SipHash) OOV hash.
        name: the layer's name (unique names are made from the class name when ``None``).

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     layer = dlx.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    ...     dlx.ops.convert_to_numpy(layer([["a", "c", "d"], ["d", "z", "b"]])).tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    _string = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices from a vocabulary (Keras's ``keras.layers.IntegerLookup``).

    Arguments:
        max_tokens: the largest vocabulary (mask and OOV indices included), or ``None``.
        num_oov_indices: how many out-of-vocabulary indices there are (0: an OOV input raises;
            more than one: OOV values are bucketed by ``oov_method``).
        mask_token: an integer that maps to index 0 (``None``: no mask).
        oov_token: the integer ``invert=True`` returns for OOV indices.
        vocabulary: a list/array of integers or a text file path (else call :meth:`adapt`).
        vocabulary_dtype: must be ``"int64"``.
        idf_weights: for ``output_mode="tf_idf"`` with a given vocabulary.
        invert: map indices back to integers.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        sparse: must be ``False``.
        pad_to_max_tokens: encode into ``max_tokens`` columns.
        oov_method: how OOV values pick one of several OOV indices: ``"floormod"`` (the value
            modulo ``num_oov_indices``) or ``"farmhash"`` (a hash of the value).
        salt: a key (an int or a pair of ints) for the strong (SipHash) hash; only with
            ``oov_method="farmhash"``.
        name: the layer's name (unique names are made from the class name when ``None``).
        **kwargs: base :class:`Layer` arguments (``dtype``, ...).

    Raises:
        ValueError: on an invalid or inconsistent argument: a ``vocabulary_dtype`` other than
            ``"int64"``, ``sparse=True``, an unknown ``oov_method`` or ``output_mode``, ``invert``
            with an ``output_mode`` other than ``"int"``, a ``salt`` without
            ``oov_method="farmhash"``, ...

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     layer = dlx.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    ...     dlx.ops.convert_to_numpy(layer([[12, 1138, 42], [42, 1000, 36]])).tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    _string = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported; received "
                             f"vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        for k in ("oov_token", "mask_token"):
            if config[k] is not None:
                config[k] = int(config[k])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config

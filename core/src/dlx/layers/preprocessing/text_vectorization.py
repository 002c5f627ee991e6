"""``TextVectorization`` (Keras's ``keras.layers.TextVectorization``) in pure Python, no TensorFlow.

The steps and their semantics follow Keras's TensorFlow implementation byte for byte:
``"lower"`` lowercases ASCII letters only (``tf.strings.lower``), ``"strip_punctuation"`` removes
the ASCII punctuation set Keras's regex names, ``"whitespace"`` splits on runs of ASCII
whitespace, ``"character"`` on Unicode code points, and n-grams of each requested width are joined
with a space and appended in width order (``tf.strings.ngrams``).
"""

from __future__ import annotations

import re

import numpy as np

from dlx.layers.preprocessing.data_layer import DataLayer, to_host
from dlx.layers.preprocessing.index_lookup import StringLookup, _first, _iter_batches, _to_list
from dlx.ops.symbolic import SymbolicTensor

_PUNCTUATION = re.compile(rb"[!\"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~']")
_WHITESPACE = re.compile(rb"[ \t\n\v\f\r]+")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _serialize_callable(fn):
    from dlx import saving

    return saving.serialize_keras_object(fn)


def _deserialize_callable(cfg):
    from dlx import saving

    return saving.deserialize_keras_object(cfg)


class TextVectorization(DataLayer):
    """Turns strings into token indices or encodings (Keras's ``keras.layers.TextVectorization``).

    Arguments:
        max_tokens: the largest vocabulary (padding ``""`` and OOV ``"[UNK]"`` included).
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
            ``"strip_punctuation"``, ``None``, or a callable taking a NumPy array of ``str`` and
            returning an array-like of ``str`` of the same shape.
        split: ``"whitespace"`` (default), ``"character"``, ``None``, or a callable taking a 1-D
            NumPy array of ``str`` and returning one sequence of tokens per element.
        ngrams: ``None``, an int (all widths up to it) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` (or ``"one_hot"``
            with ``split=None``).
        output_sequence_length: with ``"int"``: pad or truncate every row to this length
            (else rows are padded with 0 to the longest in the batch).
        pad_to_max_tokens: encode into ``max_tokens`` columns.
        vocabulary: a list/array of terms or a vocabulary file path (else call :meth:`adapt`).
        idf_weights: with ``output_mode="tf_idf"`` and a given vocabulary.
        sparse, ragged: must be ``False`` (dlx returns dense, padded tensors).
        encoding: the encoding of byte inputs.
        name: the layer's name (unique names are made from the class name when ``None``).

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     tv = dlx.layers.TextVectorization(output_sequence_length=4)
    ...     tv.adapt(["The cat sat.", "The dog!"])
    ...     dlx.ops.convert_to_numpy(tv(["the dog sat", "a cat"])).tolist()
    [[2, 4, 3, 0], [1, 5, 0, 0]]
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        if sparse:
            raise ValueError("TextVectorization: sparse=True is not supported (dlx returns dense tensors)")
        if ragged:
            raise ValueError("TextVectorization: ragged=True is not supported (dlx returns padded dense tensors; "
                             "set output_sequence_length or rely on padding to the longest row)")
        if not (standardize is None or callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(f"TextVectorization: invalid value for argument `standardize`: {standardize!r}; "
                             f"expected one of {_STANDARDIZE}, None or a callable")
        if not (split is None or callable(split) or split in _SPLIT):
            raise ValueError(f"TextVectorization: invalid value for argument `split`: {split!r}; expected one of "
                             f"{_SPLIT}, None or a callable")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
        if output_mode not in modes:
            raise ValueError(f"TextVectorization: invalid value for argument `output_mode`: {output_mode!r}; "
                             f"expected one of {modes}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(i, int) for i in ngrams))):
            raise ValueError(f"TextVectorization: `ngrams` must be None, an integer, or a tuple of integers; "
                             f"received ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError(f"TextVectorization: `output_sequence_length` must be None or an int when output_mode "
                             f"is 'int'; received {output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"TextVectorization: `output_sequence_length` must not be set if output_mode is not "
                             f"'int'; received output_sequence_length={output_sequence_length}")
        if output_mode == "one_hot" and split is not None:
            raise ValueError("TextVectorization: output_mode='one_hot' encodes one token per sample, so it needs "
                             "split=None; use 'multi_hot' or 'count' for split text")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = has_input_vocabulary
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
                                          sparse=sparse, has_input_vocabulary=has_input_vocabulary, encoding=encoding,
                                          vocabulary_size=vocabulary_size)

    # ------------------------------------------------------------------------------ text steps
    def _standardize_array(self, arr: np.ndarray) -> np.ndarray:
        std = self._standardize
        if std is None:
            return arr
        if callable(std):
            res = np.asarray(std(np.asarray(arr.tolist() if arr.ndim else arr.item(), dtype=str)))
            return to_host(res)
        enc = self._encoding
        flat = []
        for s in arr.ravel().tolist():
            b = s.encode(enc) if isinstance(s, str) else s
            if std in ("lower", "lower_and_strip_punctuation"):
                b = b.lower()  # bytes.lower(): ASCII letters only, as tf.strings.lower
            if std in ("strip_punctuation", "lower_and_strip_punctuation"):
                b = _PUNCTUATION.sub(b"", b)
            flat.append(b.decode(enc, errors="replace"))
        return np.asarray(flat, dtype=object).reshape(arr.shape)

    def _split_strings(self, flat: list) -> list:
        if self._split == "whitespace":
            out = []
            for s in flat:
                toks = _WHITESPACE.split(s.encode(self._encoding))
                out.append([t.decode(self._encoding) for t in toks if t])
            return out
        if self._split == "character":
            return [list(s) for s in flat]
        res = self._split(np.asarray(flat, dtype=str))
        return [[t.decode(self._encoding) if isinstance(t, bytes) else str(t) for t in np.asarray(r).ravel().tolist()]
                for r in res]

    def _ngram_rows(self, rows: list) -> list:
        if self._ngrams is None:
            return rows
        out = []
        for r in rows:
            grams = []
            for w in self._ngrams:
                grams.extend(" ".join(r[i:i + w]) for i in range(len(r) - w + 1))
            out.append(grams)
        return out

    def _preprocess(self, inputs):
        """Standardized, split and n-grammed tokens: ``(rows, scalar)`` with ``rows`` a list of
        token lists (split) or an array of strings (``split=None``)."""
        arr = to_host(inputs)
        if arr.size and arr.dtype.kind != "O":
            raise TypeError(f"TextVectorization '{self.name}': expected string inputs; received dtype {arr.dtype}")
        arr = self._standardize_array(arr)
        if self._split is None:
            if self._ngrams is not None:
                raise ValueError("TextVectorization: `ngrams` needs a `split` (the tokens to join)")
            return arr, False
        scalar = arr.ndim == 0
        if arr.ndim > 1:
            if arr.shape[-1] != 1:
                raise ValueError(f"TextVectorization: to tokenize strings, the input rank must be 1 or the last "
                                 f"dimension must be 1; received inputs.shape={arr.shape}")
            arr = arr[..., 0]
        if arr.ndim > 1:
            raise ValueError(f"TextVectorization: expected a batch of strings (rank 1, or rank 2 with last "
                             f"dimension 1); received shape {(*arr.shape, 1)}")
        flat = [arr.item()] if scalar else arr.tolist()
        return self._ngram_rows(self._split_strings(flat)), scalar

    # ------------------------------------------------------------------------------ adapt
    def reset_state(self) -> None:
        """Forgets the term counts gathered so far (before a new :meth:`adapt`)."""
        self._lookup_layer.reset_state()

    def update_state(self, data) -> None:
        """Standardizes, splits and n-grams one batch of strings and counts its terms.

        Arguments:
            data: a batch of strings.
        """
        rows, _ = self._preprocess(data)
        self._lookup_layer.update_state(rows if self._split is not None else np.asarray(rows, dtype=object))

    def finalize_state(self) -> None:
        """Builds the vocabulary (and, in ``"tf_idf"`` mode, the IDF weights) from the counted terms."""
        self._lookup_layer.finalize_state()

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learns the vocabulary from ``data`` (an array / list of strings, or a dataset or
        iterable of batches of strings). ``batch_size`` is accepted as in Keras and unused (the
        data is read batch by batch as given)."""
        self.reset_state()
        batches = _iter_batches(data, steps)
        if batches is None:
            arr = to_host(data)
            if arr.ndim == 1 and self._split is None:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for batch in batches:
                self.update_state(_first(batch))
        self.finalize_state()

    # ------------------------------------------------------------------------------ vocabulary
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, most frequent terms first.

        Arguments:
            include_special_tokens: keep the mask and OOV tokens at the front, so that a term's
                position is its index; False lists the learned terms only.

        Returns:
            A list of strings.
        """
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of indices the layer outputs: the terms plus the mask and OOV indices.

        Returns:
            An int.
        """
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Sets the vocabulary instead of learning it with :meth:`adapt`.

        Arguments:
            vocabulary: a list or array of terms, or the path of a text file with one term a line.
            idf_weights: in ``"tf_idf"`` mode, the inverse document frequency of each term (required
                there, refused in the other modes).
        """
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ------------------------------------------------------------------------------ call
    def _host_call(self, inputs):
        lk = self._lookup_layer
        lk._ensure_known_vocab_size()
        rows, scalar = self._preprocess(inputs)
        if self._split is None:
            lookups = lk._lookup(rows)
            return lookups if self._output_mode == "int" else lk._encode(lookups)
        ids = lk._lookup_rows(rows)
        if self._output_mode != "int":
            out = lk._encode(None, ragged_rows=ids)
            return out[0] if scalar else out
        length = self._output_sequence_length
        if length is None:
            length = max((len(r) for r in ids), default=0)
        out = np.zeros((len(ids), length), dtype=np.int64)
        for i, r in enumerate(ids):
            r = r[:length]
            out[i, :len(r)] = r
        return out[0] if scalar else out

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0] if len(input_shape) else None, self._output_sequence_length)
        input_shape = tuple(input_shape)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = (*input_shape, 1)
        else:
            input_shape = (*input_shape, None)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs):
        dtype = "int64" if self._output_mode == "int" else "float32"
        return SymbolicTensor(self.compute_output_shape(inputs.shape), dtype)

    def get_config(self):
        std = self._standardize if not callable(self._standardize) else _serialize_callable(self._standardize)
        split = self._split if not callable(self._split) else _serialize_callable(self._split)
        lk = self._lookup_layer
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy.name,
                "max_tokens": lk.max_tokens, "standardize": std, "split": split, "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode, "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lk.pad_to_max_tokens, "sparse": lk.sparse, "ragged": self._ragged,
                "vocabulary": _to_list(lk.input_vocabulary), "idf_weights": _to_list(lk.input_idf_weights),
                "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("standardize", "split"):
            if isinstance(config.get(k), dict):
                config[k] = _deserialize_callable(config[k])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def save_own_variables(self, store) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path) -> None:
        """Writes the learned vocabulary to ``vocabulary.txt`` in ``dir_path`` (saving calls it); a
        vocabulary given to the constructor is part of the config and is not written.

        Arguments:
            dir_path: the assets folder.
        """
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path) -> None:
        """Reads the vocabulary :meth:`save_assets` wrote (loading calls it).

        Arguments:
            dir_path: the assets folder.
        """
        self._lookup_layer.load_assets(dir_path)

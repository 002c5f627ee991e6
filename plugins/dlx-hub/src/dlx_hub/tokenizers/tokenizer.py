"""Tokenizers on the Hugging Face ``tokenizers`` library (Rust; no TensorFlow).

The KerasHub tokenizer API: ``tokenizer(text)`` / ``tokenize`` give ids (a list of ints for one
string, a list of lists for a batch, or an ``int32`` array padded/truncated to
``sequence_length`` when it is set), ``detokenize`` reverses it, ``vocabulary_size()``,
``get_vocabulary()``, ``id_to_token``/``token_to_id`` and special-token attributes
(``start_token_id``, ``end_token_id``, ``pad_token_id`` and the model's own names such as
``cls_token_id``). Special tokens are **not** added by ``tokenize``: a preprocessor packs them,
as in KerasHub.

The ``tokenizer.json`` a checkpoint ships may carry its own padding and truncation (MiniLM's pads
and truncates to 128); a dlx tokenizer turns both off and applies ``sequence_length`` itself, so
nothing is padded or cut silently.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

TOKENIZER_ASSET = "tokenizer.json"  # the tokenizers library's own serialization, under assets/tokenizer/


def _backend_from_json(json_str: str):
    from tokenizers import Tokenizer as _Rust

    tok = _Rust.from_str(json_str)
    tok.no_padding()
    tok.no_truncation()
    return tok


class Tokenizer:
    """Base class: a ``tokenizers.Tokenizer`` plus special tokens, ``sequence_length`` and an
    optional chat template.

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or a path to a ``tokenizer.json``.
        sequence_length: when set, ``tokenize`` returns a dense ``(batch, sequence_length)`` int32
            array, truncated and right-padded with ``pad_token_id``; otherwise ragged lists.
        special_tokens: ``{"start_token": "[CLS]", ...}``: attribute names (without ``_id``)
            mapped to token strings that must be in the vocabulary.
        chat_template: a Jinja template (Hugging Face's ``chat_template`` convention).
        dtype: the dtype of dense outputs (``"int32"``).
        name: the tokenizer's name.

    Example:

    >>> from tokenizers import Tokenizer as HFTokenizer, decoders, models, pre_tokenizers
    >>> vocab = {"[PAD]": 0, "[UNK]": 1, "the": 2, "cat": 3, "sat": 4, "##s": 5}
    >>> hf = HFTokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    >>> hf.pre_tokenizer, hf.decoder = pre_tokenizers.Whitespace(), decoders.WordPiece()
    >>> from dlx_hub.tokenizers import Tokenizer
    >>> tokenizer = Tokenizer(hf, sequence_length=5, special_tokens={"pad_token": "[PAD]"})
    >>> tokenizer.tokenize(["the cats sat", "cat"])  # dense: truncated and padded
    array([[2, 3, 5, 4, 0],
           [3, 0, 0, 0, 0]], dtype=int32)
    >>> tokenizer.pad_token_id, tokenizer.vocabulary_size()
    (0, 6)
    """

    # subclasses name their special tokens and where they come from
    special_token_names: tuple[str, ...] = ()

    def __init__(self, tokenizer=None, sequence_length: int | None = None, special_tokens: dict | None = None,
                 chat_template: str | None = None, dtype: str = "int32", name: str | None = None):
        if tokenizer is None:
            raise ValueError(f"{type(self).__name__} needs `tokenizer` (a tokenizers.Tokenizer, its JSON string or "
                             "a tokenizer.json path); use from_preset() to load one")
        if isinstance(tokenizer, (str, pathlib.Path)) and not str(tokenizer).lstrip().startswith("{"):
            path = pathlib.Path(tokenizer)
            if not path.is_file():
                raise FileNotFoundError(f"tokenizer={str(tokenizer)!r}: no such tokenizer.json file")
            tokenizer = path.read_text(encoding="utf-8")
        if isinstance(tokenizer, str):
            self._tok = _backend_from_json(tokenizer)
        elif type(tokenizer).__module__.startswith("tokenizers"):
            self._tok = _backend_from_json(tokenizer.to_str())
        else:
            raise TypeError(f"tokenizer must be a tokenizers.Tokenizer, a JSON string or a path; got "
                            f"{type(tokenizer).__name__}")
        if sequence_length is not None and (not isinstance(sequence_length, int) or sequence_length < 1):
            raise ValueError(f"sequence_length must be a positive int or None; got {sequence_length!r}")
        if dtype not in ("int32", "int64"):
            raise ValueError(f"dtype must be 'int32' or 'int64'; got {dtype!r}")
        self.sequence_length = sequence_length
        self.dtype = dtype
        self.name = name or _snake(type(self).__name__)
        self.chat_template = chat_template
        self._special = {}
        for key, token in (special_tokens or {}).items():
            self._set_special(key, token)

    # ---- special tokens -------------------------------------------------------------------
    def _set_special(self, key: str, token: str | None) -> None:
        if token is None:
            self._special[key] = None
            return
        idx = self._tok.token_to_id(token)
        if idx is None:
            raise ValueError(f"special token {key}={token!r} is not in the vocabulary of {type(self).__name__}")
        self._special[key] = token

    def __getattr__(self, name: str):
        special = self.__dict__.get("_special", {})
        if name.endswith("_id") and name[:-3] in special:
            token = special[name[:-3]]
            return None if token is None else self._tok.token_to_id(token)
        if name in special:
            return special[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def special_tokens(self) -> list[str]:
        return [t for t in self._special.values() if t is not None]

    @property
    def special_token_ids(self) -> list[int]:
        return [self._tok.token_to_id(t) for t in self.special_tokens]

    # ---- vocabulary -----------------------------------------------------------------------
    def vocabulary_size(self) -> int:
        """The number of tokens, added (special) tokens included.

        Returns:
            An int.
        """
        return self._tok.get_vocab_size(with_added_tokens=True)

    def get_vocabulary(self) -> list[str]:
        """The tokens by id: position ``i`` holds the token of id ``i``.

        Returns:
            A list of strings.
        """
        vocab = self._tok.get_vocab(with_added_tokens=True)
        out = [""] * (max(vocab.values()) + 1)
        for tok, i in vocab.items():
            out[i] = tok
        return out

    def id_to_token(self, id: int) -> str:
        """The token of an id.

        Arguments:
            id: a token id.

        Returns:
            The token string.

        Raises:
            ValueError: when ``id`` is outside the vocabulary.
        """
        tok = self._tok.id_to_token(int(id))
        if tok is None:
            raise ValueError(f"id={id!r} is out of the vocabulary (size {self.vocabulary_size()})")
        return tok

    def token_to_id(self, token: str) -> int:
        """The id of a token.

        Arguments:
            token: a token string.

        Returns:
            Its id.

        Raises:
            ValueError: when ``token`` is not in the vocabulary.
        """
        idx = self._tok.token_to_id(token)
        if idx is None:
            raise ValueError(f"token={token!r} is not in the vocabulary")
        return idx

    # ---- tokenize / detokenize ------------------------------------------------------------
    def tokenize(self, inputs, sequence_length: int | None = None):
        """Ids of ``inputs`` (a string or a list of strings), without special tokens."""
        single = isinstance(inputs, str)
        texts = [inputs] if single else _as_text_list(inputs)
        encs = self._tok.encode_batch(texts, add_special_tokens=False)
        ids = [e.ids for e in encs]
        length = sequence_length if sequence_length is not None else self.sequence_length
        if length is None:
            return ids[0] if single else ids
        out = np.full((len(ids), length), self._pad_id(), dtype=self.dtype)
        for row, seq in zip(out, ids):
            seq = seq[:length]
            row[:len(seq)] = seq
        return out[0] if single else out

    __call__ = tokenize

    def _pad_id(self) -> int:
        pad = self._special.get("pad_token")
        return 0 if pad is None else self._tok.token_to_id(pad)

    def detokenize(self, inputs, skip_special_tokens: bool = False):
        """Text of ``inputs``: one sequence of ids (list / 1-D array) gives a string, a batch a list
        of strings. Padding (``pad_token_id`` after the last real token) is dropped."""
        arr = inputs.tolist() if hasattr(inputs, "tolist") else inputs
        if isinstance(arr, int):
            arr = [arr]
        if len(arr) and isinstance(arr[0], (list, tuple)):
            return [self.detokenize(a, skip_special_tokens) for a in arr]
        return self._tok.decode([int(i) for i in arr], skip_special_tokens=skip_special_tokens)

    def apply_chat_template(self, messages: list[dict], add_generation_prompt: bool = False,
                            tokenize: bool = False, **kwargs):
        """Renders ``messages`` (``[{"role": ..., "content": ...}]``) with the chat template
        (Jinja, sandboxed, as Hugging Face renders it); ``tokenize=True`` returns ids."""
        if not self.chat_template:
            raise ValueError(f"{type(self).__name__} has no chat_template (the preset did not ship one)")
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

        def raise_exception(msg):
            raise ValueError(f"chat template: {msg}")

        env.globals["raise_exception"] = raise_exception
        specials = {k: v for k, v in self._special.items() if v is not None}
        text = env.from_string(self.chat_template).render(
            messages=messages, add_generation_prompt=add_generation_prompt, **specials, **kwargs)
        return self.tokenize(text) if tokenize else text

    # ---- config / assets ------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments other than the tokenizer file (saved apart by :meth:`save_assets`).

        Returns:
            A dict with ``name``, ``sequence_length``, ``dtype``, ``special_tokens`` and ``chat_template``.
        """
        return {"name": self.name, "sequence_length": self.sequence_length, "dtype": self.dtype,
                "special_tokens": dict(self._special), "chat_template": self.chat_template}

    @classmethod
    def from_config(cls, config: dict, assets_dir=None):
        """Creates a tokenizer from :meth:`get_config`'s output and the tokenizer file in ``assets_dir``.

        Arguments:
            config: the dictionary :meth:`get_config` returned.
            assets_dir: the folder :meth:`save_assets` wrote.

        Returns:
            The new tokenizer.

        Raises:
            ValueError: when ``assets_dir`` is not given.
        """
        if assets_dir is None:
            raise ValueError(f"{cls.__name__}.from_config needs assets_dir (the folder holding {TOKENIZER_ASSET})")
        return cls(tokenizer=pathlib.Path(assets_dir) / TOKENIZER_ASSET, **config)

    def save_assets(self, dir_path) -> None:
        """Writes the tokenizer file (``tokenizer.json``, the ``tokenizers`` library's serialization)
        into ``dir_path``, creating the folder.

        Arguments:
            dir_path: the assets folder.
        """
        path = pathlib.Path(dir_path)
        path.mkdir(parents=True, exist_ok=True)
        (path / TOKENIZER_ASSET).write_text(self._tok.to_str(), encoding="utf-8")

    @classmethod
    def from_preset(cls, preset, **kwargs):
        """Loads the tokenizer of ``preset`` (a name, folder, GGUF file or ``hf://``)."""
        from dlx_hub.presetlib import load_preset

        return load_preset(preset).load_tokenizer(cls, **kwargs)

    def __repr__(self):
        return (f"<{type(self).__name__} vocabulary_size={self.vocabulary_size()} "
                f"sequence_length={self.sequence_length}>")


class WordPieceTokenizer(Tokenizer):
    """WordPiece (BERT family): ``[CLS]``/``[SEP]``/``[PAD]``/``[MASK]``/``[UNK]``.

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``
            (its own padding and truncation are turned off).
        sequence_length: when set, ``tokenize`` returns a dense ``(batch, sequence_length)`` array,
            truncated and right-padded with ``pad_token_id`` (0 without a pad token); ``None``: ragged
            lists.
        special_tokens: ``{"cls_token": "[CLS]", ...}``: attribute names (without ``_id``) mapped to
            token strings that must be in the vocabulary (``None``: no special tokens).
        chat_template: a Jinja template for ``apply_chat_template`` (Hugging Face's ``chat_template``
            convention), or ``None``.
        dtype: the dtype of dense outputs, ``"int32"`` or ``"int64"``.
        name: the tokenizer's name (``None``: the class name in snake case).

    Raises:
        ValueError: without ``tokenizer``, for a ``sequence_length`` that is not a positive int, another
            ``dtype``, or a special token that is not in the vocabulary.
        FileNotFoundError: when ``tokenizer`` is a path to no file.
        TypeError: when ``tokenizer`` is of another type.

    Example:

    >>> from tokenizers import Tokenizer as HFTokenizer, decoders, models, pre_tokenizers
    >>> vocab = {"[PAD]": 0, "[UNK]": 1, "the": 2, "cat": 3, "sat": 4, "##s": 5}
    >>> hf = HFTokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    >>> hf.pre_tokenizer, hf.decoder = pre_tokenizers.Whitespace(), decoders.WordPiece()
    >>> from dlx_hub.tokenizers import WordPieceTokenizer
    >>> tokenizer = WordPieceTokenizer(hf, special_tokens={"pad_token": "[PAD]"})
    >>> tokenizer.tokenize(["the cats sat", "a cat"])  # ragged lists; "a" is unknown
    [[2, 3, 5, 4], [1, 3]]
    >>> tokenizer.detokenize([[2, 3, 5, 4]])
    ['the cats sat']
    """


class BytePairTokenizer(Tokenizer):
    """Byte-level BPE (GPT-2 / Llama 3 / SmolLM families).

    Besides ``tokenizer=`` (a ``tokenizer.json``), it is built as in KerasHub from
    ``vocabulary`` (a ``{token: id}`` dict or a path to GPT-2's ``encoder.json``) and ``merges``
    (a list of ``"a b"`` strings or a path to ``vocab.bpe``; its ``#version`` header is skipped,
    every merge line is kept), with ``add_prefix_space`` and ``unsplittable_tokens`` (kept whole,
    such as ``"<|endoftext|>"``).

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``;
            ``None`` to build from ``vocabulary`` and ``merges``.
        vocabulary: a ``{token: id}`` dict or the path of a JSON file holding one (only without
            ``tokenizer``).
        merges: the merge rules, a list of ``"a b"`` strings (or pairs) or the path of a
            ``vocab.bpe`` file (only without ``tokenizer``).
        add_prefix_space: when built from ``vocabulary`` and ``merges``, put a space before the text
            so that its first word is encoded like the others.
        unsplittable_tokens: when built from ``vocabulary`` and ``merges``, strings that are always
            kept as one token (added as special tokens).
        **kwargs: the :class:`Tokenizer` arguments (``sequence_length``, ``special_tokens``,
            ``chat_template``, ``dtype``, ``name``).

    Raises:
        ValueError: when both ``tokenizer`` and ``vocabulary``/``merges`` are given, when neither
            ``tokenizer`` nor both of ``vocabulary`` and ``merges`` are, for a merge rule that is not two
            symbols, or for a :class:`Tokenizer` argument that does not fit.
        TypeError: when ``vocabulary`` is neither a dict nor a path.

    Example:

    >>> from dlx_hub.tokenizers import BytePairTokenizer
    >>> vocabulary = {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġab": 4}  # "Ġ" stands for a space
    >>> tokenizer = BytePairTokenizer(vocabulary=vocabulary, merges=["a b", "Ġ ab"])
    >>> tokenizer.tokenize(["ab ab"])
    [[2, 4]]
    >>> tokenizer.detokenize([[2, 4]])
    ['ab ab']
    """

    def __init__(self, tokenizer=None, vocabulary=None, merges=None, add_prefix_space: bool = False,
                 unsplittable_tokens=(), **kwargs):
        if tokenizer is None and (vocabulary is not None or merges is not None):
            tokenizer = _byte_level_bpe(vocabulary, merges, add_prefix_space, unsplittable_tokens)
        elif tokenizer is not None and (vocabulary is not None or merges is not None):
            raise ValueError("pass either tokenizer= or vocabulary= and merges=, not both")
        super().__init__(tokenizer=tokenizer, **kwargs)


def _byte_level_bpe(vocabulary, merges, add_prefix_space, unsplittable_tokens):
    from tokenizers import AddedToken, decoders, models, pre_tokenizers
    from tokenizers import Tokenizer as _Rust

    if vocabulary is None or merges is None:
        raise ValueError("a BytePairTokenizer built from files needs both vocabulary= and merges=")
    if isinstance(vocabulary, (str, pathlib.Path)):
        vocabulary = json.loads(pathlib.Path(vocabulary).read_text(encoding="utf-8"))
    if not isinstance(vocabulary, dict):
        raise TypeError(f"vocabulary must be a dict or a path to a JSON file; got {type(vocabulary).__name__}")
    if isinstance(merges, (str, pathlib.Path)):
        lines = pathlib.Path(merges).read_text(encoding="utf-8").split("\n")
        merges = [ln for ln in lines if ln and not ln.startswith("#version")]
    pairs = []
    for i, m in enumerate(merges):
        parts = m.split(" ") if isinstance(m, str) else list(m)
        if len(parts) != 2:
            raise ValueError(f"merges[{i}]={m!r}: expected two space-separated symbols")
        pairs.append(tuple(parts))
    rust = _Rust(models.BPE(vocab=dict(vocabulary), merges=pairs, fuse_unk=False))
    rust.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space, use_regex=True)
    rust.decoder = decoders.ByteLevel()
    if unsplittable_tokens:
        rust.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in unsplittable_tokens])
    return rust


class SentencePieceTokenizer(Tokenizer):
    """Unigram / SentencePiece-style vocabularies (T5, Llama 2, Gemma families).

    Arguments:
        tokenizer: a ``tokenizers.Tokenizer``, its JSON string, or the path of a ``tokenizer.json``
            (its own padding and truncation are turned off).
        sequence_length: when set, ``tokenize`` returns a dense ``(batch, sequence_length)`` array,
            truncated and right-padded with ``pad_token_id`` (0 without a pad token); ``None``: ragged
            lists.
        special_tokens: ``{"cls_token": "[CLS]", ...}``: attribute names (without ``_id``) mapped to
            token strings that must be in the vocabulary (``None``: no special tokens).
        chat_template: a Jinja template for ``apply_chat_template`` (Hugging Face's ``chat_template``
            convention), or ``None``.
        dtype: the dtype of dense outputs, ``"int32"`` or ``"int64"``.
        name: the tokenizer's name (``None``: the class name in snake case).

    Raises:
        ValueError: without ``tokenizer``, for a ``sequence_length`` that is not a positive int, another
            ``dtype``, or a special token that is not in the vocabulary.
        FileNotFoundError: when ``tokenizer`` is a path to no file.
        TypeError: when ``tokenizer`` is of another type.

    Example:

    >>> from tokenizers import Tokenizer as HFTokenizer, models, pre_tokenizers
    >>> from dlx_hub.tokenizers import SentencePieceTokenizer
    >>> pieces = [("<unk>", 0.0), ("▁the", -1.0), ("▁cat", -1.5), ("s", -2.0)]
    >>> hf = HFTokenizer(models.Unigram(pieces, unk_id=0))
    >>> hf.pre_tokenizer = pre_tokenizers.Metaspace()
    >>> SentencePieceTokenizer(hf).tokenize(["the cats"])
    [[1, 2, 3]]
    """


def _as_text_list(inputs) -> list[str]:
    if hasattr(inputs, "tolist"):
        inputs = inputs.tolist()
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs must be a string or a list of strings; got {type(inputs).__name__}")
    out = []
    for i, t in enumerate(inputs):
        if isinstance(t, bytes):
            t = t.decode("utf-8")
        if not isinstance(t, str):
            raise TypeError(f"inputs[{i}] must be a string; got {type(t).__name__}")
        out.append(t)
    return out


def _snake(name: str) -> str:
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def tokenizer_class_for(model_json: dict) -> type[Tokenizer]:
    """The dlx class that fits a ``tokenizer.json``'s model type.

    Example:

    >>> from dlx_hub.tokenizers.tokenizer import tokenizer_class_for
    >>> tokenizer_class_for({"model": {"type": "BPE"}}).__name__
    'BytePairTokenizer'
    """
    kind = model_json.get("model", {}).get("type")
    return {"WordPiece": WordPieceTokenizer, "BPE": BytePairTokenizer, "Unigram": SentencePieceTokenizer}.get(
        kind, Tokenizer)


def from_tokenizer_json(path, cls=None, **kwargs) -> Tokenizer:
    """A dlx tokenizer from a Hugging Face ``tokenizer.json``.

    Arguments:
        path: the ``tokenizer.json`` file.
        cls: the :class:`Tokenizer` class to build (``None``: the one that fits the file's model
            type: :class:`WordPieceTokenizer`, :class:`BytePairTokenizer`,
            :class:`SentencePieceTokenizer`, else :class:`Tokenizer`).
        **kwargs: passed to the class (``special_tokens``, ``sequence_length``...); nothing is
            guessed from the file, so special tokens are only those given here.

    Returns:
        The tokenizer.

    Example:

    >>> import os, tempfile
    >>> from tokenizers import Tokenizer as HFTokenizer, models, pre_tokenizers
    >>> from dlx_hub.tokenizers.tokenizer import from_tokenizer_json
    >>> hf = HFTokenizer(models.WordPiece({"[UNK]": 0, "the": 1, "cat": 2}, unk_token="[UNK]"))
    >>> hf.pre_tokenizer = pre_tokenizers.Whitespace()
    >>> path = os.path.join(tempfile.mkdtemp(), "tokenizer.json")
    >>> hf.save(path)
    >>> tokenizer = from_tokenizer_json(path, sequence_length=3)
    >>> type(tokenizer).__name__, tokenizer.tokenize(["the cat"])
    ('WordPieceTokenizer', array([[1, 2, 0]], dtype=int32))
    """
    text = pathlib.Path(path).read_text(encoding="utf-8")
    cls = cls or tokenizer_class_for(json.loads(text))
    return cls(tokenizer=text, **kwargs)

"""``pad_sequences``: a list of variable-length sequences as one padded array."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pads (or truncates) every sequence to the same length: an array ``(len(sequences), maxlen,
    *item_shape)``.

    Arguments:
        sequences: a list of sequences (lists or arrays; items may be arrays of one shape).
        maxlen: the output length; ``None``: the longest sequence's.
        dtype: the output dtype (``"object"`` and string dtypes keep strings).
        padding: ``"pre"`` or ``"post"``: where the padding goes.
        truncating: ``"pre"`` or ``"post"``: which end of a longer sequence is dropped.
        value: the padding value.

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen, *item_shape)`` and ``dtype``.

    >>> pad_sequences([[1, 2, 3], [4, 5], [6]], maxlen=2)
    array([[2, 3],
           [4, 5],
           [0, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: sequences must be a list of sequences; got {type(sequences).__name__}")
    if padding not in ("pre", "post"):
        raise ValueError(f"pad_sequences: padding={padding!r}; expected 'pre' or 'post'")
    if truncating not in ("pre", "post"):
        raise ValueError(f"pad_sequences: truncating={truncating!r}; expected 'pre' or 'post'")
    lengths, item_shape, found = [], (), False
    for i, s in enumerate(sequences):
        if not hasattr(s, "__len__"):
            raise ValueError(f"pad_sequences: sequences[{i}] is {s!r}, not a sequence")
        lengths.append(len(s))
        if not found and len(s):
            item_shape, found = np.asarray(s).shape[1:], True
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.object_)
    if isinstance(value, str) and not is_text:
        raise ValueError(f"pad_sequences: value={value!r} is a string but dtype={dtype!r} is not; pass "
                         "dtype=object or a string dtype")
    out = np.full((len(sequences), maxlen, *item_shape), value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != item_shape:
            raise ValueError(f"pad_sequences: sequences[{i}] has items of shape {trunc.shape[1:]}, others "
                             f"{item_shape}")
        if padding == "post":
            out[i, : len(trunc)] = trunc
        else:
            out[i, -len(trunc):] = trunc
    return out

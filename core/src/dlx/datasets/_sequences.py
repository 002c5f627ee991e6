"""The index shifting and filtering that ``imdb`` and ``reuters`` apply to their sequences."""

from __future__ import annotations


def prepare(xs, start_char, index_from):
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def remove_long(maxlen, seqs, labels):
    keep = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in keep], [y for _, y in keep]


def limit_words(xs, num_words, skip_top, oov_char):
    if not num_words:
        num_words = max(max(x) for x in xs if len(x))
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(seqs):
    import numpy as np

    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out

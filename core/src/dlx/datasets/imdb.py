"""IMDB movie-review sentiment (``keras.datasets.imdb``)."""

from __future__ import annotations

import json

import numpy as np

from dlx.datasets import _sequences as S
from dlx.datasets._npz import load_npz
from dlx.datasets._sources import KERAS_BUCKET, fetch


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """25,000 training and 25,000 test reviews as lists of word indices, labels 0/1.

    Arguments:
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).
        num_words: keep word indices below this bound (the most frequent words); others
            become ``oov_char`` (``None``: keep every word).
        skip_top: word indices below this bound (the most frequent words) become ``oov_char``
            too.
        maxlen: drop the sequences of ``maxlen`` indices or more, the start mark included
            (``None``: keep all).
        seed: the seed of the shuffle.
        start_char: the index put at the start of every sequence (``None``: none).
        oov_char: the index that replaces the words cut by ``num_words`` / ``skip_top``
            (``None``: those words are removed).
        index_from: the offset added to every word index (indices below it are reserved).
        **kwargs: no other keyword is accepted.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; ``x`` are object arrays of lists.

    Raises:
        TypeError: for an unknown keyword argument.
        ValueError: when ``maxlen`` leaves no sequence.
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unrecognized keyword arguments {sorted(kwargs)}")
    path = fetch(path, f"{KERAS_BUCKET}imdb.npz", key="imdb.npz")
    f = load_npz(path)
    x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x_train))
    rng.shuffle(idx)
    x_train, y_train = x_train[idx], y_train[idx]
    idx = np.arange(len(x_test))
    rng.shuffle(idx)
    x_test, y_test = x_test[idx], y_test[idx]
    x_train, x_test = S.prepare(x_train, start_char, index_from), S.prepare(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = S.remove_long(maxlen, x_train, y_train)
        x_test, y_test = S.remove_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                             "Increase maxlen.")
    xs = S.limit_words(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(x_train)
    return (S.object_array(xs[:n]), labels[:n]), (S.object_array(xs[n:]), labels[n:])


def get_word_index(path="imdb_word_index.json"):
    """The word -> index dictionary of the dataset (indices before ``index_from``).

    Arguments:
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).

    Returns:
        A dict of word -> index (1 is the most frequent word).
    """
    path = fetch(path, f"{KERAS_BUCKET}imdb_word_index.json", key="imdb_word_index.json")
    with open(path) as f:
        return json.load(f)

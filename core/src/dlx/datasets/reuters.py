"""Reuters newswire topics (``keras.datasets.reuters``)."""

from __future__ import annotations

import json

import numpy as np

from dlx.datasets import _sequences as S
from dlx.datasets._npz import load_npz
from dlx.datasets._sources import KERAS_BUCKET, fetch

_LABELS = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee",
           "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx",
           "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail",
           "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas",
           "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3):
    """11,228 newswires as lists of word indices in 46 topics (arguments as :func:`imdb.load_data`,
    plus ``test_split``).

    Arguments:
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).
        num_words: keep word indices below this bound (the most frequent words); others
            become ``oov_char`` (``None``: keep every word).
        skip_top: word indices below this bound (the most frequent words) become ``oov_char``
            too.
        maxlen: drop the sequences of ``maxlen`` indices or more, the start mark included
            (``None``: keep all).
        test_split: the fraction of the (shuffled) newswires kept for the test set.
        seed: the seed of the shuffle.
        start_char: the index put at the start of every sequence (``None``: none).
        oov_char: the index that replaces the words cut by ``num_words`` / ``skip_top``
            (``None``: those words are removed).
        index_from: the offset added to every word index (indices below it are reserved).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; ``x`` are object arrays of lists, ``y`` the
        topic indices.
    """
    path = fetch(path, f"{KERAS_BUCKET}reuters.npz", key="reuters.npz")
    f = load_npz(path)
    xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    idx = np.arange(len(xs))
    rng.shuffle(idx)
    xs, labels = xs[idx], labels[idx]
    xs = S.prepare(xs, start_char, index_from)
    if maxlen:
        xs, labels = S.remove_long(maxlen, xs, labels)
    xs = S.limit_words(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    labels = np.asarray(labels)
    return (S.object_array(xs[:n]), np.array(labels[:n])), (S.object_array(xs[n:]), np.array(labels[n:]))


def get_word_index(path="reuters_word_index.json"):
    """The word -> index dictionary of the dataset.

    Arguments:
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).

    Returns:
        A dict of word -> index (before ``index_from`` is added).
    """
    path = fetch(path, f"{KERAS_BUCKET}reuters_word_index.json", key="reuters_word_index.json")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order."""
    return _LABELS

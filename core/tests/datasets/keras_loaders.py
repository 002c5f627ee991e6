"""Keras 3's own dataset loaders on the generated files (subprocess, ``KERAS_BACKEND=numpy``):
Keras's ``get_file`` is replaced by a lookup of the already downloaded file, so what is compared
is the loading and post-processing. ``python keras_loaders.py FILES_DIR OUT.npz``."""

from __future__ import annotations

import os
import sys

import numpy as np

files_dir, out = sys.argv[1], sys.argv[2]


def fake_get_file(fname=None, origin=None, extract=False, **kwargs):
    name = origin.rsplit("/", 1)[-1]
    path = os.path.join(files_dir, name)
    if extract:
        import tarfile

        target = os.path.join(files_dir, name + "_x")
        if not os.path.isdir(target):
            with tarfile.open(path) as tf:
                tf.extractall(target, filter="data")
        return target
    return path


import keras.src.datasets.boston_housing as bh  # noqa: E402
import keras.src.datasets.california_housing as ch  # noqa: E402
import keras.src.datasets.cifar100 as c100  # noqa: E402
import keras.src.datasets.fashion_mnist as fm  # noqa: E402
import keras.src.datasets.imdb as imdb  # noqa: E402
import keras.src.datasets.mnist as mnist  # noqa: E402
import keras.src.datasets.reuters as reuters  # noqa: E402

for mod in (bh, ch, c100, fm, imdb, mnist, reuters):
    mod.get_file = fake_get_file

# (Keras's cifar10 loader assumes the real 50,000 images, so it cannot read the small batches;
# dlx's cifar10 is checked against the generated arrays instead)
results = {}


def flat(name, r):
    (a, b), (c, d) = r
    for k, v in zip(("x_train", "y_train", "x_test", "y_test"), (a, b, c, d)):
        if v.dtype == object:
            v = np.asarray([" ".join(map(str, s)) for s in v])
        results[f"{name}:{k}"] = v


flat("mnist", mnist.load_data())
flat("fashion_mnist", fm.load_data())
flat("cifar100_fine", c100.load_data())
flat("cifar100_coarse", c100.load_data("coarse"))
flat("imdb", imdb.load_data())
flat("imdb_opts", imdb.load_data(num_words=20, skip_top=2, maxlen=10, seed=5, start_char=None, oov_char=None,
                                 index_from=0))
flat("reuters", reuters.load_data())
flat("reuters_opts", reuters.load_data(num_words=30, maxlen=12, test_split=0.3, seed=1, oov_char=7))
flat("boston", bh.load_data())
flat("california_small", ch.load_data(version="small", test_split=0.25, seed=3))
np.savez(out, **results)

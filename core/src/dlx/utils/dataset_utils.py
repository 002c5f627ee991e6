"""Keras's dataset utilities without TensorFlow: ``timeseries_dataset_from_array``,
``image_dataset_from_directory``, ``text_dataset_from_directory``,
``audio_dataset_from_directory`` and ``split_dataset``.

They return a :class:`Dataset`: a backend-neutral, index-addressable sequence of batches (a
:class:`~dlx.utils.PyDataset`), so ``fit`` / ``evaluate`` / ``predict`` stream it with parallel
workers and a bounded prefetch queue; files are read when their batch is, never all at once.
``as_tf_dataset()`` and ``as_torch_dataloader()`` hand it to those pipelines.

Images are decoded by Pillow (``pip install pillow``), audio by the standard ``wave`` module.
File indexing, ordering, shuffling (NumPy ``RandomState(seed)``) and splitting follow Keras, so
the same seed gives the same files in the same batches (with ``shuffle=False`` the batches are
equal to Keras's; with ``shuffle=True`` Keras additionally reshuffles within a ``tf.data``
buffer, which dlx replaces by a seeded reshuffle of the whole order each epoch).
"""

from __future__ import annotations

import math
import os

import numpy as np

from dlx.utils.py_dataset import PyDataset

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _framework(name: str, what: str):
    import sys

    mod = sys.modules.get(name)
    if mod is None:
        raise RuntimeError(f"Dataset.{what}() needs {name}: import {name} in your program first (dlx's core never "
                           "imports a framework itself)")
    return mod


def _stack(items):
    first = items[0]
    if isinstance(first, tuple):
        return tuple(_stack([it[i] for it in items]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([it[k] for it in items]) for k in first}
    return np.stack([np.asarray(it) for it in items])


class Dataset(PyDataset):
    """A finite, index-addressable dataset of samples, batched or not.

    Arguments:
        num_samples: the number of samples.
        get_sample: ``get_sample(i)`` returns sample ``i`` (an array, or a tuple / dict of them).
        batch_size: samples per batch (``None``: items are single samples).
        collate: builds a batch from a list of samples (default: stack each component).
        shuffle: visit the samples in a new seeded order each epoch.
        seed: the shuffling seed.
        workers, use_multiprocessing, max_queue_size: parallel loading in ``fit`` (as
            :class:`~dlx.utils.PyDataset`).

    ``class_names`` and ``file_paths`` are set by the ``*_from_directory`` functions.
    """

    def __init__(self, num_samples, get_sample, batch_size=None, collate=None, shuffle=False, seed=None, workers=4,
                 use_multiprocessing=False, max_queue_size=10):
        super().__init__(workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size)
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"Dataset: batch_size={batch_size!r}; expected a positive int or None")
        self.num_samples = int(num_samples)
        self._get_sample = get_sample
        self.batch_size = batch_size
        self._collate = collate or _stack
        self._shuffle = bool(shuffle)
        self._seed = int(seed) if seed is not None else int(np.random.randint(1_000_000))
        self._epoch = 0
        self._order = np.arange(self.num_samples)
        self.class_names = None
        self.file_paths = None
        if self._shuffle:
            self._reshuffle()

    def _reshuffle(self):
        self._order = np.random.default_rng([self._seed, self._epoch]).permutation(self.num_samples)

    def __len__(self) -> int:
        if self.batch_size is None:
            return self.num_samples
        return math.ceil(self.num_samples / self.batch_size)

    @property
    def num_batches(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"Dataset index {index} out of range for {len(self)} items")
        if self.batch_size is None:
            return self._get_sample(int(self._order[index]))
        idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return self._collate([self._get_sample(int(i)) for i in idx])

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def on_epoch_end(self) -> None:
        self._epoch += 1
        if self._shuffle:
            self._reshuffle()

    def batch(self, batch_size, collate=None) -> Dataset:
        """The same samples in batches of ``batch_size``."""
        if self.batch_size is not None:
            raise ValueError("Dataset.batch(): the dataset is already batched; call unbatch() first")
        out = Dataset(self.num_samples, self._sample_at, batch_size, collate, False, self._seed, self.workers,
                      self.use_multiprocessing, self.max_queue_size)
        out.class_names, out.file_paths = self.class_names, self.file_paths
        return out

    def unbatch(self) -> Dataset:
        """The samples one by one."""
        out = Dataset(self.num_samples, self._sample_at, None, None, False, self._seed, self.workers,
                      self.use_multiprocessing, self.max_queue_size)
        out.class_names, out.file_paths = self.class_names, self.file_paths
        return out

    def _sample_at(self, i):
        return self._get_sample(int(self._order[i]))

    def as_tf_dataset(self):
        """A ``tf.data.Dataset`` yielding the same items (TensorFlow must already be imported by
        the program: dlx's core never imports a framework itself)."""
        tf = _framework("tensorflow", "as_tf_dataset")

        first = self[0]

        def spec(x):
            x = np.asarray(x)
            dtype = tf.string if x.dtype.kind in "OUS" else tf.as_dtype(x.dtype)
            shape = (None, *x.shape[1:]) if self.batch_size is not None else x.shape
            return tf.TensorSpec(shape, dtype)

        from dlx import tree_util as tree

        signature = tree.map_structure(spec, first)
        return tf.data.Dataset.from_generator(lambda: iter(self), output_signature=signature)

    def as_torch_dataloader(self, num_workers=0, **kwargs):
        """A ``torch.utils.data.DataLoader`` over the same items (batches are already formed;
        torch must already be imported by the program)."""
        torch = _framework("torch", "as_torch_dataloader")

        dataset = self

        class _Items(torch.utils.data.Dataset):
            def __len__(self):
                return len(dataset)

            def __getitem__(self, i):
                return dataset[i]

        return torch.utils.data.DataLoader(_Items(), batch_size=None, num_workers=num_workers, **kwargs)


# ------------------------------------------------------------------------------ timeseries
def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Sliding windows over ``data`` (Keras's ``timeseries_dataset_from_array``).

    Window ``i`` is ``data[start_index + p_i : ... + sequence_length * sampling_rate :
    sampling_rate]`` with ``p_i = i * sequence_stride``, and its target ``targets[start_index +
    p_i]``. ``shuffle`` permutes the windows with ``RandomState(seed)`` (as Keras).
    """
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError(f"`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: start_index={start_index}, "
                             f"and end_index={end_index}")
        if end_index >= n:
            raise ValueError(f"`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0 or sampling_rate >= n:
        raise ValueError(f"`sampling_rate` must be in (0, len(data)={n}). Received: sampling_rate={sampling_rate}")
    if sequence_stride <= 0 or sequence_stride >= n:
        raise ValueError(f"`sequence_stride` must be in (0, len(data)={n}). Received: "
                         f"sequence_stride={sequence_stride}")
    start = start_index or 0
    end = end_index if end_index is not None else n
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(positions)
    data = np.asarray(data)
    targets = None if targets is None else np.asarray(targets)
    span = np.arange(0, sequence_length * sampling_rate, sampling_rate)
    window_data = data[start:end]
    window_targets = None if targets is None else targets[start:end]

    def sample(i):
        p = positions[i]
        x = window_data[p + span]
        return x if window_targets is None else (x, window_targets[p])

    return Dataset(len(positions), sample, batch_size=batch_size, shuffle=False, seed=seed)


# ------------------------------------------------------------------------------ directories
def _iter_files(directory, follow_links, formats):
    walk = os.walk(directory, followlinks=follow_links)
    for root, _, files in sorted(walk, key=lambda x: x[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                yield root, fname


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """``(file_paths, labels, class_names)`` for ``directory``, in Keras's order and shuffle."""
    if not os.path.isdir(directory):
        raise ValueError(f"directory={directory!r} is not a folder")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            raise ValueError("`class_names` can only be given with labels='inferred' (with labels=None there are no "
                             "classes; with explicit labels the class names are the sorted labels)")
    filenames, label_list = [], []
    for idx, sub in enumerate(subdirs):
        d = os.path.join(directory, sub)
        for root, fname in _iter_files(d, follow_links, formats):
            filenames.append(os.path.join(sub, os.path.relpath(os.path.join(root, fname), d)))
            label_list.append(idx)
    if labels == "inferred":
        labels = np.asarray(label_list, dtype="int32")
        names = subdirs
    elif labels is None:
        names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(filenames)} files in "
                             f"directory {directory}.")
        names = [str(v) for v in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(names)} classes.")
    paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, names


def _check_split(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, "
                         "to make sure that there is no overlap between the training and validation subset.")


def _split(paths, labels, validation_split, subset):
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":
        print(f"Using {len(paths) - n_val} files for training.")
        return paths[:-n_val], (None if labels is None else labels[:-n_val])
    print(f"Using {n_val} files for validation.")
    return paths[-n_val:], (None if labels is None else labels[-n_val:])


def _encode_label(label, label_mode, num_classes):
    if label_mode == "binary":
        return np.asarray([label], dtype="float32")
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[label]
    return np.asarray(label, dtype="int32" if label_mode == "int" else None)


def _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
                    follow_links, verbose, formats, load, what, collate=None):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f'`labels` argument should be a list/tuple of integer labels, "inferred" or None. '
                         f"Received: labels={labels!r}")
    if labels not in ("inferred", None) and class_names:
        raise ValueError(f"You can only pass `class_names` if `labels='inferred'`. Received: labels={labels}, and "
                         f"class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. '
                         f"Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1_000_000)
    paths, labels, names = index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links,
                                           verbose)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={names}")
    num_classes = len(names) if names else 0

    def make(p, lab, shuffle_epochs):
        if not p:
            raise ValueError(f"No {what} found in directory {directory}. Allowed formats: {formats}")

        def sample(i):
            x = load(p[i])
            return x if lab is None else (x, _encode_label(int(lab[i]), label_mode, num_classes))

        ds = Dataset(len(p), sample, batch_size=batch_size, collate=collate, shuffle=shuffle_epochs, seed=seed)
        ds.class_names, ds.file_paths = names, list(p)
        return ds

    if subset == "both":
        tp, tl = _split(paths, labels, validation_split, "training")
        vp, vl = _split(paths, labels, validation_split, "validation")
        return [make(tp, tl, shuffle), make(vp, vl, False)]
    p, lab = _split(paths, labels, validation_split, subset)
    return make(p, lab, shuffle)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A :class:`Dataset` of ``(images, labels)`` batches from class subfolders (Keras's
    ``image_dataset_from_directory``). Images are float32 ``image_size`` arrays (channels-last
    unless ``data_format="channels_first"``); ``"bilinear"`` and ``"nearest"`` resizing equal
    TensorFlow's (half-pixel centers, no antialiasing); the other ``interpolation`` values use
    Pillow's filters of the same name."""
    from dlx.utils import image_utils

    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: '
                         f"color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: "
                         f"image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in image_utils.INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {image_utils.INTERPOLATIONS}. Received: "
                         f"interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
    from dlx import config

    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format={data_format!r}; expected 'channels_last' or 'channels_first'")

    def load(path):
        img = image_utils.decode_image_file(path, channels)
        img = image_utils.resize_image_array(img, tuple(image_size), interpolation, crop_to_aspect_ratio,
                                             pad_to_aspect_ratio)
        return img.transpose(2, 0, 1) if data_format == "channels_first" else img

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
                           subset, follow_links, verbose, IMAGE_FORMATS, load, "images")


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A :class:`Dataset` of ``(texts, labels)`` batches from the ``.txt`` files of class
    subfolders (Keras's ``text_dataset_from_directory``); texts are NumPy arrays of ``str``,
    truncated to ``max_length`` bytes when given (as TensorFlow's ``substr``)."""

    def load(path):
        with open(path, "rb") as f:
            data = f.read()
        if max_length is not None:
            data = data[:max_length]
        return np.asarray(data.decode("utf-8", errors="replace"), dtype=object)

    def collate(items):
        if isinstance(items[0], tuple):
            return (np.asarray([it[0].item() for it in items], dtype=object),
                    np.stack([it[1] for it in items]))
        return np.asarray([it.item() for it in items], dtype=object)

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
                           subset, follow_links, verbose, (".txt",), load, "text files", collate)


def read_wav(path) -> tuple[np.ndarray, int]:
    """``(samples (n, channels) float32 in [-1, 1], sampling rate)`` of a PCM ``.wav`` file
    (8/16/24/32-bit, as ``tf.audio.decode_wav`` scales them)."""
    import wave

    with wave.open(os.fspath(path), "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        v = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16))
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v.astype(np.float32) / float(1 << 23)
    elif width == 4:
        x = np.frombuffer(raw, "<i4").astype(np.float32) / float(1 << 31)
    else:
        raise ValueError(f"{path}: unsupported sample width {width} bytes")
    return x.reshape(-1, ch), rate


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None, follow_links=False, verbose=True):
    """A :class:`Dataset` of ``(audio, labels)`` batches from the ``.wav`` files of class
    subfolders (Keras's ``audio_dataset_from_directory``): float32 ``(batch, time, channels)``,
    zero-padded to the longest clip of the batch, or cut/padded to ``output_sequence_length``.

    ``sampling_rate`` (dlx reads but does not resample): every file must have that rate, else a
    ``ValueError`` names the file. ``ragged=True`` is not supported (dense batches only).
    """
    if ragged:
        raise ValueError("audio_dataset_from_directory: ragged=True is not supported (dlx batches are dense; set "
                         "output_sequence_length or rely on padding to the longest clip)")
    if output_sequence_length is not None and output_sequence_length <= 0:
        raise ValueError(f"`output_sequence_length` must be > 0, received: {output_sequence_length}")

    def load(path):
        x, rate = read_wav(path)
        if sampling_rate is not None and rate != sampling_rate:
            raise ValueError(f"audio_dataset_from_directory: {path} has sampling rate {rate}, expected "
                             f"sampling_rate={sampling_rate} (dlx does not resample)")
        if output_sequence_length is not None:
            x = x[:output_sequence_length]
            if len(x) < output_sequence_length:
                x = np.pad(x, ((0, output_sequence_length - len(x)), (0, 0)))
        return x

    def collate(items):
        labelled = isinstance(items[0], tuple)
        xs = [it[0] if labelled else it for it in items]
        longest = max(len(x) for x in xs)
        batch = np.stack([np.pad(x, ((0, longest - len(x)), (0, 0))) for x in xs])
        return (batch, np.stack([it[1] for it in items])) if labelled else batch

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
                           subset, follow_links, verbose, (".wav",), load, "audio files", collate)


# ------------------------------------------------------------------------------ split
def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits arrays (or a tuple / dict of arrays, or a list of samples, or an unbatched
    :class:`Dataset`) into two unbatched :class:`Dataset` s (Keras's ``split_dataset``).

    ``left_size`` / ``right_size``: a fraction in ``(0, 1)`` or a number of samples; one may be
    ``None`` (the rest). The left side takes the first samples, the right side the last ones.
    ``shuffle`` permutes the samples first with Python's ``random.Random(seed)``, as Keras.
    """
    if isinstance(dataset, Dataset):
        if dataset.batch_size is not None:
            raise ValueError("split_dataset: pass an unbatched Dataset (call .unbatch())")
        n = len(dataset)
        get = dataset.__getitem__
    elif isinstance(dataset, (tuple, dict)) or hasattr(dataset, "shape"):
        leaves = list(dataset.values()) if isinstance(dataset, dict) else list(dataset) \
            if isinstance(dataset, tuple) else [dataset]
        arrays = [np.asarray(a) for a in leaves]
        n = len(arrays[0])
        if any(len(a) != n for a in arrays):
            raise ValueError(f"split_dataset: all arrays must have the same length; received "
                             f"{[len(a) for a in arrays]}")

        def get(i):
            if isinstance(dataset, dict):
                return {k: a[i] for k, a in zip(dataset, arrays)}
            if isinstance(dataset, tuple):
                return tuple(a[i] for a in arrays)
            return arrays[0][i]
    elif isinstance(dataset, list):
        n, get = len(dataset), dataset.__getitem__
    else:
        raise TypeError(f"split_dataset: dataset of type {type(dataset).__name__} is not supported; expected "
                        "arrays, a tuple/dict of arrays, a list of samples or an unbatched dlx Dataset")
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: you must specify either `left_size` or `right_size`")
    for name, v in (("left_size", left_size), ("right_size", right_size)):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"split_dataset: {name}={v!r}; expected an int, a float or None")
        if (isinstance(v, int) and not 0 < v < n) or (isinstance(v, float) and not 0 < v < 1):
            raise ValueError(f"split_dataset: {name}={v!r}; expected a float in (0, 1) or an int in [1, {n})")
    if isinstance(left_size, float) and isinstance(right_size, float) and left_size + right_size > 1:
        raise ValueError("split_dataset: left_size + right_size is greater than 1")
    left = round(left_size * n) if isinstance(left_size, float) else left_size
    right = round(right_size * n) if isinstance(right_size, float) else right_size
    left = n - right if left is None else left
    right = n - left if right is None else right
    if left + right > n:
        raise ValueError(f"split_dataset: left_size + right_size = {left + right} exceeds the {n} samples")
    if left == 0 or right == 0:
        raise ValueError(f"split_dataset: with {n} samples, left_size={left_size} and right_size={right_size} leave "
                         "one side empty")
    order = list(range(n))
    if shuffle:
        import random

        if seed is None:
            seed = random.randint(0, 1_000_000)
        random.Random(seed).shuffle(order)  # as Keras (Python's random with the seed)
    left_idx, right_idx = order[:left], order[n - right:]
    return (Dataset(len(left_idx), lambda i: get(int(left_idx[i]))),
            Dataset(len(right_idx), lambda i: get(int(right_idx[i]))))

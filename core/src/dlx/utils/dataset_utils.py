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

import os

import numpy as np

from dlx.utils.streaming_dataset import Dataset, check_format, in_format

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


# ------------------------------------------------------------------------------ timeseries
def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None,
                                  format="tf"):
    """Sliding windows over ``data`` (Keras's ``timeseries_dataset_from_array``).

    Window ``i`` is ``data[start_index + p_i : ... + sequence_length * sampling_rate :
    sampling_rate]`` with ``p_i = i * sequence_stride``, and its target ``targets[start_index +
    p_i]``. ``shuffle`` permutes the windows with ``RandomState(seed)`` (as Keras).

    Arguments:
        data: the rows (a NumPy array or list), the first axis being time.
        targets: the target of each window (``targets[start_index + p_i]``), or ``None`` for windows only.
        sequence_length: rows per window.
        sequence_stride: the shift between consecutive windows (an int > 0).
        sampling_rate: the step between the rows of a window (an int > 0).
        batch_size: windows per batch (``None``: one window per element, unbatched).
        shuffle: shuffle the windows.
        seed: the shuffle's seed.
        start_index, end_index: only rows ``start_index <= i < end_index`` are used (default: all).
        format: ``"tf"`` (Keras's default): dlx's backend-neutral :class:`Dataset`
            (``.as_tf_dataset()`` gives a ``tf.data.Dataset``); ``"grain"``: a ``grain.IterDataset`` (as Keras).

    Returns:
        The dataset of windows (with their targets when ``targets`` is given), in the asked
        ``format``.

    >>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3, batch_size=4)
    >>> [b.tolist() for b in ds][1]
    [[4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]]
    """
    check_format(format)
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

    return in_format(Dataset(len(positions), sample, batch_size=batch_size, shuffle=False, seed=seed), format)


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
                                 pad_to_aspect_ratio=False, data_format=None, format="tf", verbose=True):
    """A :class:`Dataset` of ``(images, labels)`` batches from class subfolders (Keras's
    ``image_dataset_from_directory``). Images are float32 ``image_size`` arrays (channels-last
    unless ``data_format="channels_first"``); ``"bilinear"`` and ``"nearest"`` resizing equal
    TensorFlow's (half-pixel centers, no antialiasing); the other ``interpolation`` values use
    Pillow's filters of the same name. ``format``: ``"tf"`` (Keras's default) returns dlx's
    backend-neutral :class:`Dataset` (``.as_tf_dataset()`` gives a ``tf.data.Dataset``),
    ``"grain"`` a ``grain.IterDataset`` of the same batches (as Keras 3.15).

    Files with the extensions ``.bmp``, ``.gif``, ``.jpeg``, ``.jpg`` and ``.png`` are read.

    Arguments:
        directory: the folder to read. With ``labels="inferred"`` each subfolder is a class
            (subfolders are taken in alphanumeric order) and files at any depth below it belong
            to that class.
        labels: ``"inferred"`` (from the subfolders), ``None`` (no labels: batches hold only
            the images), or a list/tuple with one label per file, in the alphanumeric order of
            the file paths.
        label_mode: ``"int"`` (int32 class indices), ``"categorical"`` (float32 one-hot
            vectors), ``"binary"`` (float32 ``0.``/``1.``; exactly two classes) or ``None`` (no
            labels).
        class_names: with ``labels="inferred"``, the subfolders to use and their order
            (``None``: every subfolder).
        color_mode: ``"rgb"`` (3 channels), ``"rgba"`` (4) or ``"grayscale"`` (1).
        batch_size: images per batch (``None``: single images, unbatched).
        image_size: the ``(height, width)`` (or one int for both) every image is resized to.
        shuffle: shuffle the files once when indexing, and visit the samples in a new seeded
            order each epoch (not the validation dataset of ``subset="both"``); ``False`` keeps
            the alphanumeric order.
        seed: the seed of the shuffling and of the split (``None``: a random one; required with
            ``validation_split`` when shuffling).
        validation_split: the fraction (between 0 and 1) of the files set apart for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (a list of the two datasets);
            only with ``validation_split``.
        follow_links: also walk the folders that symbolic links point to.
        interpolation: the resizing method: ``"bilinear"``, ``"nearest"`` or another name in
            ``dlx.utils.image_utils.INTERPOLATIONS`` (case-insensitive).
        crop_to_aspect_ratio: first center-crop each image to the target aspect ratio.
        pad_to_aspect_ratio: first zero-pad each image to the target aspect ratio (not with
            ``crop_to_aspect_ratio``).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``dlx.config.image_data_format()``).
        format: ``"tf"`` (dlx's backend-neutral :class:`Dataset`) or ``"grain"`` (a
            ``grain.IterDataset`` of the same batches).
        verbose: print how many files and classes were found.

    Returns:
        The dataset (in the asked ``format``); with ``subset="both"`` a list ``[training,
        validation]``. Each dataset has ``class_names`` and ``file_paths`` attributes.

    Raises:
        ValueError: for an invalid argument value (the message names it), a folder that does
            not exist, or a folder with no matching files.
    """
    from dlx.utils import image_utils

    check_format(format)

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

    return in_format(_from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                                     validation_split, subset, follow_links, verbose, IMAGE_FORMATS, load, "images"),
                     format)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """A :class:`Dataset` of ``(texts, labels)`` batches from the ``.txt`` files of class
    subfolders (Keras's ``text_dataset_from_directory``); texts are NumPy arrays of ``str``,
    truncated to ``max_length`` bytes when given (as TensorFlow's ``substr``). ``format`` as
    :func:`image_dataset_from_directory`'s (with ``"grain"`` a batch's texts are a list of ``str``,
    as Keras's).

    Arguments:
        directory: the folder to read. With ``labels="inferred"`` each subfolder is a class
            (subfolders are taken in alphanumeric order) and files at any depth below it belong
            to that class.
        labels: ``"inferred"`` (from the subfolders), ``None`` (no labels: batches hold only
            the texts), or a list/tuple with one label per file, in the alphanumeric order of
            the file paths.
        label_mode: ``"int"`` (int32 class indices), ``"categorical"`` (float32 one-hot
            vectors), ``"binary"`` (float32 ``0.``/``1.``; exactly two classes) or ``None`` (no
            labels).
        class_names: with ``labels="inferred"``, the subfolders to use and their order
            (``None``: every subfolder).
        batch_size: texts per batch (``None``: single texts, unbatched).
        max_length: the number of bytes each file is cut to (``None``: whole files).
        shuffle: shuffle the files once when indexing, and visit the samples in a new seeded
            order each epoch (not the validation dataset of ``subset="both"``); ``False`` keeps
            the alphanumeric order.
        seed: the seed of the shuffling and of the split (``None``: a random one; required with
            ``validation_split`` when shuffling).
        validation_split: the fraction (between 0 and 1) of the files set apart for validation.
        subset: ``"training"``, ``"validation"`` or ``"both"`` (a list of the two datasets);
            only with ``validation_split``.
        follow_links: also walk the folders that symbolic links point to.
        format: ``"tf"`` (dlx's backend-neutral :class:`Dataset`) or ``"grain"`` (a
            ``grain.IterDataset`` of the same batches).
        verbose: print how many files and classes were found.

    Returns:
        The dataset (in the asked ``format``); with ``subset="both"`` a list ``[training,
        validation]``. Each dataset has ``class_names`` and ``file_paths`` attributes.

    Raises:
        ValueError: for an invalid argument value (the message names it), a folder that does
            not exist, or a folder with no matching files.
    """
    check_format(format)

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

    return in_format(_from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed,
                                     validation_split, subset, follow_links, verbose, (".txt",), load, "text files",
                                     collate), format, texts=True)


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


def resample(x, rate_in: int, rate_out: int, what="audio") -> np.ndarray:
    """``x`` (``(time, channels)``) from ``rate_in`` to ``rate_out`` samples per second with a
    Kaiser-windowed polyphase low-pass filter (``scipy.signal.resample_poly``), float32."""
    import math

    try:
        from scipy import signal
    except ImportError as e:
        raise ImportError(f"{what}: resampling from {rate_in} Hz to sampling_rate={rate_out} needs SciPy "
                          "(`pip install scipy`)") from e
    g = math.gcd(int(rate_in), int(rate_out))
    return signal.resample_poly(x, rate_out // g, rate_in // g, axis=0).astype(np.float32)


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None, follow_links=False, verbose=True):
    """A :class:`Dataset` of ``(audio, labels)`` batches from the ``.wav`` files of class
    subfolders (Keras's ``audio_dataset_from_directory``): float32 ``(batch, time, channels)``,
    zero-padded to the longest clip of the batch, or cut/padded to ``output_sequence_length``.

    ``sampling_rate``: clips recorded at another rate are resampled to it (after
    ``output_sequence_length`` is applied, as Keras's), by SciPy's polyphase filter
    (``scipy.signal.resample_poly``; a clip that needs it without SciPy raises).
    ``ragged=True``: each batch holds a list of the clips as they are (``(time, channels)``
    arrays of their own lengths) instead of one padded array.
    """
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if output_sequence_length is not None and (not isinstance(output_sequence_length, int)
                                               or output_sequence_length <= 0):
        raise ValueError(f"`output_sequence_length` must be an integer > 0, received: {output_sequence_length}")
    if sampling_rate is not None and (not isinstance(sampling_rate, int) or sampling_rate <= 0):
        raise ValueError(f"`sampling_rate` should be an integer higher than 0. Received: sampling_rate={sampling_rate}")

    def load(path):
        x, rate = read_wav(path)
        if output_sequence_length is not None:
            x = x[:output_sequence_length]
            if len(x) < output_sequence_length:
                x = np.pad(x, ((0, output_sequence_length - len(x)), (0, 0)))
        if sampling_rate is not None and rate != sampling_rate:
            x = resample(x, rate, sampling_rate, path)
        return x

    def collate(items):
        labelled = isinstance(items[0], tuple)
        xs = [it[0] if labelled else it for it in items]
        if ragged:
            batch = list(xs)
        else:
            longest = max(len(x) for x in xs)
            batch = np.stack([np.pad(x, ((0, longest - len(x)), (0, 0))) for x in xs])
        return (batch, np.stack([it[1] for it in items])) if labelled else batch

    return _from_directory(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split,
                           subset, follow_links, verbose, (".wav",), load, "audio files", collate)


# ------------------------------------------------------------------------------ split
def _is_framework_dataset(obj, module_part, class_names=("DatasetV2", "Dataset")) -> bool:
    return any(c.__name__ in class_names and module_part in c.__module__ for c in type(obj).__mro__)


def _samples_of(dataset):
    """``(n, get(i), batch_size)`` for the inputs ``split_dataset`` accepts."""
    if isinstance(dataset, Dataset):
        if dataset.item_sizes() is not None:
            samples = dataset.unbatch()
            return len(samples), samples.__getitem__, dataset.batch_size
        return len(dataset), dataset.__getitem__, None
    if isinstance(dataset, (tuple, list, dict)):
        if not dataset:
            raise ValueError(f"split_dataset: received an empty {type(dataset).__name__}; expected arrays of the "
                             "same length")
        keys = list(dataset) if isinstance(dataset, dict) else None
        leaves = [dataset[k] for k in keys] if keys else list(dataset)
        arrays = [np.asarray(a) for a in leaves]
        if any(a.ndim == 0 for a in arrays):
            raise ValueError(f"split_dataset: every element of the {type(dataset).__name__} must be an array of "
                             "samples (a list/tuple of arrays of the same length, as Keras's)")
        if len({len(a) for a in arrays}) > 1:
            raise ValueError(f"split_dataset: received a {type(dataset).__name__} of arrays with different lengths "
                             f"{[len(a) for a in arrays]}; expected arrays of the same length")
        if keys:
            return len(arrays[0]), lambda i: {k: a[i] for k, a in zip(keys, arrays)}, None
        return len(arrays[0]), lambda i: tuple(a[i] for a in arrays), None
    if isinstance(dataset, np.ndarray) or (hasattr(dataset, "shape") and hasattr(dataset, "__array__")):
        arr = np.asarray(dataset)
        return len(arr), arr.__getitem__, None
    if _is_framework_dataset(dataset, "tensorflow"):
        batch_size = getattr(dataset, "_batch_size", None)
        if batch_size is not None:
            batch_size = int(batch_size)
            dataset = dataset.unbatch()
        items = list(dataset.as_numpy_iterator())  # a tf.data pipeline has no random access
        return len(items), items.__getitem__, batch_size
    if _is_framework_dataset(dataset, "torch.utils.data", ("Dataset",)):
        from dlx import tree_util as tree

        def get(i):
            return tree.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else np.asarray(t), dataset[i])

        return len(dataset), get, None
    raise TypeError(f"split_dataset: dataset of type {type(dataset).__name__} is not supported; expected a NumPy "
                    "array, a list/tuple (or dict) of arrays of the same length, a dlx Dataset, a tf.data.Dataset or "
                    "a torch Dataset")


def _split_sizes(left_size, right_size, n):
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. Received: "
                         "left_size=None and right_size=None")
    for name, v in (("left_size", left_size), ("right_size", right_size)):
        if v is not None and type(v) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: type({name})="
                            f"{type(v)}.")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be "
                         "non-zero.")
    for name, v in (("left_size", left_size), ("right_size", right_size)):
        if (type(v) is int and not 0 < v < n) or (type(v) is float and not 0 < v < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than {n}, or a float within "
                             f"the range `[0, 1]`. Received: {name}={v}")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal "
                         "to 1.")
    left = round(left_size * n) if type(left_size) is float else left_size
    right = round(right_size * n) if type(right_size) is float else right_size
    left = n - right if left is None else left
    right = n - left if right is None else right
    if left + right > n:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {n}. Received: "
                         f"left_size + right_size = {left + right}and total_length = {n}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={n}, `left_size`={left} and `right_size`={right}. Resulting "
                             f"{side} side dataset split will be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


_BACKENDS = (None, "tensorflow", "tf", "torch", "jax", "numpy", "openvino")


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Splits a dataset into a left and a right part (Keras's ``split_dataset``).

    Arguments:
        dataset: a NumPy array, a list/tuple (or dict) of arrays of the same length (samples are
            tuples of their rows), a dlx :class:`Dataset`, a ``tf.data.Dataset`` or a torch
            ``Dataset``.
        left_size, right_size: a fraction in ``(0, 1)`` or a number of samples; one may be
            ``None`` (the rest). The left part takes the first samples, the right part the last.
        shuffle: permute the samples first, with Python's ``random`` seeded by ``seed`` (the
            order Keras's ``tf.data`` path gives).
        seed: the shuffling seed.
        preferred_backend: the type of the parts: ``None`` (and ``"jax"``, ``"numpy"``,
            ``"openvino"``): dlx :class:`Dataset` s; ``"tensorflow"``: ``tf.data.Dataset`` s;
            ``"torch"``: torch ``Dataset`` s. The split is the same for every type (Keras's torch
            path instead draws a random permutation from torch's generator even without
            ``shuffle``).

    A batched input (a batched dlx or ``tf.data`` dataset) gives parts batched the same way.

    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(left), [int(v) for v in right]
    (8, [8, 9])
    """
    if preferred_backend not in _BACKENDS:
        raise ValueError(f"split_dataset: preferred_backend={preferred_backend!r}; expected one of {_BACKENDS}")
    n, get, batch_size = _samples_of(dataset)
    if n == 0:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty list/tuple of "
                         "`numpy.ndarray` objects or a non-empty dataset.")
    left, right = _split_sizes(left_size, right_size, n)
    order = list(range(n))
    if shuffle:
        import random

        if seed is None:
            seed = random.randint(0, int(1e6))
        random.Random(seed).shuffle(order)  # the permutation Keras's random.seed(seed); random.shuffle(...) gives
    parts = []
    for idx in (order[:left], order[n - right:]):
        part = Dataset(len(idx), lambda i, idx=idx: get(int(idx[i])))
        if batch_size is not None:
            part = part.batch(batch_size)
        if preferred_backend in ("tensorflow", "tf"):
            part = part.as_tf_dataset()
        elif preferred_backend == "torch":
            part = part.as_torch_dataset()
        parts.append(part)
    return tuple(parts)

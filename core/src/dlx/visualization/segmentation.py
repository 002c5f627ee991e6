"""Segmentation masks drawn over images."""

from __future__ import annotations

import numpy as np

from dlx import dtypes as _dtypes


def _palette(num_classes: int) -> list:
    """A distinct RGB color per class: ``(i * (2**25 - 1, 2**15 - 1, 2**21 - 1)) % 255``."""
    base = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1])
    return [((i * base) % 255).tolist() for i in range(num_classes)]


def draw_segmentation_masks(images, segmentation_masks, num_classes=None, color_mapping=None, alpha=0.8, blend=True,
                            ignore_index=-1, data_format=None):
    """Colors each pixel of ``images`` by its class in ``segmentation_masks``.

    Arguments:
        images: ``(batch, height, width, 3)`` images (channels first with
            ``data_format="channels_first"``).
        segmentation_masks: ``(batch, height, width, 1)`` integer class ids.
        num_classes: the number of classes (default: the largest id present, plus one).
        color_mapping: a class id -> RGB color mapping with a color for every id from 0 to
            ``num_classes - 1`` (default: a fixed palette).
        alpha: the masks' opacity when blending.
        blend: blend the colors with the images (``uint8`` NumPy result) rather than paint
            them over (``float32`` tensor result).
        ignore_index: the id of pixels left as they are.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Returns:
        The images with the masks drawn, channels last.

    Raises:
        ValueError: for images that are not a batch of 3-D images, or a ``color_mapping``
            without a color for some class id below ``num_classes``.
        TypeError: for masks that are not integers.

    Example:

    >>> import numpy as np
    >>> from dlx import visualization
    >>> images = np.zeros((1, 4, 4, 3), "uint8")
    >>> masks = np.zeros((1, 4, 4), "int32")
    >>> masks[0, :2] = 1  # the top half is class 1
    >>> drawn = visualization.draw_segmentation_masks(
    ...     images, masks, num_classes=2, color_mapping={0: (0, 0, 0), 1: (0, 255, 0)}, alpha=1.0)
    >>> drawn[0, 0, 0], drawn[0, 3, 3]
    (array([  0, 255,   0], dtype=uint8), array([0, 0, 0], dtype=uint8))
    """
    from dlx import backend, ops

    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"draw_segmentation_masks: data_format={data_format!r}; expected 'channels_last' or "
                         "'channels_first'")
    shape = tuple(ops.tensors.shape(images))
    if len(shape) != 4:
        raise ValueError(f"draw_segmentation_masks: images must be a batch of images (4-D); received shape {shape}")
    imgs = np.asarray(ops.convert_to_numpy(images), dtype=np.float32)
    masks = np.asarray(ops.convert_to_numpy(segmentation_masks))
    if data_format == "channels_first":
        imgs, masks = imgs.transpose(0, 2, 3, 1), masks.transpose(0, 2, 3, 1)
    dt = _dtypes.standardize(masks.dtype)
    if not _dtypes.is_int(dt):
        raise TypeError(f"draw_segmentation_masks: segmentation_masks must have an integer dtype; received {dt}")
    masks = masks[..., 0]
    valid = masks != ignore_index
    if num_classes is None:
        num_classes = max(1, int(np.max(np.where(valid, masks, -1))) + 1)
    if color_mapping is None:
        colors = _palette(num_classes)
    else:
        missing = [i for i in range(num_classes) if i not in color_mapping]
        if missing:
            raise ValueError(f"draw_segmentation_masks: color_mapping has no color for class id(s) {missing}; "
                             f"expected a mapping with an RGB color for every class id 0..{num_classes - 1} "
                             f"(num_classes={num_classes}); its keys are {sorted(color_mapping, key=repr)}")
        colors = [color_mapping[i] for i in range(num_classes)]
    painted = imgs.copy()
    for cls, color in enumerate(colors):
        painted[masks == cls] = np.asarray(color, np.float32)
    if not blend:
        return ops.convert_to_tensor(painted, "float32")
    out = imgs * (1 - alpha) + painted * alpha
    out = np.where(valid[..., None], out, imgs)
    return np.asarray(ops.convert_to_numpy(ops.cast(ops.convert_to_tensor(out), "uint8")))


__all__ = ["draw_segmentation_masks"]

"""Image galleries with matplotlib: images with class labels, and segmentation masks."""

from __future__ import annotations

import functools
import math

import numpy as np


def matplotlib_pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(f"{caller} needs matplotlib: `pip install matplotlib`") from e
    return plt


def plot_image_gallery(images, y_true=None, y_pred=None, label_map=None, rows=None, cols=None, value_range=(0, 255),
                       scale=2, path=None, show=None, transparent=True, dpi=60, legend_handles=None,
                       data_format=None):
    """Shows (or saves) a grid of images, optionally titled with true and predicted labels.

    Arguments:
        images: ``(batch, height, width, channels)`` images (channels first with
            ``data_format="channels_first"``).
        y_true, y_pred: class ids per image (need ``label_map``); the titles read
            ``Label: <name>  Pred: <name>``.
        label_map: class id -> name (unknown ids print ``Unknown``).
        rows, cols: the grid (default ``rows = ceil(sqrt(batch))``, ``cols = batch // rows``,
            Keras's rule); the first ``rows * cols`` images are shown.
        value_range: the images' value range, mapped to ``[0, 255]``.
        scale: inches per grid cell.
        path: save the figure there (``dpi``, ``transparent``) instead of showing it.
        show: show the figure (default: when no ``path``); not with ``path``.
        legend_handles: matplotlib handles for a legend below the grid.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).
        transparent: with ``path``: save with a transparent background.
        dpi: with ``path``: the saved figure's dots per inch.
    """
    from dlx import backend, ops

    plt = matplotlib_pyplot("plot_image_gallery")
    if path is not None and show:
        raise ValueError("plot_image_gallery: pass path= (save the figure) or show=True, not both")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("plot_image_gallery: y_true / y_pred need a label_map (class id -> name)")
    show = path is None if show is None else show
    data_format = data_format or backend.image_data_format()
    shape = tuple(ops.tensors.shape(images))
    if len(shape) != 4:
        raise ValueError(f"plot_image_gallery: images must be a batch of images (4-D); received shape {shape}")
    batch = shape[0]
    rows = rows or math.ceil(math.sqrt(batch))
    cols = cols or batch // rows
    images = np.asarray(ops.convert_to_numpy(images))[: min(rows * cols, batch)]
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    lo, hi = value_range
    if tuple(value_range) != (0, 255):
        images = (images.astype("float32") - lo) / (hi - lo) * 255.0
    fig, axes = plt.subplots(nrows=rows, ncols=cols, figsize=(cols * scale, rows * scale), frameon=False,
                             layout="tight", squeeze=True, sharex="row", sharey="col")
    fig.subplots_adjust(wspace=0, hspace=0)
    axes = np.asarray(axes).reshape(rows, cols)
    if legend_handles is not None:
        fig.legend(handles=legend_handles, loc="lower center")
    y_true = None if y_true is None else np.asarray(ops.convert_to_numpy(y_true))
    y_pred = None if y_pred is None else np.asarray(ops.convert_to_numpy(y_pred))
    for index, axis in enumerate(axes.reshape(-1)):
        axis.imshow(images[index].astype("uint8"))
        axis.margins(x=0, y=0)
        axis.axis("off")
        title = []
        if y_true is not None and index < len(y_true):
            title.append(f"Label: {label_map.get(y_true[index], 'Unknown')}")
        if y_pred is not None and index < len(y_pred):
            title.append(f"Pred: {label_map.get(y_pred[index], 'Unknown')}")
        if title:
            axis.set_title("  ".join(title), fontsize=8)
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close()
    elif show:
        plt.show()
        plt.close()


def plot_segmentation_mask_gallery(images, num_classes, value_range=(0, 255), y_true=None, y_pred=None,
                                   color_mapping=None, blend=True, alpha=0.8, ignore_index=-1, data_format=None,
                                   **kwargs):
    """A gallery with one row per image: the image, then the true masks ``y_true`` and the
    predicted masks ``y_pred`` drawn over it (:func:`draw_segmentation_masks`, with
    ``num_classes``, ``color_mapping``, ``blend``, ``alpha``, ``ignore_index``). Other keyword
    arguments go to :func:`plot_image_gallery`.

    Arguments:
        images: a batch of images, ``(batch, height, width, channels)`` (channels first with
            ``data_format="channels_first"``).
        num_classes: the number of classes (``None``: the largest id present, plus one).
        value_range: the images' value range, mapped to ``[0, 255]`` for display.
        y_true: the true masks, ``(batch, height, width, 1)`` integer class ids, or ``None``.
        y_pred: the predicted masks, in the same form, or ``None``.
        color_mapping: class id -> RGB color (``None``: a fixed palette).
        blend: blend the mask colors with the image rather than paint them over it.
        alpha: the masks' opacity when blending.
        ignore_index: the class id of pixels left unpainted.
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        **kwargs: passed to :func:`plot_image_gallery` (``path``, ``show``, ``scale``...).

    Raises:
        ValueError: for images that are not 4-D.
    """
    from dlx import backend, ops
    from dlx.visualization.segmentation import draw_segmentation_masks

    data_format = data_format or backend.image_data_format()
    shape = tuple(ops.tensors.shape(images))
    if len(shape) != 4:
        raise ValueError(f"plot_segmentation_mask_gallery: images must be a batch of images (4-D); received "
                         f"shape {shape}")
    images = np.asarray(ops.convert_to_numpy(images))
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    draw = functools.partial(draw_segmentation_masks, num_classes=num_classes, color_mapping=color_mapping,
                             alpha=alpha, ignore_index=ignore_index, blend=blend, data_format="channels_last")
    columns = [images]
    for masks in (y_true, y_pred):
        if masks is not None:
            masks = np.asarray(ops.convert_to_numpy(masks)).astype("int32")
            if data_format == "channels_first":
                masks = masks.transpose(0, 2, 3, 1)
            columns.append(np.asarray(ops.convert_to_numpy(draw(images, masks))))
    gallery = np.stack([col[i] for i in range(shape[0]) for col in columns], axis=0)
    return plot_image_gallery(gallery, value_range=value_range, rows=shape[0], cols=len(columns),
                              data_format="channels_last", **kwargs)

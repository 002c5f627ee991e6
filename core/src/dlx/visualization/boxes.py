"""Bounding boxes drawn on images (Pillow for the labels; Keras 3 uses OpenCV)."""

from __future__ import annotations

import functools

import numpy as np


def _as_uint8(images):
    """Float images in ``[0, 1]`` are scaled to ``[0, 255]``, larger ones clipped; then ``uint8``
    (Keras's rule)."""
    if images.dtype.kind == "f" and images.size:
        images = np.clip(images, 0, 1) * 255 if images.max() <= 1.0 else np.clip(images, 0, 255)
    return images.astype("uint8")


def _outline(image, x1, y1, x2, y2, color, thickness):
    """A ``thickness``-pixel outline centred on the edges of the box ``[x1, x2] x [y1, y2]``
    (clipped to the image)."""
    h, w = image.shape[:2]
    lo, hi = thickness // 2, thickness - thickness // 2  # pixels [edge - lo, edge + hi)

    def fill(ya, yb, xa, xb):
        ya, yb, xa, xb = max(ya, 0), min(yb, h), max(xa, 0), min(xb, w)
        if ya < yb and xa < xb:
            image[ya:yb, xa:xb] = color

    fill(y1 - lo, y1 + hi, x1 - lo, x2 + hi)  # top
    fill(y2 - lo, y2 + hi, x1 - lo, x2 + hi)  # bottom
    fill(y1 - lo, y2 + hi, x1 - lo, x1 + hi)  # left
    fill(y1 - lo, y2 + hi, x2 - lo, x2 + hi)  # right


def _text_origin(x, y, font_scale, thickness):
    """Above the box when there is room (baseline 8 pixels above it), else inside below its top
    edge; Keras's placement."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3


def _text(image, text, origin, color, font_scale, thickness):
    """``text`` with its baseline's left end at ``origin`` (as OpenCV's ``putText``)."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as e:
        raise ImportError("draw_bounding_boxes draws class labels with Pillow: `pip install pillow` (or pass no "
                          "class_mapping)") from e
    font = ImageFont.load_default(size=max(1, round(12 * font_scale)))
    canvas = Image.fromarray(image)
    ImageDraw.Draw(canvas).text(origin, text, fill=tuple(int(c) for c in color), font=font, anchor="ls",
                                stroke_width=max(0, int(thickness) - 1), stroke_fill=tuple(int(c) for c in color))
    image[...] = np.asarray(canvas)


def draw_bounding_boxes(images, bounding_boxes, bounding_box_format, class_mapping=None, color=(128, 128, 128),
                        line_thickness=2, text_thickness=1, font_scale=1.0, data_format=None):
    """Draws ``bounding_boxes`` (and their class names) on a batch of images.

    Arguments:
        images: ``(batch, height, width, 3)`` images (channels first with
            ``data_format="channels_first"``); floats in ``[0, 1]`` are scaled to ``[0, 255]``.
        bounding_boxes: ``{"boxes": (batch, n, 4), "labels": (batch, n)}`` and optionally
            ``"confidences"`` (printed after the name). Label ``-1`` marks padding (not drawn).
        bounding_box_format: the boxes' format (``"xyxy"``, ``"xywh"``, ``"rel_yxyx"``...).
        class_mapping: class id -> name; only mapped classes get a label.
        color: the RGB color of boxes and labels.
        line_thickness: the outline's width in pixels, centred on the box edges.
        text_thickness: the labels' stroke (default: ``line_thickness``).
        font_scale: the labels' size (12-pixel font at 1.0).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).

    Returns:
        A ``uint8`` NumPy array of the images with the boxes, channels last.

    Labels are drawn with Pillow's default font where Keras 3 uses OpenCV's Hershey font; boxes
    are placed as Keras places them.

    Example:

    >>> import numpy as np
    >>> from dlx import visualization
    >>> images = np.zeros((1, 8, 8, 3), "uint8")
    >>> boxes = {"boxes": np.array([[[1.0, 1.0, 6.0, 6.0]]]), "labels": np.array([[0]])}
    >>> drawn = visualization.draw_bounding_boxes(images, boxes, bounding_box_format="xyxy",
    ...                                           color=(255, 0, 0))
    >>> drawn.shape, drawn[0, 1, 1], drawn[0, 3, 3]  # a corner of the box, and its inside
    ((1, 8, 8, 3), array([255,   0,   0], dtype=uint8), array([0, 0, 0], dtype=uint8))
    """
    from dlx import backend, ops
    from dlx.utils.bounding_boxes import convert_format

    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    data_format = data_format or backend.image_data_format()
    shape = tuple(ops.tensors.shape(images))
    if len(shape) != 4:
        raise ValueError(f"draw_bounding_boxes: images must be a batch of images (4-D); received shape {shape}")
    if not isinstance(bounding_boxes, dict):
        raise TypeError(f"draw_bounding_boxes: bounding_boxes must be a dict; received {type(bounding_boxes).__name__}")
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("draw_bounding_boxes: bounding_boxes must have 'boxes' and 'labels'; received keys "
                         f"{sorted(bounding_boxes)}")
    height, width = (shape[1], shape[2]) if data_format == "channels_last" else (shape[2], shape[3])
    boxes = np.asarray(ops.convert_to_numpy(convert_format(bounding_boxes["boxes"], bounding_box_format, "xyxy",
                                                           height, width)))
    labels = np.asarray(ops.convert_to_numpy(bounding_boxes["labels"]))
    confidences = bounding_boxes.get("confidences")
    confidences = None if confidences is None else np.asarray(ops.convert_to_numpy(confidences))
    images = _as_uint8(np.array(ops.convert_to_numpy(images)))
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    out = []
    for i, image in enumerate(images):
        image = np.ascontiguousarray(image)
        for j, box in enumerate(boxes[i]):
            cls = int(labels[i][j])
            if cls == -1:
                continue
            x1, y1, x2, y2 = (int(v) for v in box.astype("int32"))
            _outline(image, x1, y1, x2, y2, color, line_thickness)
            if cls in class_mapping:
                text = str(class_mapping[cls])
                if confidences is not None:
                    text = f"{text} | {confidences[i][j]:.2f}"
                _text(image, text, _text_origin(x1, y1, font_scale, text_thickness), color, font_scale,
                      text_thickness)
        out.append(image)
    return np.stack(out, axis=0)


def plot_bounding_box_gallery(images, bounding_box_format, y_true=None, y_pred=None, value_range=(0, 255),
                              true_color=(0, 188, 212), pred_color=(255, 235, 59), line_thickness=2, font_scale=1.0,
                              text_thickness=None, class_mapping=None, ground_truth_mapping=None,
                              prediction_mapping=None, legend=False, legend_handles=None, rows=None, cols=None,
                              data_format=None, **kwargs):
    """A gallery (:func:`plot_image_gallery`) of ``images`` with the true boxes ``y_true`` (in
    ``true_color``) and the predicted ones ``y_pred`` (in ``pred_color``) drawn on them.

    ``class_mapping`` names the classes of both (``ground_truth_mapping`` /
    ``prediction_mapping`` override it for one side); ``legend=True`` adds a "Ground Truth" /
    "Prediction" legend (or pass matplotlib ``legend_handles``, not both). Other keyword
    arguments go to :func:`plot_image_gallery`.

    Arguments:
        images: a batch of images, ``(batch, height, width, channels)`` (channels first with
            ``data_format="channels_first"``).
        bounding_box_format: the boxes' format (``"xyxy"``, ``"xywh"``, ``"rel_yxyx"``...).
        y_true: the true boxes, ``{"boxes": (batch, n, 4), "labels": (batch, n)}`` (optionally
            ``"confidences"``), or ``None``.
        y_pred: the predicted boxes, in the same form, or ``None``.
        value_range: the images' value range, mapped to ``[0, 255]`` for display.
        true_color: the RGB color of the true boxes.
        pred_color: the RGB color of the predicted boxes.
        line_thickness: the box outlines' width in pixels.
        font_scale: the labels' size (a 12-pixel font at 1.0).
        text_thickness: the labels' stroke (``None``: ``line_thickness``).
        class_mapping: class id -> name for the labels of both sides (only mapped classes get
            a label).
        ground_truth_mapping: the mapping for ``y_true`` (``None``: ``class_mapping``).
        prediction_mapping: the mapping for ``y_pred`` (``None``: ``class_mapping``).
        legend: add a "Ground Truth" / "Prediction" legend in the two colors.
        legend_handles: matplotlib legend handles of your own (not with ``legend=True``).
        rows: the grid's rows (``None``: as :func:`plot_image_gallery` chooses).
        cols: the grid's columns (``None``: as :func:`plot_image_gallery` chooses).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``: the global setting).
        **kwargs: passed to :func:`plot_image_gallery` (``path``, ``show``, ``scale``,
            ``dpi``, ``transparent``...).

    Raises:
        ValueError: for images that are not 4-D, or both ``legend`` and ``legend_handles``.
        ImportError: when matplotlib is not installed.
    """
    from dlx import backend, ops
    from dlx.visualization.gallery import matplotlib_pyplot, plot_image_gallery

    matplotlib_pyplot("plot_bounding_box_gallery")
    data_format = data_format or backend.image_data_format()
    shape = tuple(ops.tensors.shape(images))
    if len(shape) != 4:
        raise ValueError(f"plot_bounding_box_gallery: images must be a batch of images (4-D); received shape {shape}")
    if legend and legend_handles:
        raise ValueError("plot_bounding_box_gallery: pass legend=True or legend_handles, not both")
    images = np.asarray(ops.convert_to_numpy(images))
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    draw = functools.partial(draw_bounding_boxes, bounding_box_format=bounding_box_format,
                             line_thickness=line_thickness, text_thickness=text_thickness, font_scale=font_scale,
                             data_format="channels_last")
    if y_true is not None:
        images = draw(images, y_true, color=true_color, class_mapping=ground_truth_mapping or class_mapping)
    if y_pred is not None:
        images = draw(images, y_pred, color=pred_color, class_mapping=prediction_mapping or class_mapping)
    if legend:
        from matplotlib.patches import Patch as patch

        legend_handles = [patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
                          patch(color=np.array(pred_color) / 255.0, label="Prediction")]
    return plot_image_gallery(images, value_range=value_range, legend_handles=legend_handles, rows=rows, cols=cols,
                              data_format="channels_last", **kwargs)

"""``dlx.utils.bounding_boxes``: Keras 3's bounding-box utilities (``keras.utils.bounding_boxes``)
on ``dlx.ops``, so they run on every backend and inside compiled functions.

Formats (the last axis holds 4 numbers): ``"xyxy"``, ``"yxyx"``, ``"xywh"``, ``"center_xywh"``,
``"center_yxhw"`` in pixels, and ``"rel_xyxy"``, ``"rel_yxyx"``, ``"rel_xywh"``,
``"rel_center_xywh"`` as fractions of the image's ``height`` / ``width``.

>>> import numpy as np, dlx
>>> with dlx.backend.use("numpy"):
...     b = convert_format(np.array([[10., 20., 30., 60.]]), "xyxy", "center_xywh")
...     dlx.ops.convert_to_numpy(b).tolist()
[[20.0, 40.0, 20.0, 40.0]]
"""

from __future__ import annotations

import math

from dlx import backend as _backend
from dlx import ops

__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou", "convert_format", "crop",
           "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh",
                     "rel_center_xywh")


def _parts(boxes):
    return ops.split(boxes, 4, axis=-1)


def _join(parts):
    return ops.concatenate(parts, axis=-1)


def _to_xyxy(boxes, fmt, height, width):
    a, b, c, d = _parts(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join([b, a, d, c])
    if fmt == "xywh":
        return _join([a, b, ops.add(a, c), ops.add(b, d)])
    if fmt == "center_xywh":
        hw, hh = ops.divide(c, 2.0), ops.divide(d, 2.0)
        return _join([ops.subtract(a, hw), ops.subtract(b, hh), ops.add(a, hw), ops.add(b, hh)])
    if fmt == "center_yxhw":
        hw, hh = ops.divide(d, 2.0), ops.divide(c, 2.0)
        return _join([ops.subtract(b, hw), ops.subtract(a, hh), ops.add(b, hw), ops.add(a, hh)])
    if fmt == "rel_xyxy":
        return _join([ops.multiply(a, width), ops.multiply(b, height), ops.multiply(c, width), ops.multiply(d, height)])
    if fmt == "rel_yxyx":
        return _join([ops.multiply(b, width), ops.multiply(a, height), ops.multiply(d, width), ops.multiply(c, height)])
    if fmt == "rel_xywh":
        return _join([ops.multiply(a, width), ops.multiply(b, height), ops.multiply(ops.add(a, c), width),
                      ops.multiply(ops.add(b, d), height)])
    # rel_center_xywh
    hw, hh = ops.divide(c, 2.0), ops.divide(d, 2.0)
    return _join([ops.multiply(ops.subtract(a, hw), width), ops.multiply(ops.subtract(b, hh), height),
                  ops.multiply(ops.add(a, hw), width), ops.multiply(ops.add(b, hh), height)])


def _from_xyxy(boxes, fmt, height, width):
    x1, y1, x2, y2 = _parts(boxes)
    w, h = ops.subtract(x2, x1), ops.subtract(y2, y1)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join([y1, x1, y2, x2])
    if fmt == "xywh":
        return _join([x1, y1, w, h])
    cx, cy = ops.add(x1, ops.divide(w, 2.0)), ops.add(y1, ops.divide(h, 2.0))
    if fmt == "center_xywh":
        return _join([cx, cy, w, h])
    if fmt == "center_yxhw":
        return _join([cy, cx, h, w])
    if fmt == "rel_xyxy":
        return _join([ops.divide(x1, width), ops.divide(y1, height), ops.divide(x2, width), ops.divide(y2, height)])
    if fmt == "rel_yxyx":
        return _join([ops.divide(y1, height), ops.divide(x1, width), ops.divide(y2, height), ops.divide(x2, width)])
    if fmt == "rel_xywh":
        return _join([ops.divide(x1, width), ops.divide(y1, height), ops.divide(w, width), ops.divide(h, height)])
    return _join([ops.divide(cx, width), ops.divide(cy, height), ops.divide(w, width), ops.divide(h, height)])


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """``boxes`` (``(..., 4)``, or a dict whose ``"boxes"`` are converted) from format ``source``
    to ``target``; relative formats need the image's ``height`` and ``width``.

    Arguments:
        boxes: a tensor whose last axis is 4, or a ``{"boxes": ..., ...}`` dict.
        source, target: formats from ``SUPPORTED_FORMATS``.
        height, width: the image size (required when either format is relative).
        dtype: the result's dtype.

    Returns:
        A tensor of ``boxes``' shape in ``dtype`` (a dict like ``boxes`` with the converted
        ``"boxes"`` when a dict was given).

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> boxes = np.array([[10.0, 20.0, 50.0, 60.0]])
    >>> bounding_boxes.convert_format(boxes, "xyxy", "xywh")
    array([[10., 20., 40., 40.]], dtype=float32)
    >>> bounding_boxes.convert_format(boxes, "xyxy", "rel_xyxy", height=100, width=100)
    array([[0.1, 0.2, 0.5, 0.6]], dtype=float32)
    """
    if isinstance(boxes, dict):
        out = dict(boxes)
        out["boxes"] = convert_format(boxes["boxes"], source, target, height=height, width=width, dtype=dtype)
        return out
    boxes = ops.convert_to_tensor(boxes)
    if boxes.shape[-1] != 4:
        raise ValueError(f"convert_format: `boxes` must have a last axis of 4; received shape {tuple(boxes.shape)}")
    source, target = str(source).lower(), str(target).lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ValueError(f"convert_format: invalid source={source!r} or target={target!r}; supported formats: "
                         f"{SUPPORTED_FORMATS}")
    if (source.startswith("rel_") or target.startswith("rel_")) and (height is None or width is None):
        raise ValueError(f"convert_format: converting between relative and absolute formats ({source!r} -> "
                         f"{target!r}) needs `height` and `width`; received height={height}, width={width}")
    boxes = ops.cast(boxes, dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    h = None if height is None else ops.cast(height, dtype)
    w = None if width is None else ops.cast(width, dtype)
    return _from_xyxy(_to_xyxy(boxes, source, h, w), target, h, w)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """``bounding_boxes`` (a dict of ``"boxes"`` and optional ``"labels"``) with the boxes
    clipped to the image; a box left with no area gets label ``-1``.

    Arguments:
        bounding_boxes: ``{"boxes": (..., 4), "labels": (...)}``.
        height, width: the image size (needed for ``"xyxy"``).
        bounding_box_format: ``"xyxy"`` or ``"rel_xyxy"`` (clipped to ``[0, 1]``).

    Returns:
        A copy of the dict with the clipped ``"boxes"`` and, when given, the updated
        ``"labels"``.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> boxes = {"boxes": np.array([[-5.0, 10.0, 120.0, 50.0]]), "labels": np.array([1])}
    >>> bounding_boxes.clip_to_image_size(boxes, height=100, width=100)
    {'boxes': array([[  0.,  10., 100.,  50.]]), 'labels': array([1])}
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise ValueError(f"clip_to_image_size: bounding_box_format={bounding_box_format!r}; expected 'xyxy' or "
                         "'rel_xyxy' (convert other formats with convert_format first)")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("clip_to_image_size: `height` and `width` are required with bounding_box_format='xyxy'")
    boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
    if bounding_box_format == "xyxy":
        hi_x, hi_y = ops.cast(width, boxes.dtype), ops.cast(height, boxes.dtype)
    else:
        hi_x = hi_y = 1.0
    x1, y1, x2, y2 = _parts(boxes)
    boxes = _join([ops.clip(x1, 0, hi_x), ops.clip(y1, 0, hi_y), ops.clip(x2, 0, hi_x), ops.clip(y2, 0, hi_y)])
    out = dict(bounding_boxes)
    out["boxes"] = boxes
    labels = bounding_boxes.get("labels")
    if labels is not None:
        x1, y1, x2, y2 = _parts(boxes)
        area = ops.squeeze(ops.multiply(ops.subtract(x2, x1), ops.subtract(y2, y1)), -1)
        labels = ops.convert_to_tensor(labels)
        out["labels"] = ops.where(ops.greater(area, 0), labels, ops.cast(-1, labels.dtype))
    return out


def _require_xyxy(fn, bounding_box_format):
    if bounding_box_format != "xyxy":
        raise ValueError(f"{fn}: bounding_box_format={bounding_box_format!r}; only 'xyxy' is supported (as in Keras); "
                         "convert with convert_format first")


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width, center_x=None,
                     center_y=None, bounding_box_format="xyxy"):
    """``(batch, n, 4)`` (or one image's ``(n, 4)``) xyxy boxes moved by the affine map that
    rotates by ``angle`` degrees about ``(center_x, center_y)`` (fractions of the size, default
    the centre), shears by ``shear_x`` / ``shear_y`` degrees, scales by ``scale`` and translates
    by ``translate_x`` / ``translate_y`` fractions of ``width - 1`` / ``height - 1`` (each a
    ``(batch,)`` tensor or a scalar). The result is each moved box's axis-aligned bounding box.

    The translation is measured on the pixel-centre grid, as in Keras and in the image warp of
    the augmentation layers: ``translate_x=0.1`` with ``width=100`` moves boxes by
    ``0.1 * 99 = 9.9`` pixels.

    Arguments:
        boxes: a ``(batch, n, 4)`` tensor of xyxy boxes in pixels, or ``(n, 4)`` for one image
            (then every other argument holds one value).
        angle: the rotation in degrees, per image.
        translate_x: the horizontal shift as a fraction of ``width - 1``, per image.
        translate_y: the vertical shift as a fraction of ``height - 1``, per image.
        scale: the zoom factor, per image.
        shear_x: the horizontal shear angle in degrees, per image.
        shear_y: the vertical shear angle in degrees, per image.
        height: the image height in pixels.
        width: the image width in pixels.
        center_x: the centre of rotation and scaling as a fraction of ``width - 1``
            (``None``: 0.5).
        center_y: the same as a fraction of ``height - 1`` (``None``: 0.5).
        bounding_box_format: must be ``"xyxy"`` (other formats raise ``ValueError``; convert
            with :func:`convert_format` first).

    Returns:
        A tensor of xyxy boxes of ``boxes``' shape, in ``angle``'s float dtype (float32 when
        ``angle`` is not a float).

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> boxes = np.array([[10.0, 20.0, 30.0, 50.0]])
    >>> moved = bounding_boxes.affine_transform(boxes, angle=0.0, translate_x=0.1, translate_y=0.0, scale=1.0,
    ...                                         shear_x=0.0, shear_y=0.0, height=100, width=100)
    >>> np.round(moved, 4)
    array([[19.9, 20. , 39.9, 50. ]], dtype=float32)
    """
    _require_xyxy("affine_transform", bounding_box_format)
    boxes = ops.convert_to_tensor(boxes)
    if len(boxes.shape) not in (2, 3) or boxes.shape[-1] != 4:
        raise ValueError(f"affine_transform: boxes has shape {tuple(boxes.shape)}; expected (batch, n, 4) or (n, 4)")
    one_image = len(boxes.shape) == 2
    if one_image:
        for arg, value in (("angle", angle), ("translate_x", translate_x), ("translate_y", translate_y),
                           ("scale", scale), ("shear_x", shear_x), ("shear_y", shear_y)):
            shape = tuple(ops.shape(ops.convert_to_tensor(value)))
            if len(shape) > 1 or any(isinstance(d, int) and d != 1 for d in shape):
                raise ValueError(f"affine_transform: boxes of shape {tuple(boxes.shape)} are one image's, but {arg} "
                                 f"has shape {shape}; expected a scalar or shape (1,)")
        boxes = ops.expand_dims(boxes, 0)
    angle = ops.convert_to_tensor(angle)
    dtype = angle.dtype if str(angle.dtype).startswith("float") else "float32"
    cx = (0.5 if center_x is None else center_x) * (float(width) - 1.0)
    cy = (0.5 if center_y is None else center_y) * (float(height) - 1.0)
    deg = math.pi / 180.0
    rot = ops.multiply(ops.negative(ops.cast(angle, dtype)), deg)
    sx = ops.multiply(ops.negative(ops.cast(shear_x, dtype)), deg)
    sy = ops.multiply(ops.negative(ops.cast(shear_y, dtype)), deg)
    tx = ops.multiply(ops.negative(ops.cast(translate_x, dtype)), float(width) - 1.0)
    ty = ops.multiply(ops.negative(ops.cast(translate_y, dtype)), float(height) - 1.0)
    scale = ops.cast(scale, dtype)
    # the inverse of the image warp: rotation - shear composition, then scale, about the centre
    cos_sy = ops.cos(sy)
    a = ops.divide(ops.cos(ops.subtract(rot, sy)), cos_sy)
    b = ops.add(ops.multiply(a, ops.tan(sx)), ops.sin(rot))
    c = ops.divide(ops.negative(ops.sin(ops.subtract(rot, sy))), cos_sy)
    d = ops.subtract(ops.cos(rot), ops.multiply(c, ops.tan(sx)))
    a0, a1 = ops.multiply(d, scale), ops.multiply(ops.negative(b), scale)
    b0, b1 = ops.multiply(ops.negative(c), scale), ops.multiply(a, scale)
    px, py = ops.add(tx, cx), ops.add(ty, cy)
    a2 = ops.subtract(ops.subtract(cx, ops.multiply(a0, px)), ops.multiply(a1, py))
    b2 = ops.subtract(ops.subtract(cy, ops.multiply(b0, px)), ops.multiply(b1, py))
    moved = _map_corners(ops.cast(boxes, dtype), [a0, a1, a2, b0, b1, b2], projective=None)
    return ops.squeeze(moved, 0) if one_image else moved


def _map_corners(boxes, coeffs, projective=None):
    """Each box's four corners mapped by ``x' = (a0 x + a1 y + a2) / k``, ``y' = (b0 x + b1 y +
    b2) / k`` (``k = c0 x + c1 y + 1``, or 1), per batch row; their min/max as xyxy."""
    x1, y1, x2, y2 = (ops.squeeze(p, -1) for p in ops.split(boxes, 4, axis=-1))
    xs = ops.stack([x1, x2, x2, x1], axis=-1)
    ys = ops.stack([y1, y1, y2, y2], axis=-1)
    a0, a1, a2, b0, b1, b2 = (ops.reshape(v, (-1, 1, 1)) for v in coeffs)
    nx = ops.add(ops.add(ops.multiply(a0, xs), ops.multiply(a1, ys)), a2)
    ny = ops.add(ops.add(ops.multiply(b0, xs), ops.multiply(b1, ys)), b2)
    if projective is not None:
        c0, c1 = (ops.reshape(v, (-1, 1, 1)) for v in projective)
        k = ops.add(ops.add(ops.multiply(c0, xs), ops.multiply(c1, ys)), 1.0)
        nx, ny = ops.divide(nx, k), ops.divide(ny, k)
    return ops.stack([ops.min(nx, axis=-1), ops.min(ny, axis=-1), ops.max(nx, axis=-1), ops.max(ny, axis=-1)],
                     axis=-1)


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """xyxy ``boxes`` in the frame of the window at ``(top, left)`` of size ``(height, width)``,
    clipped to it.

    Arguments:
        boxes: a tensor of xyxy boxes in pixels, last axis 4.
        top: the window's first row.
        left: the window's first column.
        height: the window's height.
        width: the window's width.
        bounding_box_format: must be ``"xyxy"`` (other formats raise ``ValueError``; convert
            with :func:`convert_format` first).

    Returns:
        A tensor of ``boxes``' shape: coordinates relative to the window, clipped to
        ``[0, width]`` / ``[0, height]``.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> boxes = np.array([[10.0, 20.0, 50.0, 60.0]])
    >>> bounding_boxes.crop(boxes, top=10, left=5, height=40, width=40)
    array([[ 5., 10., 40., 40.]])
    """
    _require_xyxy("crop", bounding_box_format)
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join([ops.clip(ops.subtract(x1, left), 0, width), ops.clip(ops.subtract(y1, top), 0, height),
                  ops.clip(ops.subtract(x2, left), 0, width), ops.clip(ops.subtract(y2, top), 0, height)])


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """xyxy ``boxes`` shifted by the padding ``top`` / ``left`` (``height`` / ``width`` are
    accepted for Keras's signature and not needed).

    Arguments:
        boxes: a tensor of xyxy boxes in pixels, last axis 4.
        top: the rows added above the image.
        left: the columns added left of the image.
        height: not used.
        width: not used.
        bounding_box_format: must be ``"xyxy"`` (other formats raise ``ValueError``; convert
            with :func:`convert_format` first).

    Returns:
        A tensor of ``boxes``' shape, with ``left`` added to the x and ``top`` to the y
        coordinates.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> boxes = np.array([[10.0, 20.0, 50.0, 60.0]])
    >>> bounding_boxes.pad(boxes, top=10, left=5)
    array([[15., 30., 55., 70.]])
    """
    _require_xyxy("pad", bounding_box_format)
    x1, y1, x2, y2 = _parts(ops.convert_to_tensor(boxes))
    return _join([ops.add(x1, left), ops.add(y1, top), ops.add(x2, left), ops.add(y2, top)])


def _image_hw(image_shape):
    if image_shape is None:
        return None, None
    if len(image_shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels); received {image_shape!r}")
    return image_shape[0], image_shape[1]


def _variance(variance):
    if variance is None:
        return None
    v = ops.convert_to_tensor(variance, "float32")
    if v.shape[-1] != 4:
        raise ValueError(f"`variance` must have length 4; received variance={variance!r}")
    return v


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding_format="center_yxhw", variance=None,
                         image_shape=None):
    """Regression targets of ``boxes`` relative to ``anchors``: centre offsets divided by the
    anchor size and log size ratios, in ``encoding_format`` order (``"center_yxhw"`` or
    ``"center_xywh"``), divided by ``variance`` when given.

    Arguments:
        anchors: a tensor of anchor boxes, last axis 4.
        boxes: a tensor of boxes matched to the anchors (same shape).
        anchor_format: the format of ``anchors`` (one of ``SUPPORTED_FORMATS``).
        box_format: the format of ``boxes``.
        encoding_format: ``"center_yxhw"`` or ``"center_xywh"``: the order of the four deltas.
        variance: four numbers the deltas are divided by (``None``: no division).
        image_shape: ``(height, width, channels)``, needed when a format is relative.

    Returns:
        A float32 tensor of ``boxes``' shape holding the deltas.

    Raises:
        ValueError: for another ``encoding_format``, a ``variance`` not of length 4, an
            ``image_shape`` not of length 3, or a relative format without ``image_shape``.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> anchors = np.array([[0.0, 0.0, 10.0, 10.0]])
    >>> boxes = np.array([[5.0, 5.0, 15.0, 15.0]])
    >>> bounding_boxes.encode_box_to_deltas(anchors, boxes, anchor_format="xyxy", box_format="xyxy")
    array([[0.5, 0.5, 0. , 0. ]], dtype=float32)
    """
    variance = _variance(variance)
    if encoding_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"encode_box_to_deltas: encoding_format={encoding_format!r}; expected 'center_xywh' or "
                         "'center_yxhw'")
    h, w = _image_hw(image_shape)
    enc_anchors = convert_format(anchors, anchor_format, encoding_format, height=h, width=w)
    enc_boxes = convert_format(boxes, box_format, encoding_format, height=h, width=w)
    eps = _backend.epsilon()
    a_ctr, a_dim = ops.split(enc_anchors, 2, axis=-1)
    b_ctr, b_dim = ops.split(enc_boxes, 2, axis=-1)
    adim = ops.maximum(a_dim, eps)
    bdim = ops.maximum(b_dim, eps)
    delta = ops.concatenate([ops.divide(ops.subtract(b_ctr, a_ctr), adim),
                             ops.log(ops.divide(bdim, adim))], axis=-1)
    return delta if variance is None else ops.divide(delta, variance)


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format, encoded_format="center_yxhw",
                           variance=None, image_shape=None):
    """The inverse of :func:`encode_box_to_deltas`: boxes in ``box_format`` from ``anchors`` and
    ``boxes_delta`` (dicts of pyramid levels are decoded level by level).

    Arguments:
        anchors: a tensor of anchor boxes (last axis 4), or a dict of them by level.
        boxes_delta: the deltas, a tensor of ``anchors``' shape, or a dict with the same keys.
        anchor_format: the format of ``anchors``.
        box_format: the format of the boxes to return.
        encoded_format: ``"center_yxhw"`` or ``"center_xywh"``: the order the deltas were
            encoded in.
        variance: the four numbers the deltas were divided by (``None``: none).
        image_shape: ``(height, width, channels)``, needed when a format is relative.

    Returns:
        The boxes in ``box_format``: a tensor, or a dict of tensors by level.

    Raises:
        ValueError: for another ``encoded_format``, a ``variance`` not of length 4, an
            ``image_shape`` not of length 3, or a relative format without ``image_shape``.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> anchors = np.array([[0.0, 0.0, 10.0, 10.0]])
    >>> deltas = np.array([[0.5, 0.5, 0.0, 0.0]])
    >>> bounding_boxes.decode_deltas_to_boxes(anchors, deltas, anchor_format="xyxy", box_format="xyxy")
    array([[ 5.,  5., 15., 15.]], dtype=float32)
    """
    variance = _variance(variance)
    if encoded_format not in ("center_xywh", "center_yxhw"):
        raise ValueError(f"decode_deltas_to_boxes: encoded_format={encoded_format!r}; expected 'center_xywh' or "
                         "'center_yxhw'")
    h, w = _image_hw(image_shape)

    def one(anchor, delta):
        enc = convert_format(anchor, anchor_format, encoded_format, height=h, width=w)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = ops.multiply(delta, variance)
        d_ctr, d_dim = ops.split(delta, 2, axis=-1)
        e_ctr, e_dim = ops.split(enc, 2, axis=-1)
        box = ops.concatenate([ops.add(ops.multiply(d_ctr, e_dim), e_ctr), ops.multiply(ops.exp(d_dim), e_dim)],
                              axis=-1)
        return convert_format(box, encoded_format, box_format, height=h, width=w)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {lvl: one(a, boxes_delta[lvl]) for lvl, a in anchors.items()}
    return one(anchors, boxes_delta)


def _swap_last(x):
    n = len(x.shape)
    return ops.swapaxes(x, n - 1, n - 2)


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None):
    """Pairwise intersection over union: ``(N, M)`` for ``(N, 4)`` and ``(M, 4)`` boxes, or
    ``(B, N, M)`` for batches. With ``use_masking``, pairs with a box whose coordinates are all
    negative (padding) get ``mask_val``.

    Arguments:
        boxes1: a ``(N, 4)`` or ``(B, N, 4)`` tensor of boxes.
        boxes2: a ``(M, 4)`` or ``(B, M, 4)`` tensor of boxes.
        bounding_box_format: the format of both (one of ``SUPPORTED_FORMATS``).
        use_masking: give padding boxes ``mask_val`` instead of an IoU.
        mask_val: the value of pairs with a padding box.
        image_shape: ``(height, width, channels)``, required for a relative format.

    Returns:
        A float32 tensor of IoUs in ``[0, 1]`` (and ``mask_val`` where masked).

    Raises:
        ValueError: for boxes of rank other than 2 or 3, a relative format without
            ``image_shape``, or an ``image_shape`` not of length 3.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> a = np.array([[0.0, 0.0, 10.0, 10.0]])
    >>> b = np.array([[5.0, 5.0, 15.0, 15.0]])
    >>> np.round(bounding_boxes.compute_iou(a, b, "xyxy"), 4)  # overlap 25 / union 175
    array([[0.1429]], dtype=float32)
    """
    r1, r2 = len(ops.convert_to_tensor(boxes1).shape), len(ops.convert_to_tensor(boxes2).shape)
    if r1 not in (2, 3) or r2 not in (2, 3):
        raise ValueError(f"compute_iou: boxes must have rank 2 (unbatched) or 3 (batched); received ranks {r1} and "
                         f"{r2}")
    if "rel" in bounding_box_format and image_shape is None:
        raise ValueError(f"compute_iou: relative formats ({bounding_box_format!r}) need `image_shape`")
    h, w = _image_hw(image_shape)
    b1 = convert_format(boxes1, bounding_box_format, "yxyx", height=h, width=w)
    b2 = convert_format(boxes2, bounding_box_format, "yxyx", height=h, width=w)
    y1a, x1a, y2a, x2a = _parts(b1)
    y1b, x1b, y2b, x2b = (_swap_last(p) for p in _parts(b2))
    ih = ops.maximum(ops.subtract(ops.minimum(y2a, y2b), ops.maximum(y1a, y1b)), 0.0)
    iw = ops.maximum(ops.subtract(ops.minimum(x2a, x2b), ops.maximum(x1a, x1b)), 0.0)
    inter = ops.multiply(ih, iw)
    area1 = ops.multiply(ops.subtract(y2a, y1a), ops.subtract(x2a, x1a))
    area2 = ops.multiply(ops.subtract(y2b, y1b), ops.subtract(x2b, x1b))
    iou = ops.divide(inter, ops.add(ops.subtract(ops.add(area1, area2), inter), _backend.epsilon()))
    if not use_masking:
        return iou
    m1 = ops.less(ops.max(b1, axis=-1, keepdims=True), 0.0)
    m2 = _swap_last(ops.less(ops.max(b2, axis=-1, keepdims=True), 0.0))
    return ops.where(ops.logical_or(m1, m2), ops.cast(mask_val, iou.dtype), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Element-wise complete IoU of matching boxes (IoU minus the normalised centre distance and
    the aspect-ratio consistency term), shape ``boxes.shape[:-1]``.

    Arguments:
        boxes1: a tensor of boxes, last axis 4.
        boxes2: a tensor of the boxes to compare them with, same shape.
        bounding_box_format: an absolute format (``"xyxy"``, ``"yxyx"``, ``"xywh"``,
            ``"center_xywh"``, ``"center_yxhw"``).
        image_shape: ``(height, width, channels)``; not needed for absolute formats.

    Returns:
        A float32 tensor of the boxes' leading shape.

    Raises:
        ValueError: for a relative format.

    Example:

    >>> import numpy as np
    >>> from dlx.utils import bounding_boxes
    >>> a = np.array([[0.0, 0.0, 10.0, 10.0]])
    >>> b = np.array([[5.0, 5.0, 15.0, 15.0]])
    >>> np.round(bounding_boxes.compute_ciou(a, b, "xyxy"), 4)  # IoU 1/7 minus 50/450
    array([0.0317], dtype=float32)
    """
    if "rel" in bounding_box_format:
        raise ValueError(f"compute_ciou: relative formats ({bounding_box_format!r}) are not supported (as in Keras); "
                         "convert the boxes to an absolute format first")
    h, w = _image_hw(image_shape)
    eps = _backend.epsilon()
    x1a, y1a, x2a, y2a = _parts(convert_format(boxes1, bounding_box_format, "xyxy", height=h, width=w))
    x1b, y1b, x2b, y2b = _parts(convert_format(boxes2, bounding_box_format, "xyxy", height=h, width=w))
    wa, ha = ops.subtract(x2a, x1a), ops.add(ops.subtract(y2a, y1a), eps)
    wb, hb = ops.subtract(x2b, x1b), ops.add(ops.subtract(y2b, y1b), eps)
    inter = ops.multiply(ops.maximum(ops.subtract(ops.minimum(x2a, x2b), ops.maximum(x1a, x1b)), 0),
                         ops.maximum(ops.subtract(ops.minimum(y2a, y2b), ops.maximum(y1a, y1b)), 0))
    union = ops.add(ops.subtract(ops.add(ops.multiply(wa, ha), ops.multiply(wb, hb)), inter), eps)
    iou = ops.squeeze(ops.divide(inter, ops.add(union, eps)), -1)
    cw = ops.subtract(ops.maximum(x2a, x2b), ops.minimum(x1a, x1b))
    ch = ops.subtract(ops.maximum(y2a, y2b), ops.minimum(y1a, y1b))
    diag = ops.squeeze(ops.add(ops.add(ops.square(cw), ops.square(ch)), eps), -1)
    dx = ops.subtract(ops.divide(ops.add(x1a, x2a), 2.0), ops.divide(ops.add(x1b, x2b), 2.0))
    dy = ops.subtract(ops.divide(ops.add(y1a, y2a), 2.0), ops.divide(ops.add(y1b, y2b), 2.0))
    dist = ops.squeeze(ops.add(ops.square(dx), ops.square(dy)), -1)
    v = ops.squeeze(ops.multiply(4.0 / math.pi ** 2, ops.square(
        ops.subtract(ops.arctan(ops.divide(wb, hb)), ops.arctan(ops.divide(wa, ha))))), -1)
    alpha = ops.divide(v, ops.add(ops.subtract(v, iou), 1.0 + eps))
    return ops.subtract(iou, ops.add(ops.divide(dist, diag), ops.multiply(v, alpha)))

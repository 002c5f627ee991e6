"""Bounding boxes through the geometric augmentation layers: each helper takes the layer's
``{"boxes", "labels"}`` dict in its ``bounding_box_format``, moves the boxes in absolute xyxy
coordinates with the same geometry as the image (the inverse of the image's
output -> input map), clips them to the output image (a box left with no area gets label ``-1``,
as in Keras) and converts back.
"""

from __future__ import annotations

from dlx import ops
from dlx.layers.preprocessing.image_base import take
from dlx.utils import bounding_boxes as bb


def _in(boxes, fmt, h, w):
    return bb.convert_format(boxes["boxes"], fmt, "xyxy", height=h, width=w)


def _out(boxes, xyxy, fmt, h, w):
    res = bb.clip_to_image_size({**boxes, "boxes": xyxy}, height=h, width=w, bounding_box_format="xyxy")
    res["boxes"] = bb.convert_format(res["boxes"], "xyxy", fmt, height=h, width=w)
    return res


def flip_boxes(boxes, flips, mode, fmt, h, w):
    """Boxes of images flipped where ``flips`` (``(batch,)`` bool) holds."""
    xyxy = _in(boxes, fmt, h, w)
    x1, y1, x2, y2 = (take(xyxy, i) for i in range(4))
    f = ops.reshape(flips, (-1, 1))
    if mode in ("horizontal", "horizontal_and_vertical"):
        x1, x2 = ops.where(f, ops.subtract(float(w), x2), x1), ops.where(f, ops.subtract(float(w), x1), x2)
    if mode in ("vertical", "horizontal_and_vertical"):
        y1, y2 = ops.where(f, ops.subtract(float(h), y2), y1), ops.where(f, ops.subtract(float(h), y1), y2)
    return _out(boxes, ops.stack([x1, y1, x2, y2], axis=-1), fmt, h, w)


def warp_boxes(boxes, matrix, fmt, h, w):
    """Boxes of images warped by the affine ``matrix`` (``(batch, 8)``, output -> input): each
    box's corners go through the inverse map; the result is their bounding box."""
    a0, a1, a2, b0, b1, b2 = (take(matrix, i) for i in range(6))
    det = ops.subtract(ops.multiply(a0, b1), ops.multiply(a1, b0))
    i0, i1 = ops.divide(b1, det), ops.divide(ops.negative(a1), det)
    j0, j1 = ops.divide(ops.negative(b0), det), ops.divide(a0, det)
    i2 = ops.negative(ops.add(ops.multiply(i0, a2), ops.multiply(i1, b2)))
    j2 = ops.negative(ops.add(ops.multiply(j0, a2), ops.multiply(j1, b2)))
    xyxy = ops.cast(_in(boxes, fmt, h, w), matrix.dtype)
    return _out(boxes, bb._map_corners(xyxy, [i0, i1, i2, j0, j1, j2]), fmt, h, w)


def crop_resize_boxes(boxes, top, left, crop, target, fmt, h, w):
    """Boxes of images cropped at ``(top, left)`` to ``crop`` and resized to ``target``."""
    xyxy = _in(boxes, fmt, h, w)
    ch, cw = crop
    th, tw = target
    top, left = ops.cast(top, xyxy.dtype), ops.cast(left, xyxy.dtype)
    x1, y1, x2, y2 = (take(xyxy, i) for i in range(4))
    sx, sy = tw / cw, th / ch
    moved = ops.stack([ops.multiply(ops.subtract(x1, left), sx), ops.multiply(ops.subtract(y1, top), sy),
                       ops.multiply(ops.subtract(x2, left), sx), ops.multiply(ops.subtract(y2, top), sy)], axis=-1)
    return _out(boxes, moved, fmt, th, tw)


def _homography(src, dst):
    """``(batch, 8)`` coefficients of the projective maps taking the 4 ``src`` points to ``dst``."""
    rows, rhs = [], []
    for i in range(4):
        x, y = take(take(src, i, 1), 0), take(take(src, i, 1), 1)
        u, v = take(take(dst, i, 1), 0), take(take(dst, i, 1), 1)
        one, zero = ops.ones_like(x), ops.zeros_like(x)
        rows.append(ops.stack([x, y, one, zero, zero, zero, ops.negative(ops.multiply(x, u)),
                               ops.negative(ops.multiply(y, u))], axis=-1))
        rows.append(ops.stack([zero, zero, zero, x, y, one, ops.negative(ops.multiply(x, v)),
                               ops.negative(ops.multiply(y, v))], axis=-1))
        rhs += [u, v]
    a = ops.stack(rows, axis=1)
    b = ops.expand_dims(ops.stack(rhs, axis=1), -1)
    return ops.squeeze(ops.solve(a, b), -1)


def perspective_boxes(boxes, transformation, fmt, h, w):
    """Boxes of images warped by ``RandomPerspective`` (start corners moved to end corners),
    where ``apply_perspective`` holds."""
    start = ops.cast(transformation["start_points"], "float32")
    end = ops.cast(transformation["end_points"], "float32")
    coeffs = _homography(start, end)
    xyxy = ops.cast(_in(boxes, fmt, h, w), "float32")
    moved = bb._map_corners(xyxy, [take(coeffs, i) for i in range(6)], projective=[take(coeffs, 6), take(coeffs, 7)])
    moved = ops.where(ops.reshape(transformation["apply_perspective"], (-1, 1, 1)), moved, xyxy)
    return _out(boxes, moved, fmt, h, w)

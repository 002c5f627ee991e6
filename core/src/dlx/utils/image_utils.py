"""Image files and arrays (Keras's ``load_img``, ``img_to_array``, ``array_to_img``,
``save_img``), decoding by Pillow (imported when used: ``pip install pillow``), and the resizing
``image_dataset_from_directory`` uses: ``"bilinear"`` / ``"nearest"`` computed in NumPy exactly
as TensorFlow's ``resize`` (half-pixel centers, no antialiasing), the others by Pillow."""

from __future__ import annotations

import functools
import io
import os
import pathlib

import numpy as np

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("dlx's image utilities need Pillow: `pip install pillow` (or install dlx with the "
                          "`images` extra)") from e
    return Image


def _pil_filters():
    Image = _pil()
    R = Image.Resampling
    return {"nearest": R.NEAREST, "bilinear": R.BILINEAR, "bicubic": R.BICUBIC, "hamming": R.HAMMING,
            "box": R.BOX, "lanczos": R.LANCZOS, "area": R.BOX, "lanczos3": R.LANCZOS, "lanczos5": R.LANCZOS,
            "gaussian": R.BICUBIC, "mitchellcubic": R.BICUBIC}


def decode_image_file(path, channels: int) -> np.ndarray:
    """The first frame of an image file as a uint8 ``(h, w, channels)`` array (1: grayscale,
    3: RGB, 4: RGBA)."""
    Image = _pil()
    with Image.open(path) as img:
        img.seek(0)
        mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
        if channels == 1 and img.format == "PNG" and img.mode in ("RGB", "RGBA", "P"):
            # TensorFlow decodes PNGs to gray with libpng's rgb_to_gray(0.299, 0.587): 15-bit
            # fixed-point weights (truncated) and a truncated sum, not Pillow's rounded ones
            rgb = np.asarray(img.convert("RGB"), dtype=np.int64)
            gray = (9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2]) >> 15
            return gray.astype(np.uint8)[..., None]
        if img.mode != mode:
            img = img.convert(mode)
        arr = np.asarray(img, dtype=np.uint8)
    return arr[..., None] if arr.ndim == 2 else arr


@functools.lru_cache(maxsize=512)
def _bilinear_taps(n: int, out: int, inner: int):
    """TensorFlow's bilinear sampling of ``n`` pixels at ``out`` (half-pixel centers, clamped
    edges), for rows of ``inner`` values: the flat indices of the lower then the upper source
    pixels (``2 * out * inner``) and the float32 weight of the upper one (``out * inner``), the
    coordinates computed in float32 as TensorFlow's kernel computes them. Read-only (cached)."""
    scale = np.float32(n / out)
    src = (np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    lo_f = np.floor(src)
    frac = (src - lo_f).astype(np.float32)
    lo = np.clip(lo_f.astype(np.intp), 0, n - 1)
    hi = np.clip(np.ceil(src).astype(np.intp), 0, n - 1)
    idx = (np.concatenate([lo, hi])[:, None] * inner + np.arange(inner)).reshape(-1)
    frac = np.repeat(frac, inner)
    idx.flags.writeable = frac.flags.writeable = False
    return idx, frac


def _resize_bilinear(image: np.ndarray, h: int, w: int) -> np.ndarray:
    """``image`` (``(height, width, ...)``) resized to ``(h, w, ...)`` in float32 as TensorFlow's
    bilinear ``resize``: the rows and columns the output reads are gathered from the input as it
    is (``2h x 2w`` pixels, not the whole image), then interpolated along the columns and then
    the rows (TensorFlow's order of operations), on ``(rows, columns * channels)`` planes. The
    result is a new compact array (not a view holding the gathered pixels)."""
    ih, iw, *rest = image.shape
    c = int(np.prod(rest, dtype=np.int64))
    x = image.reshape(ih, iw * c)
    if ih != h:
        rows, fy = _bilinear_taps(ih, h, 1)
        x = x[rows]
    if iw != w:
        cols, fx = _bilinear_taps(iw, w, c)
        x = x[:, cols]
    x = x.astype(np.float32)
    if iw != w:  # each lerp, lo + (hi - lo) * weight, starts a new compact array
        lo, x = x[:, :w * c], x[:, w * c:] - x[:, :w * c]
        x *= fx
        x += lo
    if ih != h:
        lo, x = x[:h], x[h:] - x[:h]
        x *= fy[:, None]
        x += lo
    return x.reshape(h, w, *rest)


def _resize_axis_nearest(x: np.ndarray, out: int, axis: int) -> np.ndarray:
    n = x.shape[axis]
    if n == out:
        return x
    idx = np.minimum(np.floor((np.arange(out) + 0.5) * (n / out)).astype(np.int64), n - 1)
    return np.take(x, idx, axis=axis)


def resize(image: np.ndarray, size, interpolation: str = "bilinear") -> np.ndarray:
    """Resizes a ``(h, w, c)`` image to ``size = (height, width)``: float32 out, except
    ``"nearest"``, which keeps the input dtype (as TensorFlow's ``resize``)."""
    h, w = size
    if interpolation == "bilinear":
        return _resize_bilinear(np.asarray(image), h, w)
    if interpolation == "nearest":  # keeps the input dtype, as TensorFlow's
        img = np.asarray(image)
        return _resize_axis_nearest(_resize_axis_nearest(img, h, 0), w, 1)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation={interpolation!r}; expected one of {INTERPOLATIONS}")
    x = np.asarray(image, dtype=np.float32)
    if x.shape[:2] == (h, w):
        return x
    Image = _pil()
    channels = [Image.fromarray(x[..., c], mode="F").resize((w, h), _pil_filters()[interpolation])
                for c in range(x.shape[-1])]
    return np.stack([np.asarray(c, dtype=np.float32) for c in channels], axis=-1)


def resize_image_array(img, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """Keras's image resizing with the optional center crop (``smart_resize``) or zero pad to
    the target aspect ratio first."""
    th, tw = size
    h, w = img.shape[:2]
    if crop_to_aspect_ratio:
        ch = min(h, int(float(w * th) / tw))
        cw = min(w, int(float(h * tw) / th))
        top, left = int(float(h - ch) / 2), int(float(w - cw) / 2)
        img = img[top:top + ch, left:left + cw]
    elif pad_to_aspect_ratio:
        # tf.image.resize_with_pad: fit inside the target keeping the aspect ratio (float32
        # arithmetic, floored sizes), then zero-pad around it
        f32 = np.float32
        ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
        rh_f, rw_f = f32(h) / ratio, f32(w) / ratio
        rh, rw = int(np.floor(rh_f)), int(np.floor(rw_f))
        top = max(0, int(np.floor((f32(th) - rh_f) / f32(2))))
        left = max(0, int(np.floor((f32(tw) - rw_f) / f32(2))))
        resized = resize(img, (rh, rw), interpolation)
        out = np.zeros((th, tw, img.shape[2]), dtype=resized.dtype)
        out[top:top + rh, left:left + rw] = resized
        return out
    return resize(img, size, interpolation)


# ------------------------------------------------------------------------------ Keras's image API
def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Loads an image file (or file-like object) as a PIL image (Keras's ``load_img``).

    Arguments:
        path: a path or a binary file-like object.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: ``(height, width)`` or ``None`` (keep).
        interpolation: a Pillow filter name (``"nearest"``, ``"bilinear"``, ``"bicubic"``,
            ``"hamming"``, ``"box"``, ``"lanczos"``).
        keep_aspect_ratio: center-crop to the target aspect ratio before resizing.

    Returns:
        A PIL image.
    """
    Image = _pil()
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be a path-like or io.BytesIO, not {type(path).__name__}")
    modes = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}
    if color_mode not in modes:
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba"; received {color_mode!r}')
    if img.mode not in modes[color_mode]:
        img = img.convert({"grayscale": "L", "rgba": "RGBA", "rgb": "RGB"}[color_mode])
    if target_size is not None:
        wh = (target_size[1], target_size[0])
        if img.size != wh:
            filters = _pil_filters()
            if interpolation not in filters or interpolation in INTERPOLATIONS[3:]:
                raise ValueError(f"Invalid interpolation method {interpolation!r}; supported: nearest, bilinear, "
                                 "bicubic, hamming, box, lanczos")
            resample = filters[interpolation]
            if keep_aspect_ratio:
                width, height = img.size
                tw, th = wh
                crop_h = (width * th) // tw
                crop_w = (height * tw) // th
                crop_h, crop_w = min(height, crop_h), min(width, crop_w)
                cx, cy = width // 2, height // 2
                box = (cx - crop_w // 2, cy - crop_h // 2, cx + crop_w // 2, cy + crop_h // 2)
                img = img.resize(wh, resample, box=box)
            else:
                img = img.resize(wh, resample)
    return img


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a NumPy array (``float32`` by default), channels-last unless
    ``data_format="channels_first"``.

    Arguments:
        img: a PIL image (or anything ``numpy.asarray`` turns into a 2-D or 3-D array).
        data_format: ``"channels_last"`` or ``"channels_first"`` (``None``:
            ``dlx.config.image_data_format()``); a 2-D (grayscale) image gets a channel axis of 1.
        dtype: the output dtype (``None``: ``float32``).

    Returns:
        A 3-D NumPy array.

    Raises:
        ValueError: when the image is neither 2-D nor 3-D.
    """
    from dlx import config

    data_format = data_format or config.image_data_format()
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1, *x.shape)) if data_format == "channels_first" else x.reshape((*x.shape, 1))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array as a PIL image; with ``scale`` the values are stretched to ``[0, 255]``.

    Arguments:
        x: a 3-D array (one image) with 1, 3 or 4 channels.
        data_format: where the channels are, ``"channels_last"`` or ``"channels_first"``
            (``None``: ``dlx.config.image_data_format()``).
        scale: shift and stretch the values so their minimum is 0 and their maximum 255;
            ``False`` casts the values as they are.
        dtype: the dtype ``x`` is read as before scaling (``None``: ``float32``).

    Returns:
        A PIL image: ``"RGBA"``, ``"RGB"``, ``"L"`` (one 8-bit channel) or ``"I"`` (one channel
        with values above 255).

    Raises:
        ValueError: when ``x`` is not 3-D or has another number of channels.
    """
    from dlx import config

    Image = _pil()
    data_format = data_format or config.image_data_format()
    x = np.asarray(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    c = x.shape[2]
    if c == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if c == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if c == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {c}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a 3-D array as an image file (``file_format`` from the extension when ``None``).

    Arguments:
        path: a path or a writable binary file object.
        x: a 3-D array (one image), as :func:`array_to_img` takes it.
        data_format: where the channels are (``None``: ``dlx.config.image_data_format()``).
        file_format: the Pillow format name (``"png"``, ``"jpeg"``, ``"jpg"``...); ``None``
            infers it from the file name. An RGBA image saved as JPEG loses its alpha channel.
        scale: stretch the values to ``[0, 255]`` first, as :func:`array_to_img` does.
        **kwargs: passed on to Pillow's ``Image.save`` (``quality=...``).
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpg" or file_format == "jpeg" or
                               (file_format is None and str(path).lower().endswith((".jpg", ".jpeg")))):
        img = img.convert("RGB")
    if file_format == "jpg":
        file_format = "jpeg"
    img.save(os.fspath(path) if not hasattr(path, "write") else path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resizes an image (or a batch) to ``size = (height, width)`` without distorting it: the
    largest centered crop with the target aspect ratio, then a resize (Keras's ``smart_resize``).

    Arguments:
        x: a ``(height, width, channels)`` or ``(batch, height, width, channels)`` image (channels
            first with ``data_format="channels_first"``): a NumPy array (a NumPy array comes back)
            or a tensor of the current backend (a tensor comes back).
        size: ``(height, width)``.
        interpolation: the interpolation of :func:`dlx.ops.image.resize`.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns:
        The resized image or batch, a NumPy array for NumPy input, else a backend tensor.

    >>> smart_resize(np.ones((4, 8, 1)), (2, 2)).shape
    (2, 2, 1)
    """
    backend_module = kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if backend_module is not None:
        raise ValueError("smart_resize: backend_module is a Keras-internal argument; dlx resizes with the current "
                         "backend (pass backend_module=None)")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"smart_resize: data_format={data_format!r}; expected 'channels_last' or 'channels_first'")
    from dlx import ops

    img = x if isinstance(x, np.ndarray) else ops.convert_to_tensor(x)
    shape = tuple(img.shape)
    if not 3 <= len(shape) <= 4:
        raise ValueError(f"Expected an image array with shape `(height, width, channels)`, or `(batch_size, height, "
                         f"width, channels)`, but got input with incorrect rank, of shape {shape}.")
    height, width = (shape[-3], shape[-2]) if data_format == "channels_last" else (shape[-2], shape[-1])
    th, tw = size
    crop_h = max(min(height, int(float(width * th) / tw)), 1)
    crop_w = max(min(width, int(float(height * tw) / th)), 1)
    top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    rows, cols = slice(top, top + crop_h), slice(left, left + crop_w)
    lead = (slice(None),) * (len(shape) - 3)
    img = img[(*lead, rows, cols)] if data_format == "channels_last" else img[(*lead, slice(None), rows, cols)]
    out = ops.image.resize(img, size=tuple(size), interpolation=interpolation, data_format=data_format)
    return ops.convert_to_numpy(out) if isinstance(x, np.ndarray) else out

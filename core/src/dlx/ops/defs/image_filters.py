"""Image filters and patch ops: ``gaussian_blur``, ``sobel_edges``, ``ssim``, ``extract_patches``,
``extract_patches_3d`` (Keras's ``image`` group) and ``depth_to_space``, ``space_to_depth``,
``unfold``, ``fold`` (Keras's ``nn`` group).

As in :mod:`dlx.ops.defs.image`, each op is a decomposition into other ops whose NumPy run is the
reference and whose VJP is the gradient rule. Semantics are Keras 3's on its JAX backend.
"""

from __future__ import annotations

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.conv_rules import data_format as _check_format
from dlx.ops.conv_rules import padding as _check_padding
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs._conv import _on_numpy, _patches, _vjp_of
from dlx.ops.defs.image import _float_dtype, _image_rank
from dlx.ops.spec import Case, op

G = "image"


def _batched(images, rank):
    """``(x with a batch axis, had_none)`` for rank-``rank`` single images or batches."""
    if len(tensors.shape(images)) == rank - 1:
        return K.expand_dims(images, 0), True
    return images, False


def _to_float(x):
    dt = tensors.dtype(x)
    fdt = _float_dtype(dt)
    return K.cast(x, fdt) if fdt != dt else x


# ------------------------------------------------------------------------------ gaussian_blur
def gaussian_kernel_1d(size: int, sigma: float) -> np.ndarray:
    """Normalised ``exp(-x^2 / (2 sigma^2))`` at ``x = i - (size - 1) / 2`` (float64)."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    k = np.exp(-0.5 * (x / float(sigma)) ** 2)
    return k / np.sum(k)


def _pair(v, what):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (v, v)
    v = tuple(v)
    if len(v) != 2:
        raise ValueError(f"{what} must be a number or a pair; got {what}={v!r}")
    return v


def gaussian_blur_decomposition(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    data_format = _check_format(data_format)
    _image_rank(images)
    ks = tuple(int(k) for k in _pair(kernel_size, "kernel_size"))
    sg = tuple(float(s) for s in _pair(sigma, "sigma"))
    if min(ks) < 1 or min(sg) <= 0:
        raise ValueError(f"gaussian_blur: kernel_size must be >= 1 and sigma > 0; got "
                         f"kernel_size={kernel_size!r}, sigma={sigma!r}")
    x, single = _batched(_to_float(images), 4)
    if data_format == "channels_first":
        x = K.moveaxis(x, 1, -1)
    c = tensors.shape(x)[-1]
    # Keras's layout: kernel_size[0] / sigma[0] is the filter along the width, [1] along the height
    k2 = np.outer(gaussian_kernel_1d(ks[1], sg[1]), gaussian_kernel_1d(ks[0], sg[0]))
    kern = np.broadcast_to(k2[:, :, None, None], (*k2.shape, c, 1)).astype(dtypes.to_numpy_dtype(tensors.dtype(x)))
    y = K.depthwise_conv(x, kern, 1, "same", "channels_last")
    if data_format == "channels_first":
        y = K.moveaxis(y, -1, 1)
    return K.squeeze(y, 0) if single else y


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Depthwise Gaussian blur with zero ("same") padding. ``kernel_size`` and ``sigma`` are
    ``(width, height)`` pairs (Keras's order: the first entry filters along the width).

    Each channel is filtered separately with the normalized separable kernel
    ``exp(-x**2 / (2 sigma**2))`` sampled at offsets ``i - (size - 1) / 2``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        kernel_size: the filter size, an int for both axes or a ``(width, height)`` pair of
            positive ints.
        sigma: the standard deviation, a number or a ``(width, height)`` pair of positive numbers.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The blurred images, ``images``' shape, in a float dtype (``floatx()`` for integer input).

    Raises:
        ValueError: for a ``kernel_size`` below 1, a ``sigma`` not above 0, a pair of the wrong
            length, an ``images`` rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.zeros((1, 5, 5, 1))
    >>> x[0, 2, 2, 0] = 1.0  # one bright pixel spreads over its 3 x 3 neighbourhood
    >>> y = image.gaussian_blur(x, kernel_size=(3, 3), sigma=(1.0, 1.0))
    >>> np.round(y[0, 1:4, 1:4, 0], 3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]])
    """
    return _on_numpy(gaussian_blur_decomposition)(images, kernel_size, sigma, data_format)


op(G, T.Normwise(32), [
    Case("default", lambda r, dt: ((r.standard_normal((2, 7, 8, 3)).astype(dt),), {})),
    Case("anisotropic", lambda r, dt: ((r.standard_normal((2, 9, 8, 2)).astype(dt),), {"kernel_size": (5, 3), "sigma": (2.0, 0.7)})),
    Case("even_kernel", lambda r, dt: ((r.standard_normal((6, 7, 2)).astype(dt),), {"kernel_size": (4, 4), "sigma": (1.5, 1.5)})),
    Case("channels_first", lambda r, dt: ((r.standard_normal((2, 3, 6, 7)).astype(dt),), {"kernel_size": (3, 5), "sigma": (1.0, 2.0), "data_format": "channels_first"})),
], grad=_vjp_of(gaussian_blur_decomposition, 1), tensors=("images",),
   decomposition=gaussian_blur_decomposition)(gaussian_blur)


# ------------------------------------------------------------------------------ sobel_edges
_SOBEL_Y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)


def sobel_edges_decomposition(images, data_format=None):
    data_format = _check_format(data_format)
    if len(tensors.shape(images)) != 4:
        raise ValueError(f"sobel_edges: images must have rank 4 (a batch); got shape {tuple(tensors.shape(images))}")
    x = _to_float(images)
    if data_format == "channels_first":
        x = K.moveaxis(x, 1, -1)
    c = tensors.shape(x)[-1]
    nd_ = dtypes.to_numpy_dtype(tensors.dtype(x))
    outs = []
    for k in (_SOBEL_Y, _SOBEL_Y.T):
        kern = np.broadcast_to(k[:, :, None, None], (3, 3, c, 1)).astype(nd_)
        y = K.depthwise_conv(x, kern, 1, "same", "channels_last")
        outs.append(K.moveaxis(y, -1, 1) if data_format == "channels_first" else y)
    return K.stack(outs, axis=-1)


def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images, zero padded: ``(..., 2)`` holding ``[dy, dx]``.

    Each channel is correlated with the 3 x 3 Sobel kernels; ``dy`` responds to change down the
    rows, ``dx`` across the columns.

    Arguments:
        images: a batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor of ``images``' shape with a trailing axis of 2 (``dy`` then ``dx``).

    Raises:
        ValueError: when ``images`` is not rank 4 or ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> ramp = np.tile(np.arange(4.0), (4, 1))[None, :, :, None]  # brightness grows to the right
    >>> edges = image.sobel_edges(ramp)
    >>> edges.shape  # (dy, dx) per pixel and channel
    (1, 4, 4, 1, 2)
    >>> edges[0, 1, :, 0, 1]  # dx along an inner row
    array([ 4.,  8.,  8., -8.])
    """
    return _on_numpy(sobel_edges_decomposition)(images, data_format)


op(G, T.Normwise(16), [
    Case("batch", lambda r, dt: ((r.standard_normal((2, 6, 7, 3)).astype(dt),), {})),
    Case("channels_first", lambda r, dt: ((r.standard_normal((2, 2, 5, 6)).astype(dt),), {"data_format": "channels_first"})),
], grad=_vjp_of(sobel_edges_decomposition, 1), tensors=("images",),
   decomposition=sobel_edges_decomposition)(sobel_edges)


# ------------------------------------------------------------------------------ ssim
def ssim_decomposition(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
                       data_format=None):
    data_format = _check_format(data_format)
    _image_rank(image1, "image1")
    _image_rank(image2, "image2")
    if tuple(tensors.shape(image1)) != tuple(tensors.shape(image2)):
        raise ValueError(f"ssim: image1 and image2 must have the same shape; got {tuple(tensors.shape(image1))} "
                         f"and {tuple(tensors.shape(image2))}")
    dt = tensors.dtype(image1)
    a, single = _batched(_to_float(image1), 4)
    b, _ = _batched(K.cast(image2, tensors.dtype(a)), 4)
    if data_format == "channels_first":
        a, b = K.moveaxis(a, 1, -1), K.moveaxis(b, 1, -1)
    n, h, w, c = tensors.shape(a)
    fs = int(filter_size)
    if fs > h or fs > w:
        raise ValueError(f"ssim: filter_size={fs} is larger than the images ({h} x {w})")
    g = gaussian_kernel_1d(fs, filter_sigma)
    kern = np.outer(g, g)[:, :, None, None].astype(dtypes.to_numpy_dtype(tensors.dtype(a)))
    # channels as batch items: (N, H, W, C) -> (N*C, H, W, 1)
    a = K.reshape(K.transpose(a, (0, 3, 1, 2)), (-1, h, w, 1))
    b = K.reshape(K.transpose(b, (0, 3, 1, 2)), (-1, h, w, 1))

    def blur(x):
        return K.conv(x, kern, 1, "valid", "channels_last")

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mu1, mu2 = blur(a), blur(b)
    mu11, mu22, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    s11 = blur(a * a) - mu11
    s22 = blur(b * b) - mu22
    s12 = blur(a * b) - mu12
    num = (2.0 * mu12 + c1) * (2.0 * s12 + c2)
    den = (mu11 + mu22 + c1) * (s11 + s22 + c2)
    per = K.mean(num / den, axis=(1, 2, 3))
    out = K.mean(K.reshape(per, (n, c)), axis=-1)
    if single:
        out = K.squeeze(out, 0)
    return K.cast(out, dt) if tensors.dtype(out) != dt else out


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Structural similarity of two images (or batches): local Gaussian-weighted means, variances
    and covariance over ``filter_size`` windows (no padding), averaged over space and channels.
    Returns one value per image, in the images' dtype.

    Arguments:
        image1: one image (rank 3) or a batch (rank 4).
        image2: the image(s) to compare with, the same shape as ``image1``.
        max_val: the dynamic range of the pixel values (e.g. 1.0 or 255); it sets the stabilizing
            constants ``(k1 * max_val)**2`` and ``(k2 * max_val)**2``.
        filter_size: the side of the square Gaussian window (at most the image height and width).
        filter_sigma: the standard deviation of the Gaussian window.
        k1: the constant stabilizing the luminance term.
        k2: the constant stabilizing the contrast-structure term.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A scalar for one image, else a ``(batch,)`` tensor, in ``image1``'s dtype (computed in
        ``floatx()`` for integer images); 1 means identical images.

    Raises:
        ValueError: when the shapes differ, a rank is not 3 or 4, or ``filter_size`` exceeds the
            image.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> a = np.linspace(0.0, 1.0, 64).reshape(8, 8, 1)
    >>> float(image.ssim(a, a, max_val=1.0, filter_size=3))
    1.0
    >>> float(np.round(image.ssim(a, 1.0 - a, max_val=1.0, filter_size=3), 4))
    -0.6503
    """
    return _on_numpy(ssim_decomposition)(image1, image2, max_val, filter_size, filter_sigma, k1, k2, data_format)


def _ssim_case(name, shape, **kw):
    def make(r, dt):
        a = r.uniform(0, 1, shape)
        b = np.clip(a + 0.2 * r.standard_normal(shape), 0, 1)
        return (a.astype(dt), b.astype(dt)), dict(kw)
    return Case(name, make)


op(G, T.Normwise(256), [
    _ssim_case("batch", (2, 16, 15, 3)),
    _ssim_case("single_small_filter", (9, 10, 2), filter_size=5, filter_sigma=1.0),
    _ssim_case("channels_first", (2, 3, 12, 12), max_val=2.0, filter_size=7, data_format="channels_first"),
], grad=_vjp_of(ssim_decomposition, 2), tensors=("image1", "image2"),
   decomposition=ssim_decomposition)(ssim)


# ------------------------------------------------------------------------------ patches
def _extract(images, size, strides, dilation_rate, padding, data_format, n_sp, name):
    data_format = _check_format(data_format)
    padding = _check_padding(padding)
    rank = n_sp + 2
    if len(tensors.shape(images)) not in (rank - 1, rank):
        raise ValueError(f"{name}: expected rank {rank - 1} (one) or {rank} (a batch); got shape "
                         f"{tuple(tensors.shape(images))}")
    size = _tuple(size, n_sp, "size")
    strides = size if not strides else _tuple(strides, n_sp, "strides")
    dil = _tuple(dilation_rate, n_sp, "dilation_rate")
    x, single = _batched(images, rank)
    if data_format == "channels_first":
        x = K.moveaxis(x, 1, -1)
    c = tensors.shape(x)[-1]
    p, outs = _patches(x, size, strides, dil, padding)
    y = K.reshape(p, (tensors.shape(x)[0], *outs, int(np.prod(size)) * c))
    if data_format == "channels_first":
        y = K.moveaxis(y, -1, 1)
    return K.squeeze(y, 0) if single else y


def extract_patches_decomposition(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    if not isinstance(size, int) and len(size) == 3:
        return _extract(images, size, strides, dilation_rate, padding, data_format, 3, "extract_patches")
    return _extract(images, size, strides, dilation_rate, padding, data_format, 2, "extract_patches")


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` (int or ``(h, w)``; a 3-tuple extracts 3-D patches) flattened into the
    channel axis in ``(row, column, channel)`` order; ``strides`` default to ``size``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says (rank 4
            or 5 for 3-D patches).
        size: the patch size: an int, an ``(h, w)`` pair, or a ``(d, h, w)`` triple for volumes.
        strides: the step between patch origins (an int or one per spatial axis); ``None`` means
            ``size`` (non-overlapping patches).
        dilation_rate: the spacing between the sampled pixels of a patch (an int or one per axis).
        padding: ``"valid"`` (only patches that fit) or ``"same"`` (zero padding so that there
            are ``ceil(length / stride)`` patches per axis); case-insensitive.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        ``(batch, rows, columns, h * w * channels)`` for channels last (the patch axis first
        for channels first; no batch axis for a single image).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, a rank that does not match
            ``size``, or a patch larger than the (padded) image.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> patches = image.extract_patches(np.arange(16.0).reshape(4, 4, 1), 2)
    >>> patches.shape  # a 2 x 2 grid of flattened 2 x 2 x 1 patches
    (2, 2, 4)
    >>> patches[0, 0]
    array([0., 1., 4., 5.])
    """
    return _on_numpy(extract_patches_decomposition)(images, size, strides, dilation_rate, padding, data_format)


def _img(shape, **kw):
    return lambda r, dt: ((r.standard_normal(shape).astype(dt),), dict(kw))


op(G, T.E0, [
    Case("batch", _img((2, 8, 9, 3), size=(2, 3))),
    Case("single_int_size", _img((8, 8, 2), size=3, strides=2)),
    Case("same_padding", _img((2, 7, 7, 2), size=(3, 3), strides=(2, 2), padding="same")),
    Case("dilation", _img((1, 9, 9, 2), size=2, strides=1, dilation_rate=2)),
    Case("channels_first", _img((2, 3, 6, 6), size=(2, 2), data_format="channels_first")),
    Case("three_d", _img((1, 4, 4, 4, 2), size=(2, 2, 2))),
    Case("uint8", lambda r, dt: ((r.integers(0, 256, (6, 6, 3)).astype(np.uint8),), {"size": 2}), dtypes=("uint8",), grad=False),
], grad=_vjp_of(extract_patches_decomposition, 1), tensors=("images",),
   decomposition=extract_patches_decomposition)(extract_patches)


def extract_patches_3d_decomposition(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    return _extract(volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d")


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """3-D patches of ``size`` (int or ``(d, h, w)``) flattened into the channel axis.

    Arguments:
        volumes: one volume (rank 4) or a batch (rank 5), laid out as ``data_format`` says
            (``(..., depth, height, width, channels)`` for channels last).
        size: the patch size, an int or a ``(d, h, w)`` triple.
        strides: the step between patch origins (an int or a triple); ``None`` means ``size``.
        dilation_rate: the spacing between the sampled voxels of a patch (an int or a triple).
        padding: ``"valid"`` (only patches that fit) or ``"same"`` (zero padding so that there
            are ``ceil(length / stride)`` patches per axis); case-insensitive.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        ``(batch, *grid, d * h * w * channels)`` for channels last, flattened in
        ``(depth, row, column, channel)`` order (no batch axis for a single volume).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, a rank other than 4 or 5, or a
            patch larger than the (padded) volume.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> volume = np.arange(64.0).reshape(4, 4, 4, 1)
    >>> patches = image.extract_patches_3d(volume, 2)
    >>> patches.shape  # a 2 x 2 x 2 grid of flattened 2 x 2 x 2 x 1 patches
    (2, 2, 2, 8)
    >>> patches[0, 0, 0]
    array([ 0.,  1.,  4.,  5., 16., 17., 20., 21.])
    """
    return _on_numpy(extract_patches_3d_decomposition)(volumes, size, strides, dilation_rate, padding, data_format)


op(G, T.E0, [
    Case("batch", _img((2, 4, 6, 5, 2), size=(2, 3, 2), strides=(2, 2, 1))),
    Case("single_int", _img((5, 5, 5, 1), size=2)),
    Case("same_padding", _img((1, 5, 5, 5, 2), size=3, strides=2, padding="same")),
    Case("channels_first", _img((1, 2, 4, 4, 4), size=2, data_format="channels_first")),
], grad=_vjp_of(extract_patches_3d_decomposition, 1), tensors=("volumes",),
   decomposition=extract_patches_3d_decomposition)(extract_patches_3d)


def reconstruct_patches_decomposition(patches, size, output_size, strides=None, padding="valid", data_format=None):
    n_sp = 3 if not isinstance(size, int) and len(size) == 3 else 2
    data_format = _check_format(data_format)
    padding = _check_padding(padding)
    size = _tuple(size, n_sp, "size")
    out = tuple(int(v) for v in output_size)
    if len(out) != n_sp:
        raise ValueError(f"reconstruct_patches: output_size={output_size!r} must have {n_sp} entries (size has {n_sp})")
    if strides is not None and _tuple(strides, n_sp, "strides") != size:
        raise ValueError(f"reconstruct_patches: only non-overlapping patches can be reconstructed: strides={strides!r} "
                         f"must equal size={size}")
    rank = n_sp + 2
    if len(tensors.shape(patches)) not in (rank - 1, rank):
        raise ValueError(f"reconstruct_patches: patches must have rank {rank - 1} or {rank}; got shape "
                         f"{tuple(tensors.shape(patches))}")
    x, single = _batched(patches, rank)
    if data_format == "channels_first":
        x = K.moveaxis(x, 1, -1)
    shape = tensors.shape(x)
    b, grid, flat = shape[0], tuple(shape[1:-1]), shape[-1]
    k = int(np.prod(size))
    if flat % k:
        raise ValueError(f"reconstruct_patches: the patch dimension {flat} is not divisible by prod(size) = {k}")
    c = flat // k
    for g, p, o, axis in zip(grid, size, out, "DHW"[-n_sp:]):
        if padding == "valid" and g * p != o:
            raise ValueError(f"reconstruct_patches: padding='valid' needs output_size == grid * size; got "
                             f"output_size={out}, grid={grid}, size={size}")
        if padding == "same" and not (g * p - p < o <= g * p):
            raise ValueError(f"reconstruct_patches: padding='same' needs output_size along {axis} in "
                             f"(({g} - 1) * {p}, {g} * {p}]; got {o}")
    y = K.reshape(x, (b, *grid, *size, c))
    perm = [0] + [a for i in range(n_sp) for a in (1 + i, 1 + n_sp + i)] + [1 + 2 * n_sp]
    y = K.reshape(K.transpose(y, perm), (b, *(g * p for g, p in zip(grid, size)), c))
    if padding == "same":
        begin = [0] + [(g * p - o) // 2 for g, p, o in zip(grid, size, out)] + [0]
        y = K.slice(y, begin, [b, *out, c])
    if data_format == "channels_first":
        y = K.moveaxis(y, -1, 1)
    return K.squeeze(y, 0) if single else y


def reconstruct_patches(patches, size, output_size, strides=None, padding="valid", data_format=None):
    """Reassembles images (``size`` of 2 entries) or volumes (3 entries) from the non-overlapping
    patches :func:`extract_patches` produced (``strides == size``); with ``padding="same"`` the
    extraction's padding is cropped off to ``output_size``.

    Arguments:
        patches: ``(batch, *grid, prod(size) * channels)`` as :func:`extract_patches` returns
            them (channels first: the patch axis first; no batch axis for one image).
        size: the patch size used for extraction, an int or 2 / 3 entries.
        output_size: the spatial size of the image to rebuild (2 or 3 ints, as ``size``).
        strides: ``None`` or equal to ``size`` (overlapping patches cannot be reassembled).
        padding: the ``padding`` used for extraction: ``"valid"`` needs
            ``output_size == grid * size``; ``"same"`` crops the centred excess.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The images ``(batch, *output_size, channels)`` (channels first as ``data_format`` says).

    Raises:
        ValueError: for overlapping ``strides``, an ``output_size`` inconsistent with the grid,
            a patch axis not divisible by ``prod(size)``, or a wrong rank.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> patches = image.extract_patches(x, 2)
    >>> bool(np.array_equal(image.reconstruct_patches(patches, 2, (4, 4)), x))
    True
    """
    return _on_numpy(reconstruct_patches_decomposition)(patches, size, output_size, strides, padding, data_format)


def _recon_case(name, shape, size, **kw):
    def make(r, dt):
        x = r.standard_normal(shape).astype(dt)
        with_patches = extract_patches(x, size, padding=kw.get("padding", "valid"), data_format=kw.get("data_format"))
        n_sp = len(size)
        batched = shape if len(shape) == n_sp + 2 else (1, *shape)
        sp = batched[1:-1] if kw.get("data_format") != "channels_first" else batched[2:]
        return (with_patches, size, tuple(sp)), dict(kw)
    return Case(name, make)


op(G, T.E0, [
    _recon_case("batch", (2, 6, 9, 3), (2, 3)),
    _recon_case("single_same", (7, 5, 2), (3, 2), padding="same"),
    _recon_case("channels_first", (2, 3, 4, 6), (2, 2), data_format="channels_first"),
    _recon_case("three_d", (1, 4, 6, 2, 2), (2, 3, 2)),
], grad=_vjp_of(reconstruct_patches_decomposition, 1), tensors=("patches",),
   decomposition=reconstruct_patches_decomposition)(reconstruct_patches)


# ------------------------------------------------------------------------------ depth/space (nn)
def _check_block(x, block_size, data_format, name):
    if data_format not in ("channels_last", "channels_first"):
        data_format = _check_format(data_format)
    if len(tensors.shape(x)) != 4:
        raise ValueError(f"{name}: x must have rank 4; got shape {tuple(tensors.shape(x))}")
    if int(block_size) < 2:
        raise ValueError(f"{name}: block_size must be >= 2; got block_size={block_size}")
    return int(block_size), data_format


def depth_to_space_decomposition(x, block_size, data_format="channels_last"):
    b, data_format = _check_block(x, block_size, data_format, "depth_to_space")
    if data_format == "channels_last":
        n, h, w, c = tensors.shape(x)
        if c % (b * b):
            raise ValueError(f"depth_to_space: channels {c} are not divisible by block_size**2 = {b * b}")
        y = K.reshape(x, (n, h, w, b, b, c // (b * b)))
        y = K.transpose(y, (0, 1, 3, 2, 4, 5))
        return K.reshape(y, (n, h * b, w * b, c // (b * b)))
    n, c, h, w = tensors.shape(x)
    if c % (b * b):
        raise ValueError(f"depth_to_space: channels {c} are not divisible by block_size**2 = {b * b}")
    y = K.reshape(x, (n, c // (b * b), b, b, h, w))
    y = K.transpose(y, (0, 1, 4, 2, 5, 3))
    return K.reshape(y, (n, c // (b * b), h * b, w * b))


def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves ``block_size x block_size`` groups of channels into space (pixel shuffle). Channels
    last reads each group as ``(row, column, channel)`` (TensorFlow's order); channels first as
    ``(channel, row, column)`` (PyTorch's ``pixel_shuffle``).

    Arguments:
        x: a batch of images (rank 4); the channel count must be divisible by ``block_size**2``.
        block_size: the upscaling factor, an int >= 2.
        data_format: ``"channels_last"`` (``(N, H, W, C)``) or ``"channels_first"``
            (``(N, C, H, W)``); ``None`` means ``dlx.config.image_data_format()``.

    Returns:
        ``(N, H * block_size, W * block_size, C / block_size**2)`` (channels first likewise).

    Raises:
        ValueError: when ``x`` is not rank 4, ``block_size < 2``, or the channels do not divide.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> y = ops.depth_to_space(np.arange(4.0).reshape(1, 1, 1, 4), 2)
    >>> y.shape
    (1, 2, 2, 1)
    >>> y[0, :, :, 0]
    array([[0., 1.],
           [2., 3.]])
    """
    return _on_numpy(depth_to_space_decomposition)(x, block_size, data_format)


op("nn", T.E0, [
    Case("channels_last", _img((2, 3, 4, 8), block_size=2)),
    Case("channels_first", _img((2, 18, 2, 3), block_size=3, data_format="channels_first")),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (1, 2, 2, 12)).astype(np.int32), 2), {}), dtypes=("int32",), grad=False),
], grad=_vjp_of(depth_to_space_decomposition, 1), tensors=("x",),
   decomposition=depth_to_space_decomposition)(depth_to_space)


def space_to_depth_decomposition(x, block_size, data_format="channels_last"):
    b, data_format = _check_block(x, block_size, data_format, "space_to_depth")
    if data_format == "channels_last":
        n, h, w, c = tensors.shape(x)
    else:
        n, c, h, w = tensors.shape(x)
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by block_size={b}")
    if data_format == "channels_last":
        y = K.reshape(x, (n, h // b, b, w // b, b, c))
        y = K.transpose(y, (0, 1, 3, 2, 4, 5))
        return K.reshape(y, (n, h // b, w // b, c * b * b))
    y = K.reshape(x, (n, c, h // b, b, w // b, b))
    y = K.transpose(y, (0, 1, 3, 5, 2, 4))
    return K.reshape(y, (n, c * b * b, h // b, w // b))


def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of :func:`depth_to_space` (pixel unshuffle).

    Arguments:
        x: a batch of images (rank 4); its height and width must be divisible by ``block_size``.
        block_size: the downscaling factor, an int >= 2.
        data_format: ``"channels_last"`` (``(N, H, W, C)``) or ``"channels_first"``
            (``(N, C, H, W)``); ``None`` means ``dlx.config.image_data_format()``.

    Returns:
        ``(N, H / block_size, W / block_size, C * block_size**2)`` (channels first likewise).

    Raises:
        ValueError: when ``x`` is not rank 4, ``block_size < 2``, or the height or width does not
            divide.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> ops.space_to_depth(x, 2)
    array([[[[0., 1., 2., 3.]]]])
    """
    return _on_numpy(space_to_depth_decomposition)(x, block_size, data_format)


op("nn", T.E0, [
    Case("channels_last", _img((2, 4, 6, 3), block_size=2)),
    Case("channels_first", _img((2, 2, 6, 3), block_size=3, data_format="channels_first")),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (1, 4, 4, 3)).astype(np.int32), 2), {}), dtypes=("int32",), grad=False),
], grad=_vjp_of(space_to_depth_decomposition, 1), tensors=("x",),
   decomposition=space_to_depth_decomposition)(space_to_depth)


# ------------------------------------------------------------------------------ unfold / fold (nn)
def fold_geometry(spatial, kernel_size, dilation, padding, stride):
    """``(k, d, p, s, blocks)`` pairs for unfold/fold over a ``spatial`` (h, w) image."""
    k = _tuple(kernel_size, 2, "kernel_size")
    d = _tuple(dilation, 2, "dilation")
    p = _tuple(padding, 2, "padding")
    s = _tuple(stride, 2, "stride")
    blocks = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    if min(blocks) < 1:
        raise ValueError(f"the window kernel_size={k} (dilation {d}) does not fit the padded size "
                         f"{tuple(spatial[i] + 2 * p[i] for i in range(2))}")
    return k, d, p, s, blocks


def unfold_decomposition(x, kernel_size, dilation=1, padding=0, stride=1):
    if len(tensors.shape(x)) != 4:
        raise ValueError(f"unfold: x must have rank 4 (N, C, H, W); got shape {tuple(tensors.shape(x))}")
    n, c, h, w = tensors.shape(x)
    k, d, p, s, blocks = fold_geometry((h, w), kernel_size, dilation, padding, stride)
    if p != (0, 0):
        x = K.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    pt, _ = _patches(K.moveaxis(x, 1, -1), k, s, d, "valid")  # (N, bh, bw, kh*kw, C)
    pt = K.transpose(pt, (0, 4, 3, 1, 2))
    return K.reshape(pt, (n, c * k[0] * k[1], blocks[0] * blocks[1]))


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of an ``(N, C, H, W)`` image (im2col): ``(N, C * kh * kw, L)``, each
    column one block in ``(channel, row, column)`` order (PyTorch's ``unfold``).

    Arguments:
        x: a channels-first batch ``(N, C, H, W)``.
        kernel_size: the block size, an int or ``(kh, kw)``.
        dilation: the spacing between the sampled pixels of a block, an int or a pair.
        padding: zeros added on both sides of each spatial axis, an int or a pair (a width, not a
            mode string).
        stride: the step between blocks, an int or a pair.

    Returns:
        ``(N, C * kh * kw, L)`` with ``L`` the number of block positions, rows first.

    Raises:
        ValueError: when ``x`` is not rank 4 or the block does not fit the padded image.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> ops.unfold(x, 2, stride=2)  # one column per 2 x 2 block
    array([[[ 0.,  2.,  8., 10.],
            [ 1.,  3.,  9., 11.],
            [ 4.,  6., 12., 14.],
            [ 5.,  7., 13., 15.]]])
    """
    return _on_numpy(unfold_decomposition)(x, kernel_size, dilation, padding, stride)


op("nn", T.E0, [
    Case("plain", _img((2, 3, 5, 6), kernel_size=2)),
    Case("stride_pad_dilation", _img((1, 2, 7, 6), kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=2)),
    Case("int", lambda r, dt: ((r.integers(-9, 9, (1, 2, 4, 4)).astype(np.int32), 2), {}), dtypes=("int32",), grad=False),
], grad=_vjp_of(unfold_decomposition, 1), tensors=("x",), decomposition=unfold_decomposition)(unfold)


def fold_decomposition(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    if len(tensors.shape(x)) != 3:
        raise ValueError(f"fold: x must have rank 3 (N, C * kh * kw, L); got shape {tuple(tensors.shape(x))}")
    n, ckk, length = tensors.shape(x)
    out = _tuple(output_size, 2, "output_size")
    k, d, p, s, blocks = fold_geometry(out, kernel_size, dilation, padding, stride)
    if ckk % (k[0] * k[1]):
        raise ValueError(f"fold: x.shape[1]={ckk} is not divisible by kernel_size product {k[0] * k[1]}")
    if length != blocks[0] * blocks[1]:
        raise ValueError(f"fold: x.shape[2]={length} blocks; output_size={out} with these settings has "
                         f"{blocks[0]} x {blocks[1]} = {blocks[0] * blocks[1]}")
    c = ckk // (k[0] * k[1])
    ph, pw = out[0] + 2 * p[0], out[1] + 2 * p[1]
    y = K.reshape(x, (n, c, k[0], k[1], blocks[0], blocks[1]))
    total = None
    for i in range(k[0]):
        for j in range(k[1]):
            slab = K.get_item(y, (slice(None), slice(None), i, j))  # (N, C, bh, bw)
            for ax, st in ((2, s[0]), (3, s[1])):  # spread blocks ``stride`` apart
                if st > 1:
                    sh = tensors.shape(slab)
                    z = K.zeros_like(slab)
                    slab = K.reshape(K.stack([slab] + [z] * (st - 1), axis=ax + 1),
                                     (*sh[:ax], sh[ax] * st, *sh[ax + 1:]))
                    key = [slice(None)] * 4
                    key[ax] = slice(0, (sh[ax] - 1) * st + 1)
                    slab = K.get_item(slab, tuple(key))
            sh = tensors.shape(slab)
            top, left = i * d[0], j * d[1]
            slab = K.pad(slab, [(0, 0), (0, 0), (top, ph - top - sh[2]), (left, pw - left - sh[3])])
            total = slab if total is None else total + slab
    return K.get_item(total, (slice(None), slice(None), slice(p[0], p[0] + out[0]), slice(p[1], p[1] + out[1])))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums sliding blocks ``(N, C * kh * kw, L)`` back into an ``(N, C, *output_size)`` image
    (col2im, the adjoint of :func:`unfold`; overlapping entries add).

    Arguments:
        x: blocks ``(N, C * kh * kw, L)`` as :func:`unfold` lays them out.
        output_size: the image's ``(H, W)`` (an int for both).
        kernel_size: the block size, an int or ``(kh, kw)``.
        dilation: the spacing between a block's pixels, an int or a pair.
        padding: the zero padding :func:`unfold` added on each side (cropped off here), an int or a
            pair.
        stride: the step between blocks, an int or a pair.

    Returns:
        The image ``(N, C, H, W)``.

    Raises:
        ValueError: when ``x`` is not rank 3, its second axis does not divide by ``kh * kw``, or
            ``L`` does not match the number of block positions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> columns = ops.unfold(x, 2, stride=2)
    >>> ops.fold(columns, (4, 4), 2, stride=2)[0, 0]
    array([[ 0.,  1.,  2.,  3.],
           [ 4.,  5.,  6.,  7.],
           [ 8.,  9., 10., 11.],
           [12., 13., 14., 15.]])
    """
    return _on_numpy(fold_decomposition)(x, output_size, kernel_size, dilation, padding, stride)


def _fold_case(name, c, out, k, grad=True, **kw):
    def make(r, dt):
        kk = _tuple(k, 2, "k")
        _, _, _, _, blocks = fold_geometry(_tuple(out, 2, "o"), k, kw.get("dilation", 1), kw.get("padding", 0),
                                           kw.get("stride", 1))
        x = r.standard_normal((2, c * kk[0] * kk[1], blocks[0] * blocks[1])).astype(dt)
        return (x, out, k), dict(kw)
    return Case(name, make, grad=grad)


op("nn", T.Normwise(16), [
    _fold_case("non_overlapping", 3, (4, 6), 2, stride=2),
    _fold_case("overlapping", 2, (5, 6), (3, 2)),
    _fold_case("stride_pad_dilation", 2, (7, 6), (3, 2), dilation=(1, 2), padding=1, stride=2),
], grad=_vjp_of(fold_decomposition, 1), tensors=("x",), decomposition=fold_decomposition)(fold)


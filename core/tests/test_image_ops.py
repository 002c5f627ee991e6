"""Image ops on the NumPy backend: independent oracles where Keras has none to compare with
(``resize(interpolation="area")`` exists only on Keras's TensorFlow backend; ``reconstruct_patches``
is newer than the installed Keras), inverse pairs, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx.backend import registry


@pytest.fixture(autouse=True)
def _numpy_backend():
    with registry.use("numpy"):
        yield


@pytest.mark.parametrize(("shape", "size"), [((2, 12, 9, 2), (5, 4)), ((1, 4, 5, 2), (7, 9)), ((1, 10, 10, 1), (3, 4))])
def test_resize_area_matches_tensorflow(shape, size):
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(1).uniform(0, 1, shape)
    got = np.asarray(dlx.ops.image.resize(x, size, interpolation="area"))
    want = tf.image.resize(x, size, method="area").numpy()  # TF computes in float32
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_affine_transform_matches_jax_map_coordinates_far_outside(fill_mode, interpolation):
    # the NumPy backend's affine_transform samples on the host with folding tables (taps far
    # outside are clamped or shifted by whole periods first); jax.scipy.ndimage.map_coordinates
    # (what Keras's JAX backend calls) is the oracle, per image and channel
    jax = pytest.importorskip("jax")
    from jax.scipy import ndimage

    r = np.random.default_rng(3)
    x = r.uniform(0, 255, (3, 7, 9, 2)).astype(np.float32)
    ang = r.uniform(-2.0, 2.0, 3)
    sc = np.array([0.7, 1.9, 25.0])  # the last one reads up to hundreds of pixels outside
    t = np.stack([sc * np.cos(ang), -sc * np.sin(ang), r.uniform(-30, 30, 3), sc * np.sin(ang),
                  sc * np.cos(ang), r.uniform(-30, 30, 3), 0 * ang, 0 * ang], -1).astype(np.float32)
    got = np.asarray(dlx.ops.image.affine_transform(x, t, interpolation=interpolation, fill_mode=fill_mode,
                                                    fill_value=7.0))
    yy, xx = np.meshgrid(np.arange(7, dtype=np.float32), np.arange(9, dtype=np.float32), indexing="ij")
    order = 1 if interpolation == "bilinear" else 0
    with jax.default_device(jax.devices("cpu")[0]):
        for i in range(3):
            a0, a1, a2, b0, b1, b2 = t[i, :6]
            coords = [yy * b1 + xx * b0 + b2, yy * a1 + xx * a0 + a2]
            for ch in range(2):
                want = np.asarray(ndimage.map_coordinates(x[i, :, :, ch], coords, order, mode=fill_mode, cval=7.0))
                np.testing.assert_allclose(got[i, :, :, ch], want, rtol=1e-5, atol=1e-3,
                                           err_msg=f"image {i} channel {ch}")


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "uint8"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("shift", [0.0, 40.0, -40.0])
@pytest.mark.parametrize("chunk", [None, 130, 20])
def test_affine_host_sampling_equals_the_op_path(dtype, interpolation, fill_mode, shift, chunk, monkeypatch):
    # affine_transform on NumPy arrays samples on the host (padded channel planes, flat taps, a
    # chunk of pixels at a time); it must give the bits of the generic op path, sample(); a shift
    # of 40 pixels puts every tap of these 7x9 images beyond one side of them; chunks of 130 pixels
    # hold two of the images, chunks of 20 pixels two rows of one
    from dlx.ops.defs import image_warp as W

    if chunk is not None:
        monkeypatch.setattr(W, "HOST_CHUNK", chunk)
    r = np.random.default_rng(4)
    x = r.uniform(-20, 255, (3, 7, 9, 3)).astype(dtype)
    ang, sc = r.uniform(-1.0, 1.0, (3, 1, 1)), r.uniform(0.5, 2.0, (3, 1, 1))
    yy, xx = np.meshgrid(np.arange(7), np.arange(9), indexing="ij")
    y_in = (sc * (np.cos(ang) * yy + np.sin(ang) * xx) + shift + r.uniform(-2, 2, (3, 1, 1))).astype(np.float32)
    x_in = (sc * (np.cos(ang) * xx - np.sin(ang) * yy) - shift / 2).astype(np.float32)
    order = W.INTERPOLATIONS[interpolation]
    host = W._sample_pixels_host(x, lambda i0, i1, r0, r1: (y_in[i0:i1, r0:r1], x_in[i0:i1, r0:r1]), order,
                                 fill_mode, 7.0)
    full = x.shape
    coords = [("index", np.arange(3).reshape(3, 1, 1, 1)), np.broadcast_to(y_in[..., None], full),
              np.broadcast_to(x_in[..., None], full), ("index", np.arange(3).reshape(1, 1, 1, 3))]
    want = W.sample(x, coords, order, fill_mode, 7.0)
    assert host.dtype == want.dtype == x.dtype
    np.testing.assert_array_equal(host, want)


@pytest.mark.parametrize("chunk", [None, 100])
def test_affine_transform_in_threads_at_once(chunk, monkeypatch):
    # the host sampler keeps its temporaries in per-thread buffers: threads transforming images of
    # different sizes, channels, dtypes and batches at the same time each get their own results
    import threading

    from dlx.ops.defs import image_warp as W

    if chunk is not None:
        monkeypatch.setattr(W, "HOST_CHUNK", chunk)
    r = np.random.default_rng(5)
    jobs = []
    for k, (shape, dtype) in enumerate([((4, 13, 11, 3), "float32"), ((2, 30, 25, 1), "float64"),
                                        ((3, 9, 17, 4), "uint8"), ((1, 40, 8, 2), "float32")]):
        x = r.uniform(0, 255, shape).astype(dtype)
        ang = r.uniform(-0.7, 0.7, shape[0])
        t = np.stack([np.cos(ang), -np.sin(ang), r.uniform(-3, 3, shape[0]), np.sin(ang), np.cos(ang),
                      r.uniform(-3, 3, shape[0]), 0 * ang, 0 * ang], -1).astype(np.float32)
        mode = ("reflect", "constant", "wrap", "nearest")[k]
        jobs.append((x, t, mode, dlx.ops.image.affine_transform(x, t, fill_mode=mode, fill_value=3.0)))
    results = [[] for _ in jobs]
    start = threading.Barrier(len(jobs))

    def work(k):
        x, t, mode, _ = jobs[k]
        with registry.use("numpy"):
            start.wait()
            for _ in range(25):
                results[k].append(np.asarray(dlx.ops.image.affine_transform(x, t, fill_mode=mode, fill_value=3.0)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for (x, _, _, want), got in zip(jobs, results):
        assert len(got) == 25
        for g in got:
            assert g.dtype == x.dtype
            np.testing.assert_array_equal(g, want)


@pytest.mark.parametrize(("shape", "size", "padding", "fmt"), [
    ((2, 6, 9, 3), (2, 3), "valid", "channels_last"),
    ((7, 5, 2), (3, 2), "same", "channels_last"),
    ((2, 3, 4, 6), (2, 2), "valid", "channels_first"),
    ((1, 5, 6, 4, 2), (2, 3, 2), "same", "channels_last"),
])
def test_reconstruct_patches_inverts_extract_patches(shape, size, padding, fmt):
    x = np.random.default_rng(2).standard_normal(shape)
    p = dlx.ops.image.extract_patches(x, size, padding=padding, data_format=fmt)
    batched = shape if len(shape) == len(size) + 2 else (1, *shape)
    spatial = batched[1:-1] if fmt == "channels_last" else batched[2:]
    np.testing.assert_array_equal(dlx.ops.image.reconstruct_patches(p, size, spatial, padding=padding, data_format=fmt), x)


def test_depth_space_round_trip():
    x = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3)
    for fmt, y in (("channels_last", x), ("channels_first", np.moveaxis(x, -1, 1))):
        d = dlx.ops.space_to_depth(y, 2, data_format=fmt)
        np.testing.assert_array_equal(dlx.ops.depth_to_space(d, 2, data_format=fmt), y)


def test_fold_is_the_adjoint_of_unfold():
    r = np.random.default_rng(3)
    x = r.standard_normal((2, 3, 7, 6))
    kw = {"kernel_size": (3, 2), "dilation": (1, 2), "padding": 1, "stride": 2}
    u = dlx.ops.unfold(x, **kw)
    c = r.standard_normal(u.shape)
    lhs = np.sum(u * c)
    rhs = np.sum(x * dlx.ops.fold(c, (7, 6), **kw))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12)


def test_hsv_round_trip():
    x = np.random.default_rng(4).uniform(0, 1, (3, 5, 3))
    np.testing.assert_allclose(dlx.ops.image.hsv_to_rgb(dlx.ops.image.rgb_to_hsv(x)), x, atol=1e-12)


@pytest.mark.parametrize(("call", "match"), [
    (lambda x: dlx.ops.image.resize(x, (3, 3), interpolation="cubic"), "interpolation='cubic'"),
    (lambda x: dlx.ops.image.resize(x, (3, 3), fill_mode="reflect"), "fill_mode='reflect'"),
    (lambda x: dlx.ops.image.resize(x, (3, 3), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "only one of"),
    (lambda x: dlx.ops.image.resize(x, (3,)), "size must be"),
    (lambda x: dlx.ops.image.pad_images(x, top_padding=1), "exactly two of top_padding"),
    (lambda x: dlx.ops.image.crop_images(x, top_cropping=1, bottom_cropping=1, left_cropping=9, right_cropping=0), "exceeds"),
    (lambda x: dlx.ops.image.map_coordinates(x, np.zeros((2, 3)), 3), "order=3"),
    (lambda x: dlx.ops.image.affine_transform(x, np.zeros(6)), "transform must have shape"),
    (lambda x: dlx.ops.image.rgb_to_hsv(x.astype(np.int32)), "float dtype"),
    (lambda x: dlx.ops.image.reconstruct_patches(dlx.ops.image.extract_patches(x, 2, strides=1), 2, (4, 4), strides=1), "non-overlapping"),
])
def test_bad_arguments_raise_naming_them(call, match):
    x = np.random.default_rng(5).uniform(0, 1, (1, 6, 6, 3))
    with pytest.raises(ValueError, match=match):
        call(x)

"""Application arguments that Keras gets wrong or that dlx checked loosely: the ImageNet weight
file follows the variant, never the ``name`` argument (Keras 3.15 builds it from ``name``, so a
custom name asks for a file that does not exist); MobileNetV3's input shape derived from a
non-square ``input_tensor`` (against Keras's derivation, in a subprocess)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import dlx


def _write_legacy_h5(model, path):
    """``model``'s weights in the published files' Keras 2 layout (``layer_names``, per layer
    ``weight_names``), as ``_builder.load_legacy_by_name`` reads it."""
    import h5py

    layers = [layer for layer in model.layers if layer.weights]
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [layer.name.encode() for layer in layers]
        for layer in layers:
            g = f.create_group(layer.name)
            names = [f"{layer.name}/w{i}".encode() for i in range(len(layer.weights))]
            g.attrs["weight_names"] = names
            for n, w in zip(names, layer.weights):
                g[n.decode()] = dlx.ops.convert_to_numpy(w.value)


@pytest.mark.parametrize("build,file_name", [("EfficientNetB0", "efficientnetb0_notop.h5"),
                                             ("EfficientNetV2B0", "efficientnetv2-b0_notop.h5"),
                                             ("ConvNeXtTiny", "convnext_tiny_notop.h5")])
def test_imagenet_file_follows_the_variant_not_the_name(build, file_name, tmp_path, monkeypatch):
    import dlx_hub.applications  # noqa: F401  (provides dlx.applications)

    shape = (32, 32, 3)
    with dlx.backend.use("torch"):
        fn = getattr(dlx.applications, build)
        source = fn(weights=None, include_top=False, input_shape=shape)  # the default name, as published
        path = tmp_path / "published.h5"
        _write_legacy_h5(source, path)
        asked = []

        def fake_get_file(fname, origin, **kwargs):
            asked.append((fname, origin))
            return str(path)
        monkeypatch.setattr(dlx.utils, "get_file", fake_get_file)
        model = fn(weights="imagenet", include_top=False, input_shape=shape, name="renamed")
        assert model.name == "renamed"
        assert [a[0] for a in asked] == [file_name] and asked[0][1].endswith("/" + file_name)
        pairs = [(a.name, dlx.ops.convert_to_numpy(u.value), dlx.ops.convert_to_numpy(v.value))
                 for a, b in zip(*([x for x in m.layers if x.weights] for m in (source, model)), strict=True)
                 for u, v in zip(a.weights, b.weights, strict=True)]
    assert len(pairs) == len(model.weights)
    for name, want, got in pairs:  # every weight came from the file (ConvNeXt: its layer prefixes renamed)
        np.testing.assert_array_equal(got, want, err_msg=name)


def test_imagenet_needs_a_known_weights_name():
    from dlx_hub.applications import convnext, efficientnet

    with pytest.raises(ValueError, match="weights_name=None"):
        efficientnet.EfficientNet(1.0, 1.0, 224, weights="imagenet")
    with pytest.raises(ValueError, match="weights_name='convnext_huge'"):
        convnext.ConvNeXt([3, 3, 9, 3], [96, 192, 384, 768], weights="imagenet", weights_name="convnext_huge")


@pytest.mark.parametrize("fmt,shape", [("channels_last", (40, 20, 3)), ("channels_first", (3, 40, 20))])
def test_mobilenet_v3_derives_the_input_shape_from_a_non_square_tensor(fmt, shape):
    # Keras 3.15 derives (cols, rows, 3) from input_tensor, so its size error names a shape the
    # tensor does not have; dlx reports the tensor's own shape
    import dlx_hub.applications  # noqa: F401

    old = dlx.backend.image_data_format()
    dlx.backend.set_image_data_format(fmt)
    try:
        with dlx.backend.use("torch"):
            with pytest.raises(ValueError, match=re.escape(f"at least 32x32; got input_shape={shape}")):
                dlx.applications.MobileNetV3Small(input_tensor=dlx.layers.Input(shape), weights=None)
            tall = (64, 48, 3) if fmt == "channels_last" else (3, 64, 48)
            model = dlx.applications.MobileNetV3Small(input_tensor=dlx.layers.Input(tall), weights=None,
                                                      include_top=False)
            assert tuple(model.inputs[0].shape) == (None, *tall)
    finally:
        dlx.backend.set_image_data_format(old)

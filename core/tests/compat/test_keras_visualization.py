"""``keras.visualization.draw_segmentation_masks``: the same images as Keras 3."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_DATA = """
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 255, size=(2, 4, 5, 3)).astype("float32")
    masks = rng.integers(-1, 3, size=(2, 4, 5, 1)).astype("int32")
"""

SNIPPETS = {
    "blend": _DATA + """
    out = keras.visualization.draw_segmentation_masks(images, masks, num_classes=3)
    print(type(out).__name__, out.dtype, out.shape, out.reshape(-1)[:40].tolist(), int(out.sum()))
    out = keras.visualization.draw_segmentation_masks(images, masks, num_classes=4, alpha=0.3,
                                                      color_mapping={0: (255, 0, 0), 1: (0, 255, 0),
                                                                     2: (0, 0, 255), 3: (9, 9, 9)})
    print(int(out.sum()), out[1, 2].tolist())
    """,
    "paint": _DATA + """
    out = np.asarray(keras.visualization.draw_segmentation_masks(images, masks, num_classes=3, blend=False))
    print(out.dtype, out.shape, np.round(out[0, :2], 3).tolist(), float(np.round(out.sum(), 1)))
    """,
    "channels_first_and_ignore": _DATA + """
    out = keras.visualization.draw_segmentation_masks(images.transpose(0, 3, 1, 2), masks.transpose(0, 3, 1, 2),
                                                      num_classes=3, ignore_index=0,
                                                      data_format="channels_first")
    print(out.shape, int(out.sum()))
    """,
    "float_masks": _DATA + """
    keras.visualization.draw_segmentation_masks(images, masks.astype("float32"))
    """,
    "unbatched": _DATA + """
    keras.visualization.draw_segmentation_masks(images[0], masks[0])
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "jax"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]


def test_num_classes_inferred_as_largest_id_plus_one(numpy_backend):
    """Without ``num_classes`` every id present is painted (ids 0..max: max + 1 classes), as
    Keras's current source does; Keras 3.15.1 inferred ``max`` and left the largest id unpainted."""
    import numpy as np

    import dlx

    images = np.zeros((1, 1, 3, 3), "float32")
    masks = np.array([[[[0], [1], [2]]]], "int32")
    out = np.asarray(dlx.visualization.draw_segmentation_masks(images, masks, blend=False))
    explicit = np.asarray(dlx.visualization.draw_segmentation_masks(images, masks, num_classes=3, blend=False))
    np.testing.assert_array_equal(out, explicit)
    np.testing.assert_array_equal(out[0, 0, 2], [2.0, 254.0, 62.0])

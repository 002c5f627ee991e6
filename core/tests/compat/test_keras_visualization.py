"""``keras.visualization``: ``draw_segmentation_masks`` gives the same images as Keras 3; the
galleries (``plot_image_gallery``, ``plot_segmentation_mask_gallery``, ``plot_bounding_box_gallery``)
the same figures (size, axes, positions, titles, images, legend: read when the function closes
it); ``draw_bounding_boxes`` (Pillow where Keras needs OpenCV, absent here) against hand-drawn
pictures."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_DATA = """
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 255, size=(2, 4, 5, 3)).astype("float32")
    masks = rng.integers(-1, 3, size=(2, 4, 5, 1)).astype("int32")
"""

_FIG = """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    _close = plt.close
    def _describe(*args):
        fig = plt.gcf()
        print("size", [round(float(v), 3) for v in fig.get_size_inches()], "axes", len(fig.axes))
        for ax in fig.axes:
            ims = ax.get_images()
            arr = np.asarray(ims[0].get_array()) if ims else None
            print(ax.get_title(), ax.axison, None if arr is None else (arr.dtype.name, arr.shape, int(arr.astype("int64").sum())),
                  [round(float(v), 3) for v in ax.get_position().bounds])
        for leg in fig.legends:
            print("legend", [t.get_text() for t in leg.get_texts()])
        _close(*args)
    plt.close = _describe
    rng = np.random.default_rng(2)
    images = rng.uniform(0, 255, size=(5, 6, 7, 3)).astype("float32")
"""

SNIPPETS = {
    "gallery": _FIG + """
    keras.visualization.plot_image_gallery(images, path="/dev/null")
    keras.visualization.plot_image_gallery(images[:4] / 255.0, value_range=(0, 1), y_true=np.array([0, 1, 2, 9]),
                                           y_pred=np.array([1, 1, 0, 2]), label_map={0: "cat", 1: "dog", 2: "ox"},
                                           rows=2, cols=2, scale=3, path="/dev/null")
    keras.visualization.plot_image_gallery(images, rows=1, cols=4, path="/dev/null")
    """,
    "gallery_errors": _FIG + """
    for kw in ({"path": "/dev/null", "show": True}, {"y_true": np.array([0]), "path": "/dev/null"}):
        try:
            keras.visualization.plot_image_gallery(images, **kw)
        except ValueError:
            print("ValueError")
    """,
    "segmentation_gallery": _FIG + """
    masks = rng.integers(0, 3, size=(5, 6, 7, 1))
    keras.visualization.plot_segmentation_mask_gallery(images[:2], num_classes=3, y_true=masks[:2], y_pred=masks[2:4],
                                                       path="/dev/null")
    keras.visualization.plot_segmentation_mask_gallery(images[:3], num_classes=4, y_pred=masks[:3], blend=False,
                                                       alpha=0.5, path="/dev/null")
    """,
    "box_gallery_layout": _FIG + """
    keras.visualization.plot_bounding_box_gallery(images[:4], "xyxy", legend=True, path="/dev/null")
    keras.visualization.plot_bounding_box_gallery(images[:2], "xyxy", rows=1, cols=2, scale=1, path="/dev/null")
    """,
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


def test_incomplete_color_mapping_names_the_missing_class_ids(backend):
    """Keras 3.15 fails with a bare ``KeyError: 0`` when ``color_mapping`` lacks a class id below
    ``num_classes``; dlx names the argument, the ids and what is expected. A complete mapping
    paints each class its color (checked against a NumPy lookup)."""
    import numpy as np
    import pytest

    import dlx

    _ = backend
    images = np.zeros((1, 2, 2, 3), "float32")
    masks = np.array([[[[0], [2]], [[2], [1]]]], "int32")
    with pytest.raises(ValueError, match=r"color_mapping has no color for class id\(s\) \[0, 2\].*0\.\.2"):
        dlx.visualization.draw_segmentation_masks(images, masks, num_classes=3, color_mapping={1: (0, 255, 0)})
    full = {0: (1, 2, 3), 1: (0, 255, 0), 2: (9, 8, 7)}
    out = np.asarray(dlx.visualization.draw_segmentation_masks(images, masks, num_classes=3, color_mapping=full,
                                                               blend=False))
    want = np.array([full[int(i)] for i in masks.reshape(-1)], "float32").reshape(1, 2, 2, 3)
    np.testing.assert_array_equal(out, want)


def _picture(rows):
    """A boolean mask from an ASCII picture ('#' painted)."""
    import numpy as np

    return np.array([[c == "#" for c in row] for row in rows])


def test_draw_bounding_boxes_outlines(numpy_backend):
    """Outlines against hand-drawn pictures; every box format lands on the same pixels; padding
    labels (-1) are not drawn; float images in [0, 1] are scaled to [0, 255]."""
    import numpy as np

    import dlx

    draw = dlx.visualization.draw_bounding_boxes
    images = np.zeros((1, 6, 8, 3), "uint8")
    boxes = {"boxes": np.array([[[2, 1, 5, 3], [0, 0, 7, 5]]], "float32"), "labels": np.array([[4, -1]])}
    thin = draw(images, boxes, "xyxy", color=(10, 20, 30), line_thickness=1)
    assert thin.dtype == np.uint8 and thin.shape == (1, 6, 8, 3)
    want = _picture(["........",
                     "..####..",
                     "..#..#..",
                     "..####..",
                     "........",
                     "........"])
    np.testing.assert_array_equal(thin[0].any(-1), want)
    np.testing.assert_array_equal(thin[0][want], np.tile([10, 20, 30], (want.sum(), 1)))
    thick = draw(np.zeros((1, 7, 8, 3), "uint8"), {"boxes": np.array([[[1, 1, 6, 5]]]), "labels": np.array([[0]])},
                 "xyxy", line_thickness=2)  # two pixels: the edge and the one before it
    np.testing.assert_array_equal(thick[0].any(-1), _picture(["#######.",
                                                              "#######.",
                                                              "##...##.",
                                                              "##...##.",
                                                              "#######.",
                                                              "#######.",
                                                              "........"]))
    for fmt, b in (("xywh", [2, 1, 3, 2]), ("yxyx", [1, 2, 3, 5]), ("center_xywh", [3.5, 2, 3, 2]),
                   ("rel_xyxy", [2 / 8, 1 / 6, 5 / 8, 3 / 6])):
        other = draw(images, {"boxes": np.array([[b]], "float32"), "labels": np.array([[0]])}, fmt,
                     color=(10, 20, 30), line_thickness=1)
        np.testing.assert_array_equal(other, thin, err_msg=fmt)
    grey = draw(np.full((1, 6, 8, 3), 0.5, "float32"), boxes, "xyxy", line_thickness=1)
    assert grey[0, 0, 0].tolist() == [127, 127, 127] and grey[0, 1, 2].tolist() == [128, 128, 128]
    first = draw(images.transpose(0, 3, 1, 2), boxes, "xyxy", color=(10, 20, 30), line_thickness=1,
                 data_format="channels_first")
    np.testing.assert_array_equal(first, thin)


def test_draw_bounding_boxes_labels_and_errors(numpy_backend):
    """A mapped class gets its name written above the box (inside it when there is no room), in
    the box's color, longer with a confidence; unmapped classes get no text."""
    import numpy as np

    import dlx

    draw = dlx.visualization.draw_bounding_boxes
    images = np.zeros((1, 80, 120, 3), "uint8")
    boxes = {"boxes": np.array([[[20, 50, 100, 75]]], "float32"), "labels": np.array([[1]])}
    plain = draw(images, boxes, "xyxy", line_thickness=1, color=(0, 255, 0))
    named = draw(images, boxes, "xyxy", class_mapping={1: "cat"}, line_thickness=1, color=(0, 255, 0))
    text = named[0].any(-1) & ~plain[0].any(-1)
    ys, xs = np.nonzero(text)
    assert ys.size > 20 and ys.max() <= 50 - 8 and ys.min() >= 50 - 8 - 2 * 12 and xs.min() >= 20
    assert set(map(tuple, named[0][text])) <= {(0, v, 0) for v in range(256)}
    confident = draw(images, {**boxes, "confidences": np.array([[0.875]])}, "xyxy", class_mapping={1: "cat"},
                     line_thickness=1)
    assert confident[0].any(-1).sum() > named[0].any(-1).sum()
    low = draw(images, {"boxes": np.array([[[20, 5, 100, 70]]], "float32"), "labels": np.array([[1]])}, "xyxy",
               class_mapping={1: "cat"}, line_thickness=1)
    inside = low[0, 6:69, 21:99].any(-1)
    assert inside.sum() > 20 and np.nonzero(inside)[0].min() >= 5  # written below the top edge
    with pytest.raises(TypeError, match="dict"):
        draw(images, [1, 2], "xyxy")
    with pytest.raises(ValueError, match="labels"):
        draw(images, {"boxes": boxes["boxes"]}, "xyxy")
    with pytest.raises(ValueError, match="4-D"):
        draw(images[0], boxes, "xyxy")


def test_gallery_channels_first_is_transposed_once(numpy_backend, monkeypatch):
    """A channels-first batch shows the same pictures as its channels-last copy (Keras 3.15
    transposes it twice)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import dlx

    shown, close = [], plt.close

    def record(*args):
        shown.append([np.asarray(ax.get_images()[0].get_array()) for ax in plt.gcf().axes])
        close(*args)

    monkeypatch.setattr(plt, "close", record)
    images = np.random.default_rng(0).uniform(0, 255, size=(4, 5, 6, 3)).astype("float32")
    dlx.visualization.plot_image_gallery(images, path="/dev/null")
    dlx.visualization.plot_image_gallery(images.transpose(0, 3, 1, 2), data_format="channels_first", path="/dev/null")
    assert len(shown) == 2 and len(shown[0]) == 4
    for a, b in zip(*shown):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(shown[0][3], images[3].astype("uint8"))

"""The Keras 3 side of ``test_image_augmentation.py``, run in a subprocess with ``KERAS_BACKEND``
set by the caller. ``outputs DIR``: every fixed case's output, box case and bounding-box utility
result into ``DIR/keras.npz``, the configs into ``DIR/configs.json``, and a ``.keras`` file per
``SAVED`` case; ``load DIR``: Keras's outputs on dlx's ``dlx_<id>.keras`` files into
``DIR/keras_on_dlx.npz``."""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras
from image_aug_cases import BOX_CASES, FIXED, INPUTS, SAVED, box_input, build

BY_ID = {c[0]: c for c in FIXED}


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def fixed_boxes():
    """``(xy, wh, xyxy)``: three images' five fixed boxes (corners, sizes, xyxy)."""
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 40, (3, 5, 2)).astype("float32")
    wh = rng.uniform(1, 20, (3, 5, 2)).astype("float32")
    return xy, wh, np.concatenate([xy, xy + wh], -1)


def box_utils(boxes_mod, out, convert):
    """The bounding-box utilities on fixed inputs; results into ``out`` (keys ``bb/...``)."""
    xy, wh, xyxy = fixed_boxes()
    fmts = ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"]
    for src in fmts:
        for dst in ("xyxy", "center_yxhw", "rel_xywh", "yxyx"):
            out[f"bb/convert/{src}/{dst}"] = convert(boxes_mod.convert_format(xyxy, src, dst, height=48, width=64))
    clipped = boxes_mod.clip_to_image_size({"boxes": xyxy - 10.0, "labels": np.arange(15).reshape(3, 5)},
                                           height=30, width=25)
    out["bb/clip/boxes"], out["bb/clip/labels"] = convert(clipped["boxes"]), convert(clipped["labels"])
    out["bb/iou"] = convert(boxes_mod.compute_iou(xyxy[0], xyxy[1], "xyxy"))
    out["bb/iou_batched"] = convert(boxes_mod.compute_iou(xyxy, xyxy[::-1], "yxyx"))
    masked = xyxy.copy()
    masked[0, 1] = -1
    out["bb/iou_masked"] = convert(boxes_mod.compute_iou(masked, xyxy, "xyxy", use_masking=True, mask_val=-3))
    out["bb/ciou"] = convert(boxes_mod.compute_ciou(xyxy, xyxy[::-1], "xyxy"))
    out["bb/ciou_center"] = convert(boxes_mod.compute_ciou(xyxy, xyxy[:, ::-1], "center_xywh"))
    angle = np.array([10.0, -25.0, 90.0], "float32")
    out["bb/affine"] = convert(boxes_mod.affine_transform(
        xyxy, angle, np.array([0.1, 0.0, -0.2], "float32"), np.array([0.0, 0.05, 0.1], "float32"),
        np.array([1.0, 1.2, 0.8], "float32"), np.array([5.0, 0.0, -10.0], "float32"),
        np.array([0.0, 8.0, 3.0], "float32"), 48, 64))
    # more angles / scales / shears, an off-centre pivot, and the pixel-centre translation (0.1 * 99)
    for i, (ang, tx, ty, sc, shx, shy, cx, cy) in enumerate([(0, 0.1, 0, 1, 0, 0, None, None),
                                                             (45, 0, -0.1, 0.5, 0, 0, 0.2, 0.9),
                                                             (-120, 0.3, 0.2, 2, -15, 20, 0, 1)]):
        one = [np.full((3,), v, "float32") for v in (ang, tx, ty, sc, shx, shy)]
        out[f"bb/affine{i}"] = convert(boxes_mod.affine_transform(xyxy, *one, 100, 100, center_x=cx, center_y=cy))
    out["bb/affine_one"] = convert(boxes_mod.affine_transform(  # one image's boxes, batched (Keras needs a batch)
        xyxy[:1], *(np.array([v], "float32") for v in (30, 0.1, -0.2, 1.3, 10, 5)), 80, 120))
    out["bb/crop"] = convert(boxes_mod.crop(xyxy, 5, 7, 30, 25))
    out["bb/pad"] = convert(boxes_mod.pad(xyxy, 5, 7))
    anchors = np.concatenate([xy + 1.0, xy + wh * 1.3], -1).astype("float32")
    enc = boxes_mod.encode_box_to_deltas(anchors, xyxy, "xyxy", "xyxy")
    out["bb/encode"] = convert(enc)
    out["bb/encode_var"] = convert(boxes_mod.encode_box_to_deltas(anchors, xyxy, "xyxy", "xywh",
                                                                  encoding_format="center_xywh",
                                                                  variance=[0.1, 0.1, 0.2, 0.2]))
    out["bb/decode"] = convert(boxes_mod.decode_deltas_to_boxes(anchors, _np_or(enc, convert), "xyxy", "xywh"))
    out["bb/decode_var"] = convert(boxes_mod.decode_deltas_to_boxes(
        anchors, _np_or(enc, convert), "xyxy", "rel_xyxy", encoded_format="center_xywh", variance=[0.1, 0.1, 0.2, 0.2],
        image_shape=(48, 64, 3)))


def _np_or(x, convert):
    return np.asarray(convert(x))


def main(cmd, folder):
    if cmd == "outputs":
        outs, configs = {}, {}
        for cid, name, kwargs, inp, call_kwargs in FIXED:
            layer = build(keras.layers, name, kwargs)
            outs[cid] = _np(layer(INPUTS[inp], **call_kwargs))
            configs[cid] = layer.get_config()
        for cid, name, kwargs in BOX_CASES:
            layer = build(keras.layers, name, kwargs)
            res = layer(box_input(kwargs["bounding_box_format"]))
            outs[f"{cid}/images"] = _np(res["images"])
            outs[f"{cid}/boxes"] = _np(res["bounding_boxes"]["boxes"])
            outs[f"{cid}/labels"] = _np(res["bounding_boxes"]["labels"])
        box_utils(keras.utils.bounding_boxes, outs, _np)
        np.savez(os.path.join(folder, "keras.npz"), **outs)
        with open(os.path.join(folder, "configs.json"), "w") as f:
            json.dump(configs, f, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
        for cid in SAVED:
            _, name, kwargs, inp, _ = BY_ID[cid]
            layer = build(keras.layers, name, kwargs)
            model = keras.Sequential([keras.Input(INPUTS[inp].shape[1:]), layer])
            model.save(os.path.join(folder, f"{cid}.keras"))
    elif cmd == "load":
        outs = {}
        for cid in SAVED:
            _, name, kwargs, inp, call_kwargs = BY_ID[cid]
            model = keras.models.load_model(os.path.join(folder, f"dlx_{cid}.keras"))
            outs[cid] = _np(model.layers[-1](INPUTS[inp], **call_kwargs))
        np.savez(os.path.join(folder, "keras_on_dlx.npz"), **outs)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

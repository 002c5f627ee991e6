"""Developer-side script: Keras's parameter counts (and output shapes, names of the layers with
weights) of every ``keras.applications`` model, written once to
``tests/goldens/applications.json`` so that the tests need not build 34 Keras models.

    KERAS_BACKEND=numpy python plugins/dlx-hub/tools/make_application_goldens.py

``describe(name)`` is also what the live test runs in a Keras subprocess for a few models.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import sys

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "tests" / "goldens" / "applications.json"

# the smallest input each model accepts without a top (the tests build at these sizes)
MIN_SIDE = {"Xception": 71, "InceptionV3": 75, "InceptionResNetV2": 75}
MODELS = ("ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge", "DenseNet121",
          "DenseNet169", "DenseNet201", *(f"EfficientNetB{i}" for i in range(8)),
          *(f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")), "InceptionResNetV2",
          "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small", "NASNetLarge",
          "NASNetMobile", "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2", "VGG16",
          "VGG19", "Xception")


def input_shape(name):
    side = MIN_SIDE.get(name, 32)
    return (side, side, 3)


# layers Keras leaves unnamed get session-dependent names (``conv2d_37``): only their kind counts
_AUTO = re.compile(r"^(conv2d|batch_normalization|dense|depthwise_conv2d|separable_conv2d|normalization)(_\d+)?$")


def names_digest(names):
    """A short digest of the layer names, in sorted order, automatic names reduced to their kind."""
    names = sorted(_AUTO.sub(r"\1", n) for n in names)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def describe_model(model):
    """What the golden holds of one model (the same function reads a Keras or a dlx model)."""
    weighted = [layer.name for layer in model.layers if layer.weights]
    return {"params": int(model.count_params()), "output_shape": list(model.output.shape[1:]),
            "weighted_layers": len(weighted), "weighted_names": names_digest(weighted)}


def describe(name):
    import keras

    model = getattr(keras.applications, name)(weights=None, input_shape=input_shape(name))
    return describe_model(model)


def main(argv):
    import keras

    names = argv or MODELS
    out = {"keras_version": keras.__version__, "models": {}}
    if not argv and GOLDEN.exists():
        out["models"] = json.loads(GOLDEN.read_text(encoding="utf-8"))["models"]
    for name in names:
        if name in out["models"] and not argv:
            continue
        out["models"][name] = {"input_shape": list(input_shape(name)), **describe(name)}
        print(name, out["models"][name], flush=True)
        if not argv:  # written after each model: an interrupted run resumes
            GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if argv:
        print(json.dumps(out))


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    main(sys.argv[1:])

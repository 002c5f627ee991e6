"""The issue's "Done when" examples.

1. An MLP with Dropout as Sequential, as Functional and as a subclassed Model: build, summarize,
   run forward on every backend; identical weights give outputs equal to the float64 NumPy oracle
   within PARITY.md's class (so equal across backends).
2. A Functional ResNet-style block (two inputs, a shared layer, a skip connection, two outputs)
   built with no framework imported (checked in a subprocess), then run on every backend.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import numpy as np

import dlx
from dlx import layers as L
from dlx import ops


def sequential_mlp():
    return dlx.Sequential([dlx.Input(shape=(8,)), L.Dense(16, activation="relu"), L.Dropout(0.5),
                           L.Dense(16, activation="relu"), L.Dropout(0.5), L.Dense(3)], name="mlp")


def functional_mlp():
    inp = dlx.Input(shape=(8,), name="features")
    x = L.Dense(16, activation="relu")(inp)
    x = L.Dropout(0.5)(x)
    x = L.Dense(16, activation="relu")(x)
    x = L.Dropout(0.5)(x)
    return dlx.Model(inp, L.Dense(3)(x), name="mlp")


class SubclassedMLP(dlx.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [L.Dense(16, activation="relu"), L.Dense(16, activation="relu")]
        self.drops = [L.Dropout(0.5), L.Dropout(0.5)]
        self.head = L.Dense(3)

    def call(self, x, training=False):
        for dense, drop in zip(self.hidden, self.drops):
            x = drop(dense(x), training=training)
        return self.head(x)


def subclassed_mlp():
    m = SubclassedMLP(name="mlp")
    m.build((None, 8))
    return m


BUILDERS = {"sequential": sequential_mlp, "functional": functional_mlp, "subclassed": subclassed_mlp}
X = np.random.RandomState(0).standard_normal((4, 8)).astype(np.float32)
WEIGHTS = [np.random.RandomState(i).standard_normal(s).astype(np.float32) * 0.5
           for i, s in enumerate([(8, 16), (16,), (16, 16), (16,), (16, 3), (3,)])]


def _oracle():
    with dlx.backend.use("numpy"):
        m = dlx.Sequential([dlx.Input(shape=(8,)), L.Dense(16, activation="relu", dtype="float64"),
                            L.Dense(16, activation="relu", dtype="float64"), L.Dense(3, dtype="float64")])
        m.set_weights([w.astype(np.float64) for w in WEIGHTS])
        return np.asarray(m(X.astype(np.float64)))


def test_three_mlps_build_summarize_and_agree(backend, check_parity):
    ref = _oracle()
    for kind, build in BUILDERS.items():
        model = build()
        assert model.built and model.count_params() == 8 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3
        lines = []
        model.summary(print_fn=lines.append)
        text = "\n".join(lines)
        assert "Total params: 467" in text and "Dense" in text, text
        model.set_weights(WEIGHTS)
        out = np.asarray(ops.convert_to_numpy(model(ops.convert_to_tensor(X))))
        assert out.shape == (4, 3) and out.dtype == np.float32
        check_parity(out, ref, contraction=16, depth=6, what=f"{kind} on {backend.name}")
        if backend.capabilities.training:
            train = np.asarray(ops.convert_to_numpy(model(ops.convert_to_tensor(X), training=True)))
            assert not np.allclose(train, out), f"{kind}: dropout must act in training"


def test_three_mlps_have_the_same_structure(numpy_backend):
    shapes = {k: [v.shape for v in b().weights] for k, b in BUILDERS.items()}
    assert shapes["sequential"] == shapes["functional"] == shapes["subclassed"]
    seq_cfg = json.loads(json.dumps(dlx.saving.serialize(sequential_mlp())))
    fun_cfg = json.loads(json.dumps(dlx.saving.serialize(functional_mlp())))
    assert type(dlx.saving.deserialize(seq_cfg)).__name__ == "Sequential"
    assert type(dlx.saving.deserialize(fun_cfg)).__name__ == "Functional"


RESNET_BLOCK = textwrap.dedent('''
    import dlx
    from dlx import layers as L

    def resnet_block():
        image = dlx.Input(shape=(8, 8, 3), name="image")
        meta = dlx.Input(shape=(4,), name="meta")
        shared = L.Conv2D(3, 3, padding="same", name="shared_conv")   # used twice
        x = shared(image)
        x = L.BatchNormalization(name="bn")(x)
        x = L.Activation("relu")(x)
        x = shared(x)
        x = L.Add(name="skip")([x, image])                              # skip connection
        pooled = L.GlobalAveragePooling2D()(x)
        m = L.Dense(3, activation="tanh", name="meta_proj")(meta)
        h = L.Concatenate()([pooled, m])
        logits = L.Dense(5, name="logits")(h)
        aux = L.Dense(1, activation="sigmoid", name="aux")(pooled)
        return dlx.Model({"image": image, "meta": meta}, [logits, aux], name="resnet_block")
''')


def _resnet_block():
    ns: dict = {}
    exec(RESNET_BLOCK, ns)
    return ns["resnet_block"]()


def test_resnet_block_builds_with_no_framework_imported():
    code = RESNET_BLOCK + textwrap.dedent('''
        import json, sys
        model = resnet_block()
        lines = []
        model.summary(print_fn=lines.append)
        cfg = json.dumps(dlx.saving.serialize(model))
        frameworks = sorted(m for m in sys.modules if m.split(".")[0] in ("jax", "jaxlib", "torch", "tensorflow",
                                                                           "openvino", "keras"))
        from dlx.ops.dispatch import STATE
        print(json.dumps({"frameworks": frameworks, "backend": getattr(STATE.backend, "name", None),
                          "params": model.count_params(), "deferred": all(v.deferred for v in model.variables),
                          "summary": "\\n".join(lines), "outputs": [list(t.shape) for t in model.outputs]}))
    ''')
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "DLX_BACKEND": ""})
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout.strip().splitlines()[-1])
    assert info["frameworks"] == [], info["frameworks"]
    assert info["backend"] is None
    assert info["deferred"] is True
    assert info["params"] == 84 + 12 + 15 + 35 + 4
    assert info["outputs"] == [[None, 5], [None, 1]]
    assert "shared_conv" in info["summary"] and "Connected to" in info["summary"]


def test_resnet_block_runs_on_every_backend(backend, check_parity):
    rng = np.random.RandomState(1)
    image = rng.standard_normal((2, 8, 8, 3)).astype(np.float32)
    meta = rng.standard_normal((2, 4)).astype(np.float32)
    with dlx.backend.use("numpy"):
        ref_model = _resnet_block()
        weights = [w + 0.1 * rng.standard_normal(w.shape).astype(np.float32) for w in ref_model.get_weights()]
        weights[5] = np.abs(weights[5]) + 0.5  # moving variance
        cfg = dlx.saving.serialize(ref_model)
    model = dlx.saving.deserialize(cfg)  # the same graph, rebuilt from its config, on this backend
    model.set_weights(weights)
    logits, aux = model({"image": ops.convert_to_tensor(image), "meta": ops.convert_to_tensor(meta)})
    with dlx.backend.use("numpy"):
        cfg64 = json.loads(json.dumps(cfg))
        for layer_cfg in cfg64["config"]["layers"]:
            layer_cfg["config"]["dtype"] = "float64" if layer_cfg["class_name"] == "InputLayer" else {
                "module": "dlx.dtype_policies", "class_name": "DTypePolicy", "config": {"name": "float64"},
                "registered_name": None}
        m64 = dlx.saving.deserialize(cfg64)
        m64.set_weights([w.astype(np.float64) for w in weights])
        r_logits, r_aux = m64({"image": image.astype(np.float64), "meta": meta.astype(np.float64)})
    check_parity(ops.convert_to_numpy(logits), r_logits, contraction=27, depth=12, what=f"logits on {backend.name}")
    check_parity(ops.convert_to_numpy(aux), r_aux, contraction=27, depth=12, what=f"aux on {backend.name}")


def test_resnet_block_structure(numpy_backend):
    model = _resnet_block()
    shared = model.get_layer("shared_conv")
    assert len(shared._inbound_nodes) == 2
    assert [la.name for la in model.layers][:2] == ["image", "meta"]
    buf = io.StringIO()
    model.summary(print_fn=lambda s: buf.write(s + "\n"))
    assert "skip (Add)" in buf.getvalue() and "shared_conv[1][0], image[0][0]" in buf.getvalue()

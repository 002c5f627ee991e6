"""Sequential, Functional and subclassed models: construction, graph features, config, summary,
plot_model, and the mixin-friendly Model constructor."""

from __future__ import annotations

import json
import re
import shutil
import sys

import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx import ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


# ------------------------------------------------------------------------------ Sequential
def test_sequential_variants(numpy_backend):
    x = np.ones((2, 4), np.float32)
    a = dlx.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2)])
    assert a.built and a.input_shape == (None, 4) and a.output_shape == (None, 2)
    b = dlx.Sequential()
    b.add(dlx.Input(shape=(4,)))
    b.add(L.Dense(3))
    assert b.built and b.output_shape == (None, 3)
    c = dlx.Sequential([L.Dense(3), L.Dense(2)])
    assert not c.built
    assert _np(c(x)).shape == (2, 2) and c.built and c.input_shape == (None, 4)
    d = dlx.Sequential([L.Dense(3), L.Dense(2)])
    d.build((None, 4))
    assert d.count_params() == 15 + 8
    popped = d.pop()
    assert isinstance(popped, L.Dense) and len(d.layers) == 1 and d.output_shape == (None, 3)
    assert d.weights[0].path.startswith(d.name + "/")


def test_sequential_errors(numpy_backend):
    s = dlx.Sequential([dlx.Input(shape=(3,))])
    with pytest.raises(ValueError, match=r"Only instances of dlx\.layers\.Layer"):
        s.add("dense")
    with pytest.raises(ValueError, match="already has an input layer"):
        s.add(dlx.Input(shape=(3,)))
    d = L.Dense(2, name="same")
    s.add(d)
    with pytest.raises(ValueError, match="unique names"):
        s.add(L.Dense(2, name="same"))
    with pytest.raises(ValueError, match="build\\(\\) received the incompatible input_shape"):
        s.build((None, 5))


def test_sequential_config_round_trip(numpy_backend):
    s = dlx.Sequential([dlx.Input(shape=(6,)), L.Dense(4, activation="relu"), L.Dropout(0.1), L.Dense(1)],
                       name="seq")
    cfg = json.loads(json.dumps(dlx.saving.serialize(s)))
    assert cfg["class_name"] == "Sequential" and cfg["config"]["build_input_shape"] == [None, 6]
    again = dlx.saving.deserialize(cfg)
    assert again.built and [type(la) for la in again.layers] == [type(la) for la in s.layers]
    again.set_weights(s.get_weights())
    x = np.random.RandomState(0).standard_normal((3, 6)).astype(np.float32)
    np.testing.assert_array_equal(_np(again(x)), _np(s(x)))
    j = dlx.models.model_from_json(s.to_json())
    assert [v.shape for v in j.weights] == [v.shape for v in s.weights]


# ------------------------------------------------------------------------------ Functional
def test_functional_multi_io_dict_shared_and_nested(backend):
    a = dlx.Input(shape=(4,), name="a")
    b = dlx.Input(shape=(4,), name="b")
    shared = L.Dense(3, name="shared")
    ha, hb = shared(a), shared(b)
    inner_in = dlx.Input(shape=(3,))
    inner = dlx.Model(inner_in, L.Dense(2, name="inner_dense")(inner_in), name="inner")
    out1 = inner(L.Add(name="plus")([ha, hb]))
    out2 = L.Concatenate(name="cat")([ha, hb, a])
    model = dlx.Model({"a": a, "b": b}, {"sum": out1, "cat": out2}, name="multi")
    assert [la.name for la in model.layers] == ["a", "b", "shared", "cat", "plus", "inner"]
    assert len(model.weights) == 4
    xa = np.random.RandomState(0).standard_normal((2, 4)).astype(np.float32)
    xb = np.random.RandomState(1).standard_normal((2, 4)).astype(np.float32)
    res = model({"a": ops.convert_to_tensor(xa), "b": ops.convert_to_tensor(xb)})
    assert set(res) == {"sum", "cat"}
    w, bias = (v.numpy() for v in shared.weights)
    iw, ib = (v.numpy() for v in inner.weights)
    expect = ((xa @ w + bias) + (xb @ w + bias)) @ iw + ib
    np.testing.assert_allclose(_np(res["sum"]), expect, rtol=1e-5, atol=1e-5)
    assert _np(res["cat"]).shape == (2, 10)


def test_functional_list_inputs_and_name_mapping(numpy_backend):
    a, b = dlx.Input(shape=(2,), name="left"), dlx.Input(shape=(2,), name="right")
    m = dlx.Model([a, b], L.Subtract()([a, b]))
    x, y = np.ones((1, 2), np.float32), np.zeros((1, 2), np.float32)
    np.testing.assert_array_equal(_np(m([x, y])), [[1, 1]])
    np.testing.assert_array_equal(_np(m({"left": x, "right": y})), [[1, 1]])
    with pytest.raises(ValueError, match="expects 2 input"):
        m([x])
    with pytest.raises(ValueError, match="missing input"):
        m({"left": x})


def test_functional_config_round_trip_with_shared_and_nested(numpy_backend):
    a = dlx.Input(shape=(4,), name="a")
    b = dlx.Input(shape=(4,), name="b")
    shared = L.Dense(3, name="shared")
    inner_in = dlx.Input(shape=(3,))
    inner = dlx.Model(inner_in, L.Dense(2)(inner_in), name="inner")
    y = inner(L.Add(name="plus")([shared(a), shared(b)]))
    model = dlx.Model([a, b], [y, shared(a)], name="m")
    cfg = json.loads(json.dumps(dlx.saving.serialize(model)))
    layer_names = [la["name"] for la in cfg["config"]["layers"]]
    assert layer_names == ["a", "b", "shared", "plus", "inner"]
    shared_cfg = cfg["config"]["layers"][2]
    assert len(shared_cfg["inbound_nodes"]) == 3
    arg = shared_cfg["inbound_nodes"][1]["args"][0]
    assert arg["class_name"] == "__keras_tensor__" and arg["config"]["keras_history"] == ["b", 0, 0]
    assert cfg["config"]["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    again = dlx.saving.deserialize(cfg)
    again.set_weights(model.get_weights())
    xs = [np.random.RandomState(i).standard_normal((2, 4)).astype(np.float32) for i in range(2)]
    for u, v in zip(again(xs), model(xs)):
        np.testing.assert_allclose(_np(u), _np(v), rtol=1e-6)


def test_graph_errors(numpy_backend):
    a, b = dlx.Input(shape=(3,), name="a"), dlx.Input(shape=(3,), name="b")
    out = L.Add()([a, b])
    with pytest.raises(ValueError, match=r"Graph disconnected.*layer 'b'"):
        dlx.Model(a, out)
    with pytest.raises(ValueError, match=r"not produced by a dlx layer or op"):
        dlx.Model(a, ops.SymbolicTensor((None, 3)))
    assert dlx.Model(a, ops.square(a)).operations[-1].op == "square"  # raw ops are graph nodes (operations, not layers, as in Keras)
    with pytest.raises(ValueError, match="symbolic tensor"):
        dlx.Model(a, np.ones(3))


def test_functional_with_masks_and_rnn(numpy_backend):
    tok = dlx.Input(shape=(None,), dtype="int32")
    x = L.Embedding(20, 4, mask_zero=True)(tok)
    x = L.Bidirectional(L.GRU(3, return_sequences=True))(x)
    x = L.GlobalAveragePooling1D()(x)
    m = dlx.Model(tok, L.Dense(1)(x))
    assert m.output_shape == (None, 1)
    seq = np.array([[4, 2, 0, 0]], np.int32)
    a = _np(m(seq))
    b = _np(m(np.array([[4, 2, 0, 0, 0, 0]], np.int32)))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_subclassed_functional_model(numpy_backend):
    class Net(dlx.Model):
        def __init__(self):
            inp = dlx.Input(shape=(3,))
            super().__init__(inp, L.Dense(2)(inp), name="net")
            self.extra = 1

    n = Net()
    assert isinstance(n, Net) and isinstance(n, dlx.models.Functional) and n.extra == 1
    assert _np(n(np.ones((1, 3), np.float32))).shape == (1, 2)
    assert type(n).__name__ == "Net"


# ------------------------------------------------------------------------------ subclassed
def test_subclassed_model_tracking_paths_and_config(numpy_backend):
    class Tower(dlx.Model):
        def __init__(self, width=4, **kwargs):
            super().__init__(**kwargs)
            self.width = width
            self.blocks = [L.Dense(width, activation="relu") for _ in range(2)]
            self.norm = L.LayerNormalization()
            self.out = L.Dense(1)

        def call(self, x):
            for blk in self.blocks:
                x = blk(x)
            return self.out(self.norm(x))

    t = Tower(width=5, name="tower")
    t(np.ones((2, 3), np.float32))
    assert [v.path.split("/")[0] for v in t.weights] == ["tower"] * 8
    assert t.get_layer(index=2) is t.norm and t.get_layer(t.out.name) is t.out
    with pytest.raises(ValueError, match="No such layer: 'nope'"):
        t.get_layer("nope")
    cfg = dlx.saving.serialize(t)
    assert cfg["config"]["width"] == 5
    again = dlx.saving.deserialize(cfg, custom_objects={"Tower": Tower})
    assert again.width == 5 and again.name == "tower"
    lines = []
    t.summary(print_fn=lines.append)
    assert any("dense" in ln and "(2, 5)" in ln for ln in lines)


def test_model_accepts_a_mixin_base(numpy_backend):
    calls = []

    class TrainerLike:
        def __init__(self):
            calls.append("trainer")
            self.compiled = False

        def compile(self):
            self.compiled = True

    class MixedModel(dlx.Model, TrainerLike):
        pass

    class Sub(MixedModel):
        def __init__(self):
            super().__init__(name="sub")
            self.d = L.Dense(1)

        def call(self, x):
            return self.d(x)

    s = Sub()
    assert calls == ["trainer"] and s.compiled is False and s.name == "sub"
    inp = dlx.Input(shape=(2,))
    f = MixedModel(inp, L.Dense(1)(inp))
    assert isinstance(f, dlx.models.Functional) and calls == ["trainer", "trainer"] and not f.compiled
    seq_calls = len(calls)
    dlx.Sequential([L.Dense(1)])
    assert len(calls) == seq_calls  # plain Sequential has no mixin


# ------------------------------------------------------------------------------ summary / plot
def test_summary_and_plot_model(numpy_backend, tmp_path, monkeypatch):
    a = dlx.Input(shape=(3,), name="x")
    h = L.Dense(4, name="h")(a)
    m = dlx.Model(a, [L.Dense(1, name="o1")(h), L.Dense(2, name="o2")(h)], name="two_heads")
    lines = []
    m.summary(print_fn=lines.append, show_trainable=True)
    text = "\n".join(lines)
    for piece in ("two_heads", "Connected to", "h (Dense)", "(None, 4)", "Total params: 31", "Trainable"):
        assert piece in text, text
    dot = dlx.utils.model_to_dot(m, show_shapes=True)
    assert dot.startswith('digraph "two_heads"') and dot.count("->") == 3 and "(None, 4)" in dot
    path = dlx.utils.plot_model(m, to_file=str(tmp_path / "m.dot"))
    assert (tmp_path / "m.dot").read_text() == dlx.utils.model_to_dot(m, show_layer_names=False) and path.endswith("m.dot")
    if shutil.which("dot") is None:
        # a script, not an IPython session (importing TensorFlow loads IPython's module when installed)
        monkeypatch.delitem(sys.modules, "IPython.core.magics.namespace", raising=False)
        with pytest.raises(ImportError, match=r"Graphviz.*apt-get install graphviz"):
            dlx.utils.plot_model(m, to_file=str(tmp_path / "m.png"))
    else:
        dlx.utils.plot_model(m, to_file=str(tmp_path / "m.svg"))  # the default dpi=200
        svg = (tmp_path / "m.svg").read_text()
        # drawn at its own size: at a dpi other than 72 Graphviz scales the drawing inside its
        # unscaled canvas, and only the top-left corner shows
        assert "<svg" in svg and re.search(r'class="graph" transform="scale\(1 1\)', svg), svg[:600]


def test_clone_model_and_clear_session(numpy_backend):
    m = dlx.Sequential([dlx.Input(shape=(2,)), L.Dense(3)])
    c = dlx.models.clone_model(m)
    assert c is not m and [v.shape for v in c.weights] == [v.shape for v in m.weights]
    dlx.utils.clear_session()
    assert L.Dense(1).name == "dense"


# ------------------------------------------------------------------------------ Functional memory
def test_functional_call_frees_each_activation_after_its_last_reader(numpy_backend):
    # a deep model's call must hold only its live activations (the peak memory of predict), not
    # every intermediate until it returns; a tensor read twice (the skip below) lives until its
    # second reader, and model outputs are kept
    import weakref

    class Probe(L.Layer):
        """Records a weak reference to what it returns, and which earlier results are gone."""

        def __init__(self, log, **kw):
            super().__init__(**kw)
            self.log = log

        def call(self, x):
            self.log["gone_before_" + self.name] = sorted(k for k, r in self.log["refs"].items() if r() is None)
            out = np.asarray(x) + 1.0
            self.log["refs"][self.name] = weakref.ref(out)
            return out

    log = {"refs": {}}
    x = dlx.Input((3,))
    a = Probe(log, name="a")(x)
    b = Probe(log, name="b")(a)
    c = Probe(log, name="c")(b)
    d = Probe(log, name="d")(L.Add()([c, a]))  # a is read again here
    e = Probe(log, name="e")(d)
    model = dlx.Model(x, [e, c])
    log["refs"].clear()
    out_e, out_c = model(np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(_np(out_e), np.full((2, 3), 6.0))  # a 1, b 2, c 3, c + a 4, d 5, e 6
    np.testing.assert_array_equal(_np(out_c), np.full((2, 3), 3.0))
    assert log["gone_before_c"] == []  # a (read again later) and b (c reads it) are alive
    assert log["gone_before_d"] == ["a", "b"]  # after the Add, nothing reads them
    assert log["gone_before_e"] == ["a", "b"]  # c is an output: kept


def test_a_deep_copied_functional_model_runs(numpy_backend):
    # the copy's graph has new symbolic tensors: what call frees must be the copy's own
    import copy

    x = dlx.Input((3,))
    a = L.Dense(4)(x)
    model = dlx.Model(x, L.Dense(2)(L.Add()([a, a])))
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    twin = copy.deepcopy(model)
    np.testing.assert_array_equal(_np(twin(data)), _np(model(data)))

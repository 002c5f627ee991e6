"""``keras.utils.plot_model`` / ``model_to_dot`` when the drawing tools are missing, as Keras 3 does it.

Keras needs pydot for everything and Graphviz for pictures; dlx writes DOT itself and needs only
Graphviz. With each library's tool missing, the same programs behave alike: ``ImportError``
in a script; in an IPython session (``IPython.core.magics.namespace`` loaded) the install hint
is printed, ``None`` returned and nothing written; an unbuilt model is a ``ValueError`` first.
"""

from __future__ import annotations

import pytest

import dlx
from dlx import layers as L

from . import same_program

_SETUP = """
    import contextlib, io, os, sys, tempfile, types
    if keras.__name__ == "keras":
        from keras.src.utils import model_visualization as mv
        mv.pydot = None  # pydot missing (it is absent here; forced where it is installed)
    else:
        import dlx.utils.plot as plot
        plot.shutil = types.SimpleNamespace(which=lambda name: None)  # Graphviz's `dot` missing
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    target = os.path.join(tempfile.mkdtemp(), "model.png")
"""
_SNIPPETS = {
    # importing TensorFlow (Keras does, whatever its backend) loads IPython's module when IPython is
    # installed, so Keras 3 prints instead of raising in any such process: a plain script has it not
    "script": _SETUP + """
    sys.modules.pop("IPython.core.magics.namespace", None)
    keras.utils.plot_model(model, to_file=target)
    """,
    "notebook": _SETUP + """
    sys.modules["IPython.core.magics.namespace"] = types.ModuleType("IPython.core.magics.namespace")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = keras.utils.plot_model(model, to_file=target, show_shapes=True)
    print(result is None, "install" in printed.getvalue(), os.path.exists(target))
    """,
    "unbuilt": _SETUP + """
    keras.utils.plot_model(keras.Sequential([keras.layers.Dense(2)]), to_file=target)
    """,
    "unbuilt_to_dot": _SETUP + """
    keras.utils.model_to_dot(keras.Sequential([keras.layers.Dense(2)]))
    """,
}


@pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")
def test_missing_tools_behave_as_in_keras():
    theirs = same_program.run(_SNIPPETS, "keras", "jax")
    mine = same_program.run(_SNIPPETS, "dlx", "numpy")
    assert theirs == {"script": "raises ImportError", "notebook": "True True False\n", "unbuilt": "raises ValueError",
                      "unbuilt_to_dot": "raises ValueError"}
    assert mine == theirs


def test_arguments_and_expand_nested(numpy_backend, tmp_path):
    inner = dlx.Sequential([dlx.Input((3,), name="inner_in"), L.Dense(4, name="i1"), L.Dense(2, name="i2")], name="inner")
    a = dlx.Input((3,), name="a")
    model = dlx.Model(a, L.Dense(1, name="head")(inner(a)), name="outer")
    with pytest.raises(ValueError, match="layer_range is no longer supported"):
        dlx.utils.plot_model(model, to_file=str(tmp_path / "m.dot"), layer_range=["a", "head"])
    with pytest.raises(ValueError, match=r"unrecognized keyword arguments \['colour'\]"):
        dlx.utils.model_to_dot(model, colour="red")
    flat = dlx.utils.model_to_dot(model, show_layer_names=True)
    assert "cluster" not in flat and "i1 (Dense)" not in flat and flat.count("->") == 2
    nested = dlx.utils.model_to_dot(model, show_layer_names=True, expand_nested=True)
    lines = [s.strip() for s in nested.splitlines()]
    assert 'subgraph "cluster_n1" {' in lines and 'graph [label="inner", style=dashed, labeljust=l];' in lines
    ids = {line.split(" [label=")[1].split(" (")[0].strip('"'): line.split(" ")[0] for line in lines
           if "[label=" in line and "(" in line}
    edges = {tuple(line.rstrip(";").split(" -> ")) for line in lines if "->" in line}
    # the outer input enters the cluster at its input; the cluster's last layer feeds the head
    assert edges == {(ids["a"], ids["inner_in"]), (ids["inner_in"], ids["i1"]), (ids["i1"], ids["i2"]),
                     (ids["i2"], ids["head"])}

"""``plot_model``: the model's layer graph as Graphviz DOT, rendered to PNG/SVG/PDF by Graphviz.

DOT text is produced without any dependency (``to_file="model.dot"``); pictures need Graphviz's
``dot`` program on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess


def _esc(s: str) -> str:
    return str(s).replace("\\", "\\\\").replace('"', '\\"').replace("<", "&lt;").replace(">", "&gt;")


def _graph(model):
    """``(layers, edges)`` with edges ``(src_layer, dst_layer)``."""
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    if isinstance(model, Sequential):
        g = model._functional
        if g is None:
            layers = model.layers
            return layers, list(itertools.pairwise(layers))
        model = g
    if isinstance(model, Functional):
        edges = []
        for node in model._graph_nodes:
            for t in node.input_tensors:
                h = t._history
                if h is not None:
                    edges.append((h.layer, node.layer))
        return list(model.layers), edges
    layers = list(model.layers)
    return layers, []


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
                 **kwargs) -> str:
    """The model's layer graph as Graphviz DOT source (one box per layer, one edge per
    connection; ``show_shapes`` adds output shapes, ``show_dtype`` the compute dtype,
    ``show_layer_activations`` the activation, ``show_trainable`` a trainable flag).
    ``subgraph=True`` gives a ``subgraph cluster_<name>`` block to embed in another graph;
    ``splines`` is Graphviz's edge style (``"ortho"``, ``"curved"``, ``"line"``...)."""
    from dlx.utils.summary import _fmt_shape, _output_shape

    if kwargs:
        raise TypeError(f"model_to_dot: unexpected keyword argument(s) {sorted(kwargs)}")
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"model_to_dot: rankdir={rankdir!r}; expected 'TB', 'LR', 'BT' or 'RL'")
    layers, edges = _graph(model)
    head = f'subgraph "cluster_{_esc(model.name)}" {{' if subgraph else f'digraph "{_esc(model.name)}" {{'
    lines = [head, f'  graph [rankdir={rankdir}, dpi={int(dpi)}, splines={_esc(splines)}'
             + (f', label="{_esc(model.name)}"' if subgraph else "") + "];",
             '  node [shape=record, fontname="Helvetica", fontsize=11];']
    ids = {id(la): f"n{i}" for i, la in enumerate(layers)}
    for la in layers:
        title = f"{la.name} ({type(la).__name__})" if show_layer_names else type(la).__name__
        parts = [_esc(title)]
        if show_layer_activations and hasattr(la, "activation"):
            act = getattr(la.activation, "__name__", type(la.activation).__name__)
            parts.append(f"activation: {_esc(act)}")
        if show_shapes:
            parts.append(f"output: {_esc(_fmt_shape(_output_shape(la)))}")
        if show_dtype:
            parts.append(f"dtype: {_esc(la.compute_dtype)}")
        if show_trainable:
            parts.append(f"trainable: {'yes' if la.trainable else 'no'}")
        label = "{" + "|".join(parts) + "}" if len(parts) > 1 else parts[0]
        lines.append(f'  {ids[id(la)]} [label="{label}"];')
    seen = set()
    for a, b in edges:
        if id(a) in ids and id(b) in ids and (id(a), id(b)) not in seen:
            seen.add((id(a), id(b)))
            lines.append(f"  {ids[id(a)]} -> {ids[id(b)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
               **kwargs) -> str | None:
    """Writes the model's graph to ``to_file``; the extension picks the format.

    ``.dot`` / ``.gv`` write DOT text (no dependency). ``.png``, ``.svg``, ``.pdf``, ``.jpg`` run
    Graphviz's ``dot`` program. Without it, as Keras: where IPython is installed (Keras's import
    loads it, so a notebook or a script alike), the message is printed, nothing is written and
    ``None`` is returned, so a program's illustration does not end the program; otherwise it raises.

    Returns:
        ``to_file``, or ``None`` when Graphviz is missing and IPython is installed.

    Raises:
        ImportError: when Graphviz's ``dot`` program is needed and not on ``PATH`` and IPython is
            not installed (the message says how to install Graphviz).
    """
    src = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines, **kwargs)
    ext = os.path.splitext(to_file)[1].lower().lstrip(".") or "png"
    if ext in ("dot", "gv"):
        with open(to_file, "w") as f:
            f.write(src)
        return to_file
    if ext not in ("png", "svg", "pdf", "jpg", "jpeg", "gif", "ps"):
        raise ValueError(f"plot_model: cannot write {to_file!r}: unknown extension {ext!r}; use .png, .svg, .pdf, "
                         ".jpg or .dot")
    dot = shutil.which("dot")
    if dot is None:
        message = (
            f"plot_model needs Graphviz's `dot` program to write a .{ext} file, and it is not on PATH. Install "
            "Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; conda: "
            "`conda install graphviz`), or write DOT text with to_file='model.dot'.")
        if importlib.util.find_spec("IPython") is not None:
            print(message)
            return None
        raise ImportError(message)
    fmt = "jpg" if ext == "jpeg" else ext
    res = subprocess.run([dot, f"-T{fmt}", "-o", to_file], input=src.encode(), capture_output=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"plot_model: Graphviz failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return to_file


__all__ = ["model_to_dot", "plot_model"]

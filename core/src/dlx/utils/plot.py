"""``plot_model``: the model's layer graph as Graphviz DOT, rendered to PNG/SVG/PDF by Graphviz.

DOT text is produced without any dependency (``to_file="model.dot"``; Keras needs ``pydot`` for
everything, dlx for nothing); pictures need Graphviz's ``dot`` program on ``PATH``. As in Keras 3,
a missing Graphviz raises ``ImportError``, except in an IPython / Jupyter session, where
``plot_model`` prints the install hint and returns ``None`` (a notebook goes on running).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys

_NOTEBOOK_MODULE = "IPython.core.magics.namespace"  # imported by every IPython / Jupyter session


def _check(model, kwargs: dict, who: str) -> None:
    """Keras's checks: a built model, no ``layer_range`` (gone in Keras 3), no other keyword."""
    if not getattr(model, "built", False):
        raise ValueError(f"{who}: model '{model.name}' has not been built yet. Build it first by calling build() or "
                         "by calling the model on a batch of data")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError(f"{who}: the argument layer_range is no longer supported (as in Keras 3)")
    if kwargs:
        raise ValueError(f"{who}: unrecognized keyword arguments {sorted(kwargs)}")


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

    _check(model, dict(kwargs), "model_to_dot")
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"model_to_dot: rankdir={rankdir!r}; expected 'TB', 'LR', 'BT' or 'RL'")
    head = f'subgraph "cluster_{_esc(model.name)}" {{' if subgraph else f'digraph "{_esc(model.name)}" {{'
    lines = [head, f'  graph [rankdir={rankdir}, dpi={int(dpi)}, splines={_esc(splines)}'
             + (f', label="{_esc(model.name)}"' if subgraph else "") + "];",
             '  node [shape=record, fontname="Helvetica", fontsize=11];']

    def label(la) -> str:
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
        return "{" + "|".join(parts) + "}" if len(parts) > 1 else parts[0]

    _emit(model, "", expand_nested, label, lines, "  ")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _is_graph_model(layer) -> bool:
    from dlx.models.functional import Functional
    from dlx.models.sequential import Sequential

    return isinstance(layer, (Functional, Sequential))


def _emit(model, prefix: str, expand_nested: bool, label, lines: list, indent: str):
    """Writes the nodes and edges of ``model``'s layers; with ``expand_nested``, a nested
    Functional / Sequential model becomes a dashed cluster of its own layers, which the outer
    edges enter at its first layers and leave from its last ones. Returns ``(entry node ids,
    exit node ids)``."""
    layers, edges = _graph(model)
    ends = {}  # id(layer) -> (node ids an edge into the layer goes to, node ids an edge out leaves from)
    for i, la in enumerate(layers):
        node = f"{prefix}n{i}"
        if expand_nested and _is_graph_model(la):
            lines.append(f'{indent}subgraph "cluster_{node}" {{')
            lines.append(f'{indent}  graph [label="{_esc(la.name)}", style=dashed, labeljust=l];')
            ends[id(la)] = _emit(la, f"{node}_", True, label, lines, indent + "  ")
            lines.append(f"{indent}}}")
        else:
            lines.append(f'{indent}{node} [label="{label(la)}"];')
            ends[id(la)] = ([node], [node])
    seen = set()
    for a, b in edges:
        if id(a) in ends and id(b) in ends and (id(a), id(b)) not in seen:
            seen.add((id(a), id(b)))
            lines.extend(f"{indent}{src} -> {dst};" for src in ends[id(a)][1] for dst in ends[id(b)][0])
    fed = {id(b) for _, b in edges if id(b) in ends}
    feeding = {id(a) for a, _ in edges if id(a) in ends}
    entries = [n for la in layers if id(la) not in fed for n in ends[id(la)][0]]
    exits = [n for la in layers if id(la) not in feeding for n in ends[id(la)][1]]
    return entries, exits


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
               **kwargs) -> str:
    """Writes the model's graph to ``to_file``; the extension picks the format.

    ``.dot`` / ``.gv`` write DOT text (no dependency). ``.png``, ``.svg``, ``.pdf``, ``.jpg`` run
    Graphviz's ``dot`` program.

    Returns:
        ``to_file``; ``None`` in an IPython session without Graphviz.

    Raises:
        ImportError: when Graphviz's ``dot`` program is needed and not on ``PATH`` (the message
            says how to install it); in an IPython / Jupyter session the message is printed
            instead and nothing is written, as Keras 3 does.
        ValueError: for a model that is not built, or an unknown keyword argument.
    """
    _check(model, dict(kwargs), "plot_model")
    ext = os.path.splitext(to_file)[1].lower().lstrip(".") or "png"
    # vector formats are laid out in points: a dpi other than 72 makes Graphviz scale an SVG's
    # drawing a second time inside its own canvas (only the top-left corner shows)
    vector_dpi = 72 if ext in ("svg", "pdf", "ps") else dpi
    src = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=vector_dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines, **kwargs)
    if ext in ("dot", "gv"):
        with open(to_file, "w") as f:
            f.write(src)
        return to_file
    if ext not in ("png", "svg", "pdf", "jpg", "jpeg", "gif", "ps"):
        raise ValueError(f"plot_model: cannot write {to_file!r}: unknown extension {ext!r}; use .png, .svg, .pdf, "
                         ".jpg or .dot")
    dot = shutil.which("dot")
    if dot is None:
        message = (f"plot_model needs Graphviz's `dot` program to write a .{ext} file, and it is not on PATH. "
                   "Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; "
                   "conda: `conda install graphviz`), or write DOT text with to_file='model.dot'.")
        if _NOTEBOOK_MODULE in sys.modules:
            print(message)
            return None
        raise ImportError(message)
    fmt = "jpg" if ext == "jpeg" else ext
    res = subprocess.run([dot, f"-T{fmt}", "-o", to_file], input=src.encode(), capture_output=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"plot_model: Graphviz failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return to_file


__all__ = ["model_to_dot", "plot_model"]

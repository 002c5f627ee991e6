"""What ``compile(loss=..., metrics=...)`` turns into: per-output losses and metrics, resolved
against the structure of the model's outputs on the first batch."""

from __future__ import annotations

from typing import Any

from dlx import losses as losses_module
from dlx import metrics as metrics_module
from dlx import ops
from dlx import tree_util as tree


def _output_names(y_pred, model_names):
    """Names of the flattened outputs: dict keys (sorted, as ``tree.flatten`` orders them),
    the model's ``output_names`` for sequences, else ``output_<i>``."""
    if isinstance(y_pred, dict):
        return sorted(y_pred)
    leaves = tree.leaves(y_pred)
    if len(leaves) > 1 and model_names and len(model_names) == len(leaves):
        return list(model_names)
    if len(leaves) == 1:
        return [model_names[0]] if model_names and len(model_names) == 1 else ["output"]
    return [f"output_{i}" for i in range(len(leaves))]


def _flatten_like(structure, names, what):
    """``structure`` (a value, a list/tuple, or a dict by output name) as one entry per output."""
    n = len(names)
    if structure is None:
        return [None] * n
    if isinstance(structure, dict):
        unknown = sorted(set(structure) - set(names))
        if unknown:
            raise ValueError(f"{what}: keys {unknown} name no model output; outputs are {names}")
        return [structure.get(k) for k in names]
    if isinstance(structure, (list, tuple)):
        if n == 1 and not any(isinstance(s, (list, tuple, dict)) for s in structure) and what != "loss":
            return [list(structure)]
        if len(structure) != n:
            raise ValueError(f"{what}: got a sequence of {len(structure)} entries for a model with {n} output(s) "
                             f"{names}")
        return list(structure)
    return [structure] * n


class CompileLoss:
    """The total training loss: ``sum(loss_weight_i * loss_i(y_i, y_pred_i, sample_weight_i))``.

    Arguments:
        loss: one loss (applied to every output), or a list / dict (by output name) of losses.
        loss_weights: ``None``, a list, or a dict of per-output scalar weights.
        output_names: the model's output names (for dict-valued ``loss``).
    """

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.loss = loss
        self.loss_weights = loss_weights
        self.output_names = list(output_names) if output_names else None
        self.built = False

    def build(self, y_true, y_pred):
        names = _output_names(y_pred, self.output_names)
        self.names = names
        raw = _flatten_like(self.loss, names, "loss")
        self.losses = [None if fn is None else _as_loss_object(fn) for fn in raw]
        if all(fn is None for fn in self.losses):
            raise ValueError(f"compile(loss={self.loss!r}): no loss applies to any output of {names}")
        w = _flatten_like(self.loss_weights, names, "loss_weights")
        self.weights = [1.0 if x is None else float(x) for x in w]
        self.multi = len(names) > 1
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        """Returns ``(total, [per-output loss or None])``."""
        if not self.built:
            self.build(y_true, y_pred)
        preds = tree.leaves(y_pred)
        trues = _flatten_like(y_true, self.names, "y") if self.multi else [y_true]
        sws = _per_output_sample_weight(sample_weight, self.names)
        total = None
        per = []
        for fn, w, t, p, sw in zip(self.losses, self.weights, trues, preds, sws):
            if fn is None:
                per.append(None)
                continue
            if t is None:
                raise ValueError("a loss is set for an output but no target (y) was given for it")
            v = fn(t, p, sample_weight=sw)
            per.append(v)
            v = ops.cast(v, "float32")
            term = v if w == 1.0 else ops.multiply(v, w)
            total = term if total is None else ops.add(total, term)
        return total, per


def _per_output_sample_weight(sample_weight, names):
    if sample_weight is None:
        return [None] * len(names)
    if isinstance(sample_weight, dict):
        return [sample_weight.get(n) for n in names]
    if isinstance(sample_weight, (list, tuple)) and len(names) > 1:
        return list(sample_weight)
    return [sample_weight] * len(names)


def _as_loss_object(fn):
    obj = losses_module.get(fn)
    if isinstance(obj, losses_module.Loss):
        return obj
    if callable(obj):
        return losses_module.LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"compile: loss={fn!r} is not a loss")


def _resolve_metric(identifier, y_true, y_pred, loss):
    """A metric object, named as the string it was given by (as Keras's logs do: ``"mae"``, not
    ``"mean_absolute_error"``); ``"accuracy"``/``"acc"`` pick the variant the shapes and loss imply."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        loss_name = getattr(loss, "name", "") or ""
        p_shape, t_shape = tuple(y_pred.shape), tuple(getattr(y_true, "shape", ()))
        if "binary" in loss_name or (p_shape and p_shape[-1] == 1):
            return metrics_module.BinaryAccuracy(name=identifier)
        if "sparse" in loss_name or len(t_shape) < len(p_shape) or (t_shape and t_shape[-1] == 1):
            return metrics_module.SparseCategoricalAccuracy(name=identifier)
        return metrics_module.CategoricalAccuracy(name=identifier)
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        loss_name = getattr(loss, "name", "") or ""
        fn = (losses_module.binary_crossentropy if "binary" in loss_name or y_pred.shape[-1] == 1 else
              losses_module.sparse_categorical_crossentropy if "sparse" in loss_name else
              losses_module.categorical_crossentropy)
        return metrics_module.MeanMetricWrapper(fn, name=identifier)
    metric = metrics_module.get(identifier)
    if isinstance(identifier, str):  # as Keras: a metric given by a string is named by it ("mae")
        metric.name = identifier
    return metric


class CompileMetrics(metrics_module.Metric):
    """The compiled metrics as one metric, as Keras's: ``model.metrics`` lists it (named
    ``compile_metrics``) after the loss tracker; its variables are its metrics' variables, one after
    the other, and its result is a dict by metric name. Per output: ``metrics`` unweighted,
    ``weighted_metrics`` with sample weights.

    Arguments:
        metrics, weighted_metrics: a list (applied to every output), or a list of lists / dict
            by output name.
        output_names: the model's output names.
    """

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None, name="compile_metrics"):
        super().__init__(name=name)
        self.metrics_arg = metrics
        self.weighted_metrics_arg = weighted_metrics
        self.output_names = list(output_names) if output_names else None
        self.entries: list[tuple] = []  # (metric, output index, weighted)
        self.names: list[str] = []
        self.built = False

    @property
    def variables(self):
        return [v for m, _, _ in self.entries for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:  # first used by a custom train/test step (as Keras, built from this batch)
            self.build(y_true, y_pred)
        preds = tree.leaves(y_pred)
        if len(preds) > 1:
            trues = _flatten_like(y_true, self.names, "y")
            sws = _per_output_sample_weight(sample_weight, self.names)
        else:
            trues, sws = [y_true], [sample_weight]
        for m, i, weighted in self.entries:
            m.update_state(trues[i], preds[i], sample_weight=sws[i] if weighted else None)

    def result(self):
        return {m.name: m.result() for m, _, _ in self.entries}

    def reset_state(self):
        for m, _, _ in self.entries:
            m.reset_state()

    def stateless_reset_state(self):
        return [v for m, _, _ in self.entries for v in m.stateless_reset_state()]

    def build(self, y_true, y_pred, compile_loss=None):
        names = self.names = _output_names(y_pred, self.output_names)
        preds = tree.leaves(y_pred)
        multi = len(names) > 1
        trues = _flatten_like(y_true, names, "y") if multi else [y_true]
        losses = compile_loss.losses if compile_loss is not None and compile_loss.built else [None] * len(names)
        seen: set[str] = set()
        for arg, weighted in ((self.metrics_arg, False), (self.weighted_metrics_arg, True)):
            if arg is None:
                continue
            if isinstance(arg, dict):
                per_output = _flatten_like(arg, names, "metrics")
            elif isinstance(arg, (list, tuple)) and multi and len(arg) == len(names) and all(
                    isinstance(a, (list, tuple)) or a is None for a in arg):
                per_output = list(arg)
            elif isinstance(arg, (list, tuple)):
                per_output = [list(arg)] * len(names)
            else:
                raise ValueError(f"compile(metrics={arg!r}): expected a list of metrics, a list of lists or a dict "
                                 "by output name")
            for i, ms in enumerate(per_output):
                if ms is None:
                    continue
                for ident in ms if isinstance(ms, (list, tuple)) else [ms]:
                    m = _resolve_metric(ident, trues[i], preds[i], losses[i])
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    base, k = m.name, 1
                    while m.name in seen or m.name == "loss":
                        m.name = f"{base}_{k}"
                        k += 1
                    seen.add(m.name)
                    if not m.built:
                        m.build(tuple(trues[i].shape), tuple(preds[i].shape))
                    self.entries.append((m, i, weighted))
        self.built = True

    @property
    def metrics(self):
        return [m for m, _, _ in self.entries]


def compile_config(args: dict) -> dict:
    """``compile()``'s arguments as ``get_compile_config()`` gives them: the optimizer as given (a
    ``LossScaleOptimizer`` wrapper is added again by ``compile``), losses and metrics serialized."""
    from dlx import optimizers

    out = dict(args)
    out["optimizer"] = optimizers.serialize(args["optimizer"])
    for key in ("loss", "metrics", "weighted_metrics"):
        out[key] = config_of(args[key])
    return out


def config_of(obj) -> Any:
    """A JSON-friendly description of a compile argument (names kept; objects serialized)."""
    from dlx import losses, metrics

    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [config_of(o) for o in obj]
    if isinstance(obj, dict):
        return {k: config_of(v) for k, v in obj.items()}
    for mod in (losses, metrics):
        try:
            return mod.serialize(obj)
        except (ValueError, TypeError, AttributeError):
            continue
    return getattr(obj, "__name__", repr(obj))

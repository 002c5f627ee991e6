"""Raw ``dlx.ops`` calls on symbolic tensors become graph nodes of Functional models.

``y = dlx.ops.relu(x) * 2`` on a symbolic ``x`` (outside any layer's ``call``) is recorded as an
:class:`OpLayer` node, so ``Model(x, y)`` replays it, as Keras 3 does with ``keras.ops``. Inside a
layer's ``call`` the ops are just shape inference (the layer itself is the node).
"""

from __future__ import annotations

from dlx.layers.layer import Layer, in_call_context
from dlx.ops import dispatch


class OpLayer(Layer):
    """A layer that applies one registered op; created for raw op calls in Functional graphs.

    Arguments:
        op: the op's registered name (``"relu"``, ``"add"``...).

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> layers.OpLayer("relu")(np.array([-1.0, 2.0], "float32"))
    array([0., 2.], dtype=float32)
    """

    def __init__(self, op: str, **kwargs):
        from dlx import ops

        if op not in ops.REGISTRY:
            raise ValueError(f"OpLayer: op={op!r} is not a registered op")
        kwargs.setdefault("autocast", False)  # an op keeps its inputs' dtypes
        if kwargs.get("name") is None:
            from dlx.utils import naming

            kwargs["name"] = naming.auto_name(op)
        super().__init__(**kwargs)
        self.op = op
        self.built = True

    def call(self, *args, **kwargs):
        from dlx import ops

        fn = ops.get_function(self.op)
        kwargs.pop("training", None)  # Layer.__call__ passes these to any call(**kwargs)
        if "mask" not in fn.spec.params:
            kwargs.pop("mask", None)
        return fn(*args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable, "op": self.op}


def _record_symbolic_op(spec, args, kwargs):
    if in_call_context():
        return NotImplemented
    return OpLayer(spec.name)(*args, **kwargs)


dispatch.SYMBOLIC_OP_HOOK = _record_symbolic_op

"""``Function``: a callable graph of operations between symbolic inputs and outputs (Keras's
``keras.Function``). Stateless: unlike a Functional model it has no variables of its own and
is not a layer; the layers it calls keep theirs."""

from __future__ import annotations

from dlx import tree_util as tree
from dlx.layers.operation import Operation
from dlx.ops.symbolic import SymbolicTensor


class Function(Operation):
    """The computation that links ``inputs`` to ``outputs``, replayable on new values.

    Arguments:
        inputs: a symbolic tensor (``dlx.KerasTensor`` / ``dlx.Input``) or a nested structure
            of them.
        outputs: symbolic tensors computed from ``inputs`` by ops, operations and layers (a
            tensor or a nested structure).
        name: the function's name.

    >>> import dlx, numpy as np
    >>> a, b = dlx.KerasTensor((None, 2)), dlx.KerasTensor((None, 2))
    >>> fn = dlx.Function([a, b], dlx.ops.sigmoid(a + b))
    >>> np.asarray(fn([np.zeros((1, 2)), np.zeros((1, 2))])).tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, inputs, outputs, name=None):
        from dlx.models.functional import map_graph

        super().__init__(name=name)
        self._inputs_struct = tree.map_structure(lambda x: x, inputs)
        self._outputs_struct = tree.map_structure(lambda x: x, outputs)
        self._inputs = tree.leaves(inputs)
        self._outputs = tree.leaves(outputs)
        if not self._inputs:
            raise ValueError(f"Function: inputs cannot be empty; received inputs={inputs!r}, outputs={outputs!r}")
        if not self._outputs:
            raise ValueError(f"Function: outputs cannot be empty; received inputs={inputs!r}, outputs={outputs!r}")
        for what, ts in (("input", self._inputs), ("output", self._outputs)):
            for t in ts:
                if not isinstance(t, SymbolicTensor):
                    raise ValueError(f"Function: every {what} must be a symbolic tensor (dlx.KerasTensor); received "
                                     f"{t!r} of type {type(t).__name__}")
        self._nodes, self._operations = map_graph(self._inputs, self._outputs)

    @property
    def operations(self) -> list:
        """The operations (and layers) of the graph, inputs first, in execution order."""
        return self._operations[:]

    @property
    def inputs(self) -> list:
        """The flat list of symbolic inputs."""
        return self._inputs

    @property
    def outputs(self) -> list:
        """The flat list of symbolic outputs."""
        return self._outputs

    def call(self, inputs):
        """The outputs (in the structure of ``outputs``) for new ``inputs`` values."""
        self._assert_input_compatibility(inputs)
        return self._run_through_graph(inputs, lambda op: op)

    def compute_output_spec(self, inputs):
        self._assert_input_compatibility(inputs)
        if all(tuple(x.shape) == r.shape for x, r in zip(tree.leaves(inputs), self._inputs)):
            return tree.map_structure(lambda t: SymbolicTensor(t.shape, t.dtype), self._outputs_struct)
        return self._run_through_graph(inputs, lambda op: op.compute_output_spec)

    def compute_output_shape(self, input_shape):
        """The output shape(s) for input shape(s), found by running the graph on symbolic tensors.

        Arguments:
            input_shape: a shape, or a structure of shapes matching the function's inputs.

        Returns:
            The output shape, or a structure of shapes matching the outputs.
        """
        from dlx import tree as ktree

        spec = ktree.map_shape_structure(lambda s: SymbolicTensor(s), input_shape)
        flat = [SymbolicTensor(t.shape, r.dtype) for t, r in zip(ktree.flatten(spec), self._inputs)]
        out = self.compute_output_spec(ktree.pack_sequence_as(spec, flat))
        return tree.map_structure(lambda t: t.shape, out)

    def _run_through_graph(self, inputs, operation_fn):
        values = {id(t): x for t, x in zip(self._inputs, tree.leaves(inputs))}
        for node in self._nodes:
            args, kwargs = node.map_arguments(values)
            outs = operation_fn(node.layer)(*args, **kwargs)
            for t, v in zip(node.output_tensors, tree.leaves(outs)):
                values[id(t)] = v
        return tree.map_structure(lambda t: values[id(t)], self._outputs_struct)

    def _assert_input_compatibility(self, inputs):
        from dlx import tree as ktree

        try:
            ktree.assert_same_structure(inputs, self._inputs_struct)
        except (ValueError, TypeError):
            raise ValueError(f"{type(self).__name__} '{self.name}' was called with an invalid input structure; "
                             f"expected {self._inputs_struct}, received {inputs}") from None
        flat = tree.leaves(inputs)
        for x, ref in zip(flat, self._inputs):
            shape = tuple(getattr(x, "shape", ()))
            if len(shape) != len(ref.shape) or any(
                    d is not None and r is not None and d != r for d, r in zip(shape, ref.shape)):
                raise ValueError(f"{type(self).__name__} '{self.name}' was passed incompatible inputs: for input "
                                 f"'{ref.name}', expected shape {ref.shape}, received a tensor of shape {shape}")


__all__ = ["Function"]

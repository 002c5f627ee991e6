"""Control-flow ops (:mod:`dlx.ops.defs.control`): no graph builders. OpenVINO's ``Loop`` and
``If`` take bodies as separate models, which dlx's one-op-at-a-time builders cannot express, so
these ops run their decompositions: the Python semantics over OpenVINO's eager ops (values;
OpenVINO has no autodiff), and not inside ``compile``, where a predicate has no value."""

from __future__ import annotations

#: op name -> graph builder (none: every control op runs its decomposition)
KERNELS: dict = {}

__all__ = ["KERNELS"]

"""``keras.mixed_precision``: the dtype-policy names Keras keeps for mixed precision.

>>> import dlx
>>> dlx.mixed_precision.Policy("mixed_float16").compute_dtype
'float16'
"""

from __future__ import annotations

from dlx.dtype_policies import DTypePolicy, dtype_policy, global_policy, set_dtype_policy, set_global_policy
from dlx.optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
           "set_global_policy"]

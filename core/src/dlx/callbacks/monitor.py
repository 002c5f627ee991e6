"""Shared logic of callbacks that watch a logged quantity (min or max is better)."""

from __future__ import annotations

import math
import warnings

_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "true_positives",
              "true_negatives", "cosine_similarity")


def resolve_mode(monitor: str, mode: str, model=None) -> str:
    """``"min"`` or ``"max"``; ``"auto"`` decides from the metric's name."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode={mode!r}: expected 'auto', 'min' or 'max'")
    if mode != "auto":
        return mode
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if "loss" in name or "error" in name:
        return "min"
    if any(h in name for h in _MAX_HINTS):
        return "max"
    return "min"


def is_better(mode: str, current: float, reference: float, min_delta: float = 0.0) -> bool:
    if reference is None or (isinstance(reference, float) and math.isnan(reference)):
        return True
    if mode == "min":
        return current < reference - min_delta
    return current > reference + min_delta


def get_monitor_value(logs, monitor, who):
    value = (logs or {}).get(monitor)
    if value is None:
        warnings.warn(f"{who}: the monitored quantity {monitor!r} is not in the logs; available: "
                      f"{sorted(logs or {})}", UserWarning, stacklevel=3)
        return None
    return float(value)

"""``dlx.visualization``: drawing model outputs on images (``keras.visualization``)."""

from dlx.visualization.segmentation import draw_segmentation_masks

__all__ = ["draw_segmentation_masks"]

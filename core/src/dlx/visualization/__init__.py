"""``dlx.visualization``: drawing model outputs on images (``keras.visualization``)."""

from dlx.visualization.boxes import draw_bounding_boxes, plot_bounding_box_gallery
from dlx.visualization.gallery import plot_image_gallery, plot_segmentation_mask_gallery
from dlx.visualization.segmentation import draw_segmentation_masks

__all__ = ["draw_bounding_boxes", "draw_segmentation_masks", "plot_bounding_box_gallery", "plot_image_gallery",
           "plot_segmentation_mask_gallery"]

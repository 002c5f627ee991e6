"""``dlx.preprocessing.image``: image files and arrays (Keras's ``keras.preprocessing.image``)."""

from __future__ import annotations

from dlx.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

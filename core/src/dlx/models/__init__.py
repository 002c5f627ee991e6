"""``dlx.models``: ``Model`` (Functional or subclassed), ``Sequential``, and config helpers."""

from dlx.models.functional import Functional
from dlx.models.model import Model, model_from_json
from dlx.models.sequential import Sequential


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Loads a ``.keras`` archive / folder (dlx or Keras 3) or a legacy Keras 2 ``.h5`` file.
    See :func:`dlx.saving.load_model`."""
    from dlx.saving import saving_lib

    return saving_lib.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
    """Saves ``model`` as a ``.keras`` archive. See :func:`dlx.saving.save_model`."""
    from dlx.saving import saving_lib

    saving_lib.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


from dlx.models.cloning import clone_model  # noqa: E402

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]

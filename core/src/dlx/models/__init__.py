"""``dlx.models``: ``Model`` (Functional or subclassed), ``Sequential``, and config helpers."""

from dlx.models.functional import Functional
from dlx.models.model import Model, model_from_json
from dlx.models.sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture (fresh weights) built from ``model``'s config.

    Arguments:
        model: a Sequential or Functional model.
        input_tensors: not supported other than ``None`` (the clone makes its own inputs).
        clone_function: ``layer -> layer`` applied to every layer's clone (default: the layer
            rebuilt from its config).
    """
    from dlx import saving

    if input_tensors is not None:
        raise ValueError("clone_model(): input_tensors must be None (the clone creates its own inputs)")
    if clone_function is None:
        return saving.deserialize(saving.serialize(model))
    if isinstance(model, Sequential):
        return Sequential([clone_function(la) for la in model._seq_layers], name=model.name)
    raise ValueError("clone_model(): clone_function is supported for Sequential models only")



def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Loads a ``.keras`` archive / folder (dlx or Keras 3) or a legacy Keras 2 ``.h5`` file.
    See :func:`dlx.saving.load_model`."""
    from dlx.saving import saving_lib

    return saving_lib.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
    """Saves ``model`` as a ``.keras`` archive. See :func:`dlx.saving.save_model`."""
    from dlx.saving import saving_lib

    saving_lib.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]

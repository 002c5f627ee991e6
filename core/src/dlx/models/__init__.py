"""``dlx.models``: ``Model`` (Functional or subclassed), ``Sequential``, and config helpers."""

from dlx.models.functional import Functional
from dlx.models.model import Model, model_from_json
from dlx.models.sequential import Sequential


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Loads a ``.keras`` archive / folder (dlx or Keras 3) or a legacy Keras 2 ``.h5`` file.
    See :func:`dlx.saving.load_model`.

    Arguments:
        filepath: the ``.keras`` file, the folder of a model saved with ``zipped=False``, an
            ``.h5`` file, or an Orbax checkpoint directory.
        custom_objects: name -> class or function for custom objects that are not registered.
        compile: compile the model with its saved compile arguments and restore the optimizer
            state.
        safe_mode: refuse to deserialize Python lambdas; ``False`` only for trusted files.

    Returns:
        The model.

    Raises:
        FileNotFoundError: when nothing is at ``filepath``.
        dlx.saving.FileFormatError: when the file is corrupt, truncated or not a model file.
        dlx.saving.SerializationError: when a class cannot be found or a lambda is refused.
    """
    from dlx.saving import saving_lib

    return saving_lib.load_model(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
    """Saves ``model`` as a ``.keras`` archive. See :func:`dlx.saving.save_model`.

    Arguments:
        model: the model to save (architecture, weights, optimizer state, compile arguments).
        filepath: a path ending in ``.keras``, or a folder with ``zipped=False``.
        overwrite: replace what is at ``filepath`` (``False``: an existing file raises).
        zipped: write the zip archive (``True``) or a folder (``False``); ``None`` zips a
            ``.keras`` path and writes a folder otherwise.
        **kwargs: no other keyword is accepted (one raises ``TypeError``).

    Raises:
        ValueError: for a ``.h5`` path, or a zipped path not ending in ``.keras``.
        FileExistsError: when ``filepath`` exists and ``overwrite`` is ``False``.
        dlx.saving.SerializationError: when a layer cannot be serialized.
    """
    from dlx.saving import saving_lib

    saving_lib.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


from dlx.models.cloning import clone_model  # noqa: E402

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]

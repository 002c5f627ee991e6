"""dlx-tf: the TensorFlow backend plugin of dlx.

Importing this package imports no framework: the plugin (:mod:`dlx_tf.plugin`) advertises a
:class:`~dlx.plugins.BackendRecord` whose target, ``dlx_tf.backend:TensorFlowBackend``, is only
imported when the ``tf`` backend is selected.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

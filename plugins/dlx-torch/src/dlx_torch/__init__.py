"""dlx-torch: the PyTorch backend of dlx.

Importing this package imports no framework: the backend class lives in
:mod:`dlx_torch.backend` and is loaded lazily by dlx when the ``torch`` backend is selected.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

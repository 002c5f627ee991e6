"""dlx-template: a minimal third-party dlx backend (see ``docs/writing-a-backend.md``).

This module imports no framework: dlx imports :mod:`dlx_template.backend` only when the
``template`` backend is selected.
"""

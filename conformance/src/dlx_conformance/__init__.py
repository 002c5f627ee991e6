"""dlx-conformance: the shared suite every dlx backend must pass.

Run it as ``python -m dlx_conformance NAME --report DIR`` or ``pytest --dlx-backend NAME
--pyargs dlx_conformance.suite``. The pytest plugin is inert until ``--dlx-backend`` is given.
"""

from dlx_conformance.checks import CaseResult, grad_case, iter_cases, named_cases, value_case

__all__ = ["CaseResult", "grad_case", "iter_cases", "named_cases", "value_case"]

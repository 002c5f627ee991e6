"""Writes :mod:`dlx.ops.op_functions`, the public op functions, from the op registry.

Run ``python -m dlx.ops.codegen`` after adding or changing an op spec; a test fails while the
checked-in module is stale. Generating real source (instead of ``exec`` at import) gives every op
a file and line in tracebacks, ``inspect.getsource`` and debugger stepping, and IDE completion.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dlx.ops.dispatch import function_source

TARGET = Path(__file__).with_name("op_functions.py")

_HEADER = '''\
"""The public op functions, one per registered op (generated: do not edit).

Written by ``python -m dlx.ops.codegen`` from the op registry (:mod:`dlx.ops.spec`). Each
function has its spec's exact signature, checks cheap arguments inline, sends symbolic tensors
and variables to the slow path, and otherwise makes one dict lookup in the active backend's
kernel table.
"""

# ruff: noqa
'''


def _imports() -> str:
    from dlx.ops.dispatch import RUNTIME_NAMES

    names = "".join(f"    {name} as {local},\n" for local, name in sorted(RUNTIME_NAMES.items()))
    return (f"from dlx.ops.dispatch import (\n{names}    _dtypes_by_spelling,\n)\n"
            "from dlx.ops.spec import REGISTRY as _REGISTRY\n\n"
            "_DTYPES = _dtypes_by_spelling()\n")


def render() -> str:
    """The module's source for the registry as it is now (core's ops only)."""
    import dlx.ops.defs  # noqa: F401  (registers every op)
    from dlx.ops.dispatch import _SOURCE_BUILTINS
    from dlx.ops.spec import REGISTRY

    names = sorted(REGISTRY)
    shadowing = sorted(set(names) & set(_SOURCE_BUILTINS))
    if shadowing:
        raise ValueError(f"ops {shadowing} would shadow builtins the generated source calls")
    parts = [_HEADER, _imports()]
    parts += ["\n\n" + function_source(REGISTRY[n]) for n in names]
    parts.append("\n\n__all__ = [\n" + "".join(f"    {n!r},\n" for n in names) + "]\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        stale = not TARGET.is_file() or TARGET.read_text() != text
        if stale:
            print(f"{TARGET} is stale: run python -m dlx.ops.codegen", file=sys.stderr)
        return int(stale)
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

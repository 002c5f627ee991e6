"""No hand-written source file of the distributions grows past 800 lines of code (generated ones
are exempt: they say so in their first line). Docstrings do not count: the API reference is
written in them (arguments, returns, examples), and documentation is no reason to split a module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 800


def docstring_lines(tree: ast.AST) -> int:
    """How many lines the module's, classes' and functions' docstrings take."""
    n = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value,
                                                                                                    str):
                n += first.end_lineno - first.lineno + 1
    return n


def code_lines(text: str) -> int:
    return text.count("\n") - docstring_lines(ast.parse(text))


def test_docstrings_are_not_counted():
    text = 'def f():\n    """One.\n\n    Two.\n    """\n    return 1\n'
    assert text.count("\n") == 6 and code_lines(text) == 2


def test_no_source_file_over_800_lines():
    src_dirs = [ROOT / "core" / "src", ROOT / "conformance" / "src", *sorted((ROOT / "plugins").glob("*/src"))]
    too_long = []
    for folder in src_dirs:
        for path in folder.rglob("*.py"):
            text = path.read_text()
            if "(generated: do not edit)" in text.split("\n", 1)[0]:
                continue
            n = code_lines(text)
            if n > LIMIT:
                too_long.append(f"{path.relative_to(ROOT)}: {n} lines besides docstrings")
    assert not too_long, "split these modules:\n" + "\n".join(too_long)

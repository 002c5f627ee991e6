"""tools/test_all.py (the README's test command) runs both halves and fails when either does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "tools" / "test_all.py"


def _run(tmp_path, slow_body: str, rest_body: str | None):
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: long\n")
    (tmp_path / "test_slow.py").write_text(f"import pytest\n\n@pytest.mark.slow\ndef test_s():\n    {slow_body}\n")
    if rest_body is not None:
        (tmp_path / "test_rest.py").write_text(f"def test_r():\n    {rest_body}\n")
    args = [sys.executable, str(RUNNER), "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path),
            "-p", "no:cacheprovider", str(tmp_path)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("slow_body, rest_body, ok", [
    ("assert True", "assert True", True),
    ("assert False", "assert True", False),  # the half that runs in the background fails
    ("assert True", None, False),  # a half with no tests (pytest's exit 5) fails too
])
def test_both_halves_run_and_either_fails_the_run(tmp_path, slow_body, rest_body, ok):
    p = _run(tmp_path, slow_body, rest_body)
    assert (p.returncode == 0) == ok, p.stdout[-3000:] + p.stderr[-2000:]
    assert "the tests marked slow" in p.stdout  # the background half's output is shown
    assert "tests slow: exit" in p.stdout and "tests rest: exit" in p.stdout

"""Run the whole test suite as two pytest processes in parallel, one per core of the CI machine.

The tests marked ``slow`` (each backend's whole conformance suite, run in a subprocess) take about
as long as everything else together, so they run beside the rest instead of after it. The slow
half's output goes to a file and is printed when both halves are done; the exit status is the
first non-zero one (pytest's 5, "no tests collected", counts as a failure like any other).

    python tools/test_all.py [pytest args...]     # the README's test command ends with this
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

HALVES = (("slow", "slow"), ("rest", "not slow"))


def main(argv: list[str]) -> int:
    start = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as slow_log:
        slow = subprocess.Popen([sys.executable, "-m", "pytest", "-m", HALVES[0][1], *argv],
                                stdout=slow_log, stderr=subprocess.STDOUT)
        try:
            rest_rc = subprocess.call([sys.executable, "-m", "pytest", "-m", HALVES[1][1], *argv])
            rest_s = time.monotonic() - start
            slow_rc = slow.wait()
        except BaseException:
            slow.kill()
            raise
        slow_s = time.monotonic() - start
        slow_log.seek(0)
        print(f"\n===== the tests marked slow (ran beside the rest) =====\n{slow_log.read()}", flush=True)
    for (name, _), rc, secs in zip(HALVES, (slow_rc, rest_rc), (slow_s, rest_s)):
        print(f"tests {name}: exit {rc} after {secs:.0f} s")
    return next((rc for rc in (rest_rc, slow_rc) if rc != 0), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``python -m dlx_conformance NAME [--report DIR] [pytest args...]``: run the suite on a backend."""

from __future__ import annotations

import argparse
import os
import sys

import pytest

from dlx_conformance.plugin import suite_path


def _plugin_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.value.startswith("dlx_conformance") for ep in entry_points(group="pytest11"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m dlx_conformance", description=__doc__)
    p.add_argument("backend", help="backend name (as listed by `python -m dlx info`)")
    p.add_argument("--report", metavar="DIR", help="write report.json, NAME.json and NAME.md here")
    p.add_argument("--xfail-file", metavar="FILE", help="override the backend's strict xfail file")
    args, rest = p.parse_known_args(argv)
    cmd = [suite_path(), "-c", os.path.join(suite_path(), "pytest.ini"), "--rootdir", suite_path(),
           "--dlx-backend", args.backend, "-q", "-p", "no:benchmark"]
    if not _plugin_installed():
        cmd += ["-p", "dlx_conformance.plugin"]
    if args.report:
        cmd += ["--dlx-report", args.report]
    if args.xfail_file:
        cmd += ["--dlx-xfail-file", args.xfail_file]
    return pytest.main(cmd + rest)


if __name__ == "__main__":
    sys.exit(main())

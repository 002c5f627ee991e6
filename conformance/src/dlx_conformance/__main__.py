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
    p.add_argument("--tiers", metavar="LIST", help="comma-separated tiers to run: value, grad, rule, distribution "
                   "(default: all)")
    p.add_argument("--distribution-devices", metavar="N", type=int,
                   help="devices of the distribution tier's N-device mesh (default 4)")
    p.add_argument("--grad-mode", choices=("eager", "compiled"),
                   help="the grad tier's autodiff: eager (default) or compiled with backend.compile")
    args, rest = p.parse_known_args(argv)
    cmd = [suite_path(), "-c", os.path.join(suite_path(), "pytest.ini"), "--rootdir", suite_path(),
           "--dlx-backend", args.backend, "-q", "-p", "no:benchmark"]
    if not _plugin_installed():
        cmd += ["-p", "dlx_conformance.plugin"]
    if args.report:
        cmd += ["--dlx-report", args.report]
    if args.xfail_file:
        cmd += ["--dlx-xfail-file", args.xfail_file]
    if args.tiers:
        cmd += ["--dlx-tiers", args.tiers]
    if args.grad_mode:
        cmd += ["--dlx-grad-mode", args.grad_mode]
    if args.distribution_devices:
        cmd += ["--dlx-distribution-devices", str(args.distribution_devices)]
    return pytest.main(cmd + rest)


if __name__ == "__main__":
    sys.exit(main())

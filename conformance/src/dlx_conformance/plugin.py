"""The pytest plugin (entry point ``pytest11``). Inert until ``--dlx-backend NAME`` is given.

Exclusions, in order: a missing capability skips with the backend's declared reason; an op newer
than the backend's spec version skips; the backend's strict xfail file marks expected failures
(a listed test that passes fails the run). No test branches on a backend's name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_RESULTS_KEY = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("dlx-conformance")
    group.addoption("--dlx-backend", default=None, help="run the dlx conformance suite against this backend")
    group.addoption("--dlx-report", default=None, help="write report.json, NAME.json and NAME.md to this folder")
    group.addoption("--dlx-xfail-file", default=None,
                    help="override the backend's strict xfail file (one 'test-id  # reason' per line)")
    group.addoption("--dlx-tiers", default=",".join(TIERS.values()),
                    help=f"comma-separated tiers to run (default: all of {', '.join(TIERS.values())})")
    group.addoption("--dlx-distribution-devices", type=int, default=4,
                    help="devices of the distribution tier's N-device mesh (default 4)")
    group.addoption("--dlx-grad-mode", choices=GRAD_MODES, default="eager",
                    help="how the grad tier differentiates: 'eager' (the backend's value_and_grad, called "
                         "op by op) or 'compiled' (that value_and_grad under backend.compile, the path a "
                         "compiled training step takes); default eager")


#: the grad tier's ways of running the backend's autodiff
GRAD_MODES = ("eager", "compiled")


def grad_mode(config) -> str:
    return config.getoption("--dlx-grad-mode", default="eager")


#: test function -> tier
TIERS = {"test_value": "value", "test_grad": "grad", "test_grad_rule": "rule", "test_distribution": "distribution"}


def tier_of(item_name: str) -> str | None:
    return TIERS.get(item_name.partition("[")[0])


def backend_name(config) -> str | None:
    return config.getoption("--dlx-backend", default=None)


def pytest_configure(config):
    config.stash[_RESULTS_KEY] = []
    config.addinivalue_line("markers", "dlx_conformance: a dlx conformance test")


def get_backend(config):
    from dlx.backend import registry

    return registry.get(backend_name(config))


def pytest_report_header(config):
    name = backend_name(config)
    if not name:
        return None
    try:
        b = get_backend(config)
    except Exception as e:  # the header must not hide the real failure
        return f"dlx backend: {name} (failed to load: {e})"
    caps = ", ".join(f"{k}={v}" for k, v in b.capabilities.as_dict().items())
    return [f"dlx backend: {b.name} (framework {b.framework_version()}, device {b.device()}, "
            f"op-spec v{b.spec_version})", f"dlx capabilities: {caps}"]


def load_xfails(config, backend) -> dict[str, str]:
    path = config.getoption("--dlx-xfail-file") or getattr(backend, "xfail_file", None)
    if not path:
        return {}
    out = {}
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            raise pytest.UsageError(f"{path}:{n}: every xfail needs a reason ('test-id  # reason')")
        out[test_id.strip()] = reason.strip()
    return out


def pytest_collection_modifyitems(config, items):
    if not backend_name(config):
        return
    backend = get_backend(config)
    xfails = load_xfails(config, backend)
    seen = set()
    for item in items:
        key = item.name
        if key in xfails:
            seen.add(key)
            item.add_marker(pytest.mark.xfail(reason=xfails[key], strict=True))
    unknown = set(xfails) - seen
    if unknown and not config.getoption("-k"):
        raise pytest.UsageError(f"xfail file lists tests that do not exist: {sorted(unknown)[:5]}")
    _select_tiers(config, items)


def _select_tiers(config, items):
    """Deselects the tests of the tiers ``--dlx-tiers`` does not name."""
    tiers = {t.strip() for t in config.getoption("--dlx-tiers").split(",") if t.strip()}
    if tiers - set(TIERS.values()):
        raise pytest.UsageError(f"--dlx-tiers: unknown tier(s) {sorted(tiers - set(TIERS.values()))}; the tiers are "
                                f"{', '.join(TIERS.values())}")
    keep = [item for item in items if tier_of(item.name) in tiers]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if tier_of(item.name) not in tiers])
        items[:] = keep


def record(config, result) -> None:
    config.stash[_RESULTS_KEY].append(result)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    # a fixture that raises (e.g. the distribution tier's job failing to start) is a failed row
    # carrying its error, not a row missing from the report
    if rep.when == "call" or (rep.when == "setup" and not rep.passed):
        row = {"nodeid": item.name, "outcome": rep.outcome, "wasxfail": hasattr(rep, "wasxfail"),
               **getattr(item, "_dlx_result", {})}
        if rep.skipped and isinstance(rep.longrepr, tuple):
            row["skip_reason"] = str(rep.longrepr[-1])
        elif rep.when == "setup" and rep.failed:
            row["detail"] = "setup error: " + _last_line(rep.longreprtext)
        item.config.stash[_RESULTS_KEY].append(row)


def _last_line(text: str) -> str:
    """The exception line of a traceback (pytest's ``E   ...`` lines), for a one-line detail."""
    errors = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
    return " ".join(errors)[-2000:] if errors else text.strip()[-2000:]


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    folder = config.getoption("--dlx-report", default=None)
    if not folder or not backend_name(config):
        return
    from dlx_conformance.report import write_report

    write_report(Path(folder), get_backend(config), config.stash[_RESULTS_KEY], grad_mode=grad_mode(config))


def suite_path() -> str:
    return os.path.join(os.path.dirname(__file__), "suite")


__all__ = ["json", "record", "suite_path"]

"""JSON + Markdown conformance report: one row per op x dtype (worst case), per-tier status."""

from __future__ import annotations

import datetime
import json
import math
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from dlx.ops.spec import REGISTRY
from dlx_conformance.checks import iter_cases


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; reports are ordinary files
    os.replace(tmp, path)


def _is_distribution(row) -> bool:
    return row.get("tier") == "distribution" or row["nodeid"].startswith("test_distribution")


def summarize(rows):
    """(op, dtype) -> tier -> rows, for the op tiers (value, grad, rule)."""
    table = defaultdict(lambda: {"value": [], "grad": [], "rule": []})
    for r in rows:
        if _is_distribution(r):
            continue
        if "op" not in r:
            name = r["nodeid"]
            tier = "rule" if name.startswith("test_grad_rule") else "grad" if name.startswith("test_grad") else "value"
            inner = name[name.index("[") + 1:-1]
            op, _, rest = inner.partition("-")
            dtype = rest.rsplit("-", 1)[-1]
            r = {**r, "op": op, "dtype": dtype, "tier": tier}
        table[(r["op"], r["dtype"])][r["tier"]].append(r)
    return table


def _cell(entries):
    if not entries:
        return "—", ""
    if all(e["outcome"] == "skipped" for e in entries):
        return "skip", ""
    ok = all(e["outcome"] == "passed" or e.get("wasxfail") for e in entries)
    xf = any(e.get("wasxfail") for e in entries)
    metric = max((e.get("metric", 0.0) or 0.0) for e in entries)
    status = "pass" if ok and not xf else ("xfail" if ok else "FAIL")
    return status, ("∞" if metric == math.inf else f"{metric:.3g}")


def distribution_rows(rows) -> list[dict]:
    """The distribution tier's outcome per distribution kind."""
    out = []
    for r in rows:
        if _is_distribution(r):
            kind = r.get("op") or r["nodeid"][r["nodeid"].index("[") + 1:-1]
            out.append({"kind": kind, "outcome": r["outcome"], "wasxfail": r.get("wasxfail", False),
                        **{k: r[k] for k in ("metric", "tolerance", "devices", "processes", "detail", "skip_reason")
                           if k in r}})
    return out


def _distribution_lines(entries) -> list[str]:
    if not entries:
        return []
    lines = ["", "## Distribution tier", "",
             "One SGD step of an MLP on a 1-device and an N-device mesh (`dlx_conformance.distribution`); "
             "κ = max |w_N - w_1| / (u·S).", "",
             "| distribution | status | devices (processes) | class | κ | detail |", "|---|---|---|---|---|---|"]
    for e in entries:
        status = "xfail" if e["wasxfail"] else {"passed": "pass", "failed": "FAIL", "skipped": "skip"}[e["outcome"]]
        where = f"{e['devices']} ({e['processes']})" if "devices" in e else "—"
        metric = "∞" if e.get("metric") == math.inf else (f"{e['metric']:.3g}" if "metric" in e else "—")
        detail = (e.get("detail") or e.get("skip_reason", "")).replace("|", "\\|")  # one table cell
        lines.append(f"| {e['kind']} | {status} | {where} | {e.get('tolerance', '—')} | {metric} | {detail} |")
    return lines


def _op_sources(backend) -> dict:
    """How many ops the backend runs natively, by decomposition and by reference fallback."""
    sources = backend.op_table and backend.op_sources
    counts = {kind: sum(1 for v in sources.values() if v == kind) for kind in ("native", "decomposition", "reference")}
    counts["reference_ops"] = sorted(n for n, v in sources.items() if v == "reference")
    return counts


def write_report(folder: Path, backend, rows, grad_mode: str = "eager") -> dict:
    table = summarize(rows)
    cases = [r for r in rows if "ok" in r and r.get("tier") in ("value", "grad")]
    rules = [r for r in rows if r.get("tier") == "rule"]
    within = sum(1 for r in cases if r["ok"])
    plain = sum(1 for r in cases if r.get("allclose_1e7"))
    data = {
        "backend": backend.name,
        "framework_version": backend.framework_version(),
        "device": backend.device(),
        "spec_version": backend.spec_version,
        "capabilities": backend.capabilities.as_dict(),
        "grad_mode": grad_mode,
        "op_sources": _op_sources(backend),
        # ops whose cases run in no tier (e.g. custom_gradient returns a function); the suite
        # cannot see them, so the report names them instead of silently counting fewer ops
        "ops_without_cases": sorted(set(REGISTRY) - {spec.name for spec, _, _ in iter_cases()}),
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "totals": {
            "tests": len(rows),
            "passed": sum(1 for r in rows if r["outcome"] == "passed"),
            "failed": sum(1 for r in rows if r["outcome"] == "failed" and not r.get("wasxfail")),
            "skipped": sum(1 for r in rows if r["outcome"] == "skipped" and not r.get("wasxfail")),
            "xfailed": sum(1 for r in rows if r.get("wasxfail")),
            "cases_within_class": within,
            "cases_measured": len(cases),
            "cases_within_plain_1e-7": plain,
            "ops": len({op for op, _ in table}),
            "ops_in_catalogue": len(REGISTRY),
            "grad_rules_checked": sum(1 for r in rules if not r.get("detail", "").startswith("skipped")),
            "grad_rules_agreeing": sum(1 for r in rules if r["ok"] and not r.get("detail", "").startswith("skipped")),
        },
        "distribution": distribution_rows(rows),
        "rows": rows,
    }
    text = json.dumps(data, indent=1, default=str)
    _atomic_write(folder / "report.json", text)  # the latest run
    _atomic_write(folder / f"{backend.name}.json", text)  # per backend: several share one folder
    t = data["totals"]
    src = data["op_sources"]
    lines = [
        f"# Conformance: `{backend.name}`",
        "",
        f"Framework {data['framework_version'] or '—'}, device `{data['device']}`, op-spec v{data['spec_version']}. "
        f"Generated {data['generated']} by `python -m dlx_conformance {backend.name} --report DIR"
        + (" --grad-mode compiled" if grad_mode == "compiled" else "") + "`.",
        "",
        f"- ops: {t['ops']} of the {t['ops_in_catalogue']} in the catalogue"
        + (f" (without conformance cases: {', '.join(data['ops_without_cases'])})" if data["ops_without_cases"] else "")
        + f"; tests: {t['tests']} — passed {t['passed']}, failed {t['failed']}, "
        f"skipped {t['skipped']}, xfailed {t['xfailed']}",
        f"- kernels: {src['native']} native, {src['decomposition']} by the spec's decomposition, "
        f"{src['reference']} by the NumPy reference fallback"
        + (f" ({', '.join(src['reference_ops'])})" if src["reference_ops"] else ""),
        "- gradients: the backend's value_and_grad "
        + ("compiled with `backend.compile`, one function per case (`--grad-mode compiled`)" if grad_mode == "compiled"
           else "run op by op"),
        f"- gradient rules against finite differences of the float64 reference: "
        f"{t['grad_rules_agreeing']}/{t['grad_rules_checked']} cases agree",
        f"- cases within their PARITY.md class: {within}/{len(cases)} "
        f"({100 * within / max(len(cases), 1):.1f}%); within plain `allclose(1e-7, 1e-7)`: {plain}/{len(cases)} "
        f"({100 * plain / max(len(cases), 1):.1f}%)",
        "",
        "Metric: max ULP for elementwise classes (E0/E1/T8/H8), max κ = |out - r| / (u·S) for "
        "accumulation classes (Kr/Kc/Ks) and normwise gradient checks.",
        "",
        "| op | dtype | class | value | max | grad | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for (op, dtype) in sorted(table):
        cell = table[(op, dtype)]
        tol = next((e.get("tolerance") for e in cell["value"] if e.get("tolerance")), "")
        v, vm = _cell(cell["value"])
        g, gm = _cell(cell["grad"])
        lines.append(f"| {op} | {dtype} | {tol} | {v} | {vm} | {g} | {gm} |")
    lines += _distribution_lines(data["distribution"])
    skipped = sorted({r.get("skip_reason", "") for r in rows if r["outcome"] == "skipped"} - {""})
    if skipped:
        lines += ["", "## Skips", ""] + [f"- {s}" for s in skipped]
    _atomic_write(folder / f"{backend.name}.md", "\n".join(lines) + "\n")
    return data

"""The benchmarks page (``benchmarks.md``), generated at build time from ``bench/results/*.json``.

Each JSON a bench script wrote gets a section: the script that wrote it (``bench/<script>.py``,
the longest script name the file's name starts with), the command, rebuilt from the options the
JSON records (``args``, or ``meta``'s ``rounds`` / ``torch_threads`` / ``cpu_set``), the date and
machine the JSON records, and its tables. A script that renders its own Markdown from its JSON
(``markdown(result)``: ``fit_predict.py``, ``distribution.py``, ...) renders its section from the
summary its ``summarize`` computes from the recorded runs, as its ``--report`` does, so the page
shows what the script prints; for the others the tables are the JSON's summary (``summary``,
``table`` or ``results``, else its runs), one row per record. Nothing on the page is typed by
hand: a new result file is a new section on the next build.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
_OPTION = re.compile(r"add_argument\(\s*\"(--[\w-]+)\"")
_POSITIONAL = re.compile(r"add_argument\(\s*\"([a-z_]\w*)\"")


def script_for(json_path: Path) -> Path:
    """``bench/<script>.py`` that wrote ``json_path``: the longest script name its stem starts with."""
    stem = json_path.stem
    found = [p for p in BENCH.glob("*.py") if stem == p.stem or stem.startswith(p.stem + "_")]
    if not found:
        raise ValueError(f"{json_path.name}: no bench/<script>.py whose name starts this file's name "
                         f"(scripts: {sorted(p.stem for p in BENCH.glob('*.py'))})")
    return max(found, key=lambda p: len(p.stem))


def command(script: Path, data: dict) -> str:
    """The command line that wrote ``data``, from the options it records (only the script's
    real options: ``--name`` or positional arguments found in its ``add_argument`` calls)."""
    source = script.read_text()
    for helper in re.findall(r"^from (\w+) import", source, re.M):  # options the shared helpers define
        if (BENCH / f"{helper}.py").is_file():
            source += (BENCH / f"{helper}.py").read_text()
    options, positionals = set(_OPTION.findall(source)), set(_POSITIONAL.findall(source))
    recorded = dict(data.get("args") or {})
    for key, value in data.items():  # a file without args may record options at its top level
        if key not in recorded and not isinstance(value, (dict, list)):
            recorded[key] = value
    meta = data.get("meta") or {}
    for key in ("rounds", "reruns", "torch_threads"):
        if key in meta and key not in recorded:
            recorded[key] = meta[key]
    if "cpu_set" in meta and "cpus" not in recorded:
        recorded["cpus"] = meta["cpu_set"]
    words = ["python", f"bench/{script.name}"]
    for key, value in recorded.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False or (flag not in options and key not in positionals):
            continue
        values = [] if value is True else [str(v) for v in (value if isinstance(value, list) else [value])]
        words += values if key in positionals else [flag, *values]
    return " ".join(words)


def _fmt(v) -> str:
    if isinstance(v, bool) or v is None:
        return "-" if v is None else str(v).lower()
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, list):
        if v and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            if len(v) <= 3:
                return ", ".join(_fmt(x) for x in v)
            return f"{len(v)} values: first {_fmt(v[0])}, max {_fmt(max(v))}, last {_fmt(v[-1])}"
        return ", ".join(_fmt(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items())
    return str(v).replace("|", "\\|").replace("\n", " ")


def _records(obj, path=()):
    """``(path, {column: scalar})`` for each dict in ``obj`` that has non-dict values; dict values
    are walked (their keys join the path)."""
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _records(item, (*path, str(i)) if not isinstance(item, dict) else path)
        return
    if not isinstance(obj, dict):
        yield path, {"value": obj}
        return
    leaves = {k: v for k, v in obj.items() if not isinstance(v, dict)}
    if leaves:
        yield path, leaves
    for k, v in obj.items():
        if isinstance(v, dict):
            yield from _records(v, (*path, str(k)))


def table(obj) -> str:
    """A Markdown table of ``obj``'s records: one row per record, one column per field."""
    records = list(_records(obj))
    columns = list(dict.fromkeys(k for _, r in records for k in r))
    labelled = any(path for path, _ in records)
    head = ([""] if labelled else []) + columns
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for path, r in records:
        row = ([" / ".join(path)] if labelled else []) + [_fmt(r.get(c)) if c in r else "" for c in columns]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _load(script: Path):
    sys.path.insert(0, str(BENCH))  # the scripts import their shared helpers (fit_predict)
    try:
        spec = importlib.util.spec_from_file_location(f"dlx_bench_{script.stem}", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


# scripts whose table function takes more than the result: how to call it on their JSON
_ADAPTERS = {
    "export_latency": lambda m: lambda d: m.table(d["results"], d["args"]["kinds"], d["args"]["formats"],
                                                  d["args"]["backends"]),
    "tuner_digits": lambda m: lambda d: m._table(d["runs"]),
}


def _own_markdown(script: Path):
    """The script's ``markdown(result)`` function, when it has one taking only the result."""
    if "\ndef markdown(result)" not in script.read_text():
        return None
    module = _load(script)
    if len(inspect.signature(module.markdown).parameters) != 1:
        return None

    def render(result):  # as the script's --report does: the summary from the runs, by today's rules
        if callable(getattr(module, "summarize", None)) and isinstance(result.get("runs"), list):
            result = {**result, "summary": module.summarize(result["runs"])}
        return module.markdown(result)
    return render


def _committed(path: Path) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def section(json_path: Path) -> str:
    data = json.loads(json_path.read_text())
    script = script_for(json_path)
    meta = data.get("meta") or {}
    lines = [f"## `{json_path.name}`", "",
             f"Written by `bench/{script.name}`; command, rebuilt from the options the file records:", "",
             "```bash", command(script, data), "```", ""]
    when = []
    if "date" in meta:
        when.append(f"run {meta['date']}")
    elif (day := _committed(json_path)) is not None:
        when.append(f"no run date recorded; committed {day}")
    for key, label in (("cpus", "CPUs"), ("python", "Python")):
        if key in meta:
            when.append(f"{label} {meta[key]}")
    if "loadavg" in data:
        when.append(f"load average {_fmt(data['loadavg'])}")
    for key in ("torch_threads", "omp_num_threads", "backend", "keras_backend"):
        if key in data and not isinstance(data[key], (dict, list)):
            when.append(f"{key} {data[key]}")
    lines += ["Machine and date: " + ("; ".join(when) if when else "not recorded in the file") + ".", ""]
    if "versions" in meta:
        lines += ["Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".", ""]
    own = _own_markdown(script) if "summary" in data and "meta" in data else None
    if own is None and script.stem in _ADAPTERS:
        own = _ADAPTERS[script.stem](_load(script))
    if own is not None:
        body = own(data)
        # the script's own headings sit below this section's
        body = re.sub(r"^(#{1,4}) ", lambda m: "#" * min(len(m[1]) + 2, 6) + " ", body, flags=re.M)
        lines += [f"As `bench/{script.name}` renders it:", "", body.strip(), ""]
        return "\n".join(lines) + "\n"
    key = next((k for k in ("summary", "table", "results") if k in data), None)
    settings = {k: v for k, v in data.items() if k not in ("args", "meta", "runs", key)
                and not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))}
    if settings:
        lines += [table(settings), ""]
    if key is not None:
        lines += [f"`{key}`:", "", table(data[key]), ""]
    elif isinstance(data.get("runs"), list):
        lines += ["`runs`:", "", table(data["runs"]), ""]
    elif not settings:
        lines += [table(data), ""]
    return "\n".join(lines) + "\n"


def page_markdown(results: Path = RESULTS) -> str:
    files = sorted(results.glob("*.json"))
    if not files:
        raise ValueError(f"no benchmark results in {results} (bench/<script>.py writes them)")
    out = ["# Benchmarks", "",
           "Generated when the site is built from the JSON files the scripts in `bench/` write to "
           "`bench/results/` (one section per file, in name order); `bench/README.md` says what each "
           "script measures and how. Numbers from a shared or contended machine say so in their "
           "section: read them with their date, machine and command.", ""]
    for p in files:
        out.append(section(p))
    return "\n".join(out)

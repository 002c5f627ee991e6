"""Run real Keras 3 programs on dlx and on Keras, per backend, and write the comparison.

Developer-side (not CI). The programs are read from a keras-io checkout (``--source``: a work tree
or a bare git directory, as ``fetch github:keras-team/keras-io`` gives) and copied to a temporary
folder for each run; they are never stored in this repository. Each run is
``python launch.py IMPL program.py`` (``launch.py``: ``import keras`` is dlx for IMPL ``dlx``;
``standins.py``: offline data and capped training for both). The program's own backend choice
(``os.environ["KERAS_BACKEND"] = ...``) and epoch counts are rewritten in the copy.

    python tools/keras_programs/runner.py --source /path/to/keras-io --jobs 2
    python tools/keras_programs/runner.py --only mnist_convnet --backends jax --impl dlx
    python tools/keras_programs/runner.py --table-only   # rewrite the table from the JSON

Results accumulate in ``docs/compatibility_programs.json`` (one entry per program, backend and
implementation; a rerun replaces its entries) and the table in ``docs/compatibility.md`` between
the ``programs:begin`` / ``programs:end`` markers is rewritten from it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(ROOT, "docs", "compatibility_programs.json")
DOC = os.path.join(ROOT, "docs", "compatibility.md")
BACKENDS = ("jax", "torch", "tensorflow")
DLX_NAMES = {"jax": "jax", "torch": "torch", "tensorflow": "tf"}
BEGIN, END = "<!-- programs:begin -->", "<!-- programs:end -->"

_lock = threading.Lock()


def load_programs() -> list[dict]:
    with open(os.path.join(HERE, "programs.toml"), "rb") as f:
        return tomllib.load(f)["program"]


def read_source(source: str, path: str) -> str:
    if os.path.isfile(os.path.join(source, path)):
        with open(os.path.join(source, path), encoding="utf-8") as f:
            return f.read()
    return subprocess.run(
        ["git", "--git-dir", source, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True
    ).stdout


_BACKEND_LINE = re.compile(r"""^(\s*)os\.environ\[["']KERAS_BACKEND["']\]\s*=.*$""", re.M)
_EPOCH_ASSIGN = re.compile(r"^(\s*[A-Za-z_]*(?:epochs|EPOCHS|Epochs)[A-Za-z_0-9]*\s*=\s*)\d+\b", re.M)
_EPOCH_KWARG = re.compile(r"\bepochs\s*=\s*\d+")


def prepare(text: str) -> str:
    """The program with its backend choice removed and its epoch counts set to 1."""
    text = _BACKEND_LINE.sub(r"\1pass  # harness: the runner sets the backend", text)
    text = _EPOCH_ASSIGN.sub(r"\g<1>1", text)
    return _EPOCH_KWARG.sub("epochs=1", text)


_ERROR = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)|[A-Za-z_][\w.]*Warning)\b.*")


def first_error(stderr: str) -> str:
    """The exception line of the last traceback (``TypeError: ...``), else stderr's last line."""
    lines = stderr.rstrip().splitlines()
    if "Traceback (most recent call last):" in stderr:
        start = max(i for i, line in enumerate(lines) if line.startswith("Traceback"))
        for line in lines[start + 1 :]:
            if _ERROR.match(line):
                return line.strip()[:240]
    return (lines[-1].strip() if lines else "no output")[:240]


def run_one(source: str, program: dict, backend: str, impl: str, timeout: float, log_dir: str | None = None) -> dict:
    work = tempfile.mkdtemp(prefix="kp-")
    try:
        name = os.path.basename(program["path"])
        target = os.path.join(work, name)
        with open(target, "w", encoding="utf-8") as f:
            f.write(prepare(read_source(source, program["path"])))
        env = dict(os.environ)
        env.update(
            KERAS_BACKEND=backend,
            DLX_BACKEND=DLX_NAMES[backend],
            KERAS_HOME=os.path.join(work, ".keras"),
            DLX_HOME=os.path.join(work, ".dlx"),
            MPLBACKEND="Agg",
            TF_CPP_MIN_LOG_LEVEL="3",
            CUDA_VISIBLE_DEVICES="",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            TF_NUM_INTRAOP_THREADS="1",
            TF_NUM_INTEROP_THREADS="1",
            DLX_TORCH_THREADS="1",
            PYTHONUNBUFFERED="1",
            XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
        )
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "launch.py"), impl, target],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"status": "timeout", "error": f"over {timeout:.0f} s", "seconds": round(timeout)}
        seconds = round(time.monotonic() - start, 1)
        if log_dir:
            os.makedirs(log_dir, exist_ok=True)
            stem = os.path.splitext(name)[0]
            with open(os.path.join(log_dir, f"{stem}-{backend}-{impl}.log"), "w", encoding="utf-8") as f:
                f.write(stderr)
        if proc.returncode == 0:
            return {"status": "pass", "error": "", "seconds": seconds}
        return {"status": "fail", "error": first_error(stderr), "seconds": seconds}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load_results() -> dict:
    if os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as f:
            return json.load(f)
    return {"results": {}}


def save_results(data: dict) -> None:
    data["updated"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open(RESULTS, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


def _cell(entry: dict | None) -> str:
    if entry is None:
        return "not run"
    if entry["status"] == "pass":
        return "pass"
    text = entry["error"].replace("|", "\\|").replace("\n", " ")
    return f"{entry['status']}: `{text}`" if text else entry["status"]


def table(data: dict, programs: list[dict]) -> str:
    results = data["results"]
    rows, counts = [], {b: [0, 0] for b in BACKENDS}
    ran = set()
    for program in programs:
        if "skip" in program:
            continue
        for backend in program.get("backends", BACKENDS):
            entry = results.get(program["path"], {}).get(backend, {})
            dlx, keras = entry.get("dlx"), entry.get("keras")
            if dlx is None and keras is None:
                continue
            ran.add(program["path"])
            if keras is not None and keras["status"] == "pass" and dlx is not None:
                counts[backend][1] += 1
                counts[backend][0] += dlx["status"] == "pass"
            rows.append(f"| {program['path']} | {DLX_NAMES[backend]} | {_cell(dlx)} | {_cell(keras)} |")
    lines = [
        f"Last run: {data.get('updated', 'never')}; {len(ran)} programs ran.",
        "",
        "| backend | dlx passes where Keras passes |",
        "| --- | ---: |",
    ]
    for backend, (ok, total) in counts.items():
        share = f"{100 * ok / total:.0f}%" if total else "n/a"
        lines.append(f"| {DLX_NAMES[backend]} | {ok} / {total} ({share}) |")
    lines += [
        "",
        "| program | backend | dlx | Keras |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        "Not run (the reason is in `tools/keras_programs/programs.toml`):",
        "",
    ]
    lines += [f"* {p['path']}: {p['skip']}" for p in programs if "skip" in p]
    return "\n".join(lines)


def write_table(data: dict, programs: list[dict]) -> None:
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    if BEGIN not in doc:
        raise SystemExit(f"{DOC} has no {BEGIN} marker")
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(f"{head}{BEGIN}\n{table(data, programs)}\n{END}{tail}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        default=os.environ.get("KERAS_IO", "/work/.mirror/chicham+keras-io/repo"),
        help="keras-io checkout (work tree or git directory)",
    )
    parser.add_argument("--only", action="append", help="run programs whose path contains this (repeatable)")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--impl", default="dlx,keras", help="dlx, keras or both")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--missing", action="store_true", help="only runs with no stored result")
    parser.add_argument("--failed", action="store_true", help="only runs whose stored result is not a pass")
    parser.add_argument("--table-only", action="store_true")
    parser.add_argument(
        "--keras-first",
        action="store_true",
        help="run dlx only where Keras passes (a program Keras fails does not count)",
    )
    parser.add_argument("--log-dir", help="keep each run's stderr here (PROGRAM-BACKEND-IMPL.log)")
    args = parser.parse_args(argv)

    programs = load_programs()
    data = load_results()
    if args.table_only:
        write_table(data, programs)
        return
    backends = args.backends.split(",")
    tasks = []
    for program in programs:
        if "skip" in program or (args.only and not any(o in program["path"] for o in args.only)):
            continue
        for backend in program.get("backends", BACKENDS):
            if backend not in backends:
                continue
            for impl in args.impl.split(","):
                stored = data["results"].get(program["path"], {}).get(backend, {}).get(impl)
                if (args.missing and stored is not None) or (args.failed and stored and stored["status"] == "pass"):
                    continue
                tasks.append((program, backend, impl))

    # backend-major: every program on the first backend listed before any on the next
    tasks.sort(key=lambda t: backends.index(t[1]))
    if args.keras_first:  # one job per (program, backend): Keras, then dlx where Keras passed
        pairs: dict = {}
        for t in tasks:
            pairs.setdefault((t[0]["path"], t[1]), []).append(t)
        tasks = [sorted(group, key=lambda t: t[2] != "keras") for group in pairs.values()]
    else:
        tasks = [[t] for t in tasks]

    def task(program, backend, impl):
        if impl == "dlx" and args.keras_first:
            keras = data["results"].get(program["path"], {}).get(backend, {}).get("keras")
            if keras is None or keras["status"] != "pass":
                return  # the program does not count on this backend: Keras fails it (or did not run)
        result = run_one(args.source, program, backend, impl, program.get("timeout", args.timeout), args.log_dir)
        with _lock:  # merged into the file as it is now: another runner may have written to it
            data["results"] = load_results()["results"]
            data["results"].setdefault(program["path"], {}).setdefault(backend, {})[impl] = result
            save_results(data)
        print(
            f"{result['status']:7} {result['seconds']:6.1f}s {impl:5} {backend:10} {program['path']}"
            f"  {result['error']}",
            flush=True,
        )

    def group(runs):
        for run in runs:
            task(*run)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for future in [pool.submit(group, g) for g in tasks]:
            future.result()
    write_table(data, programs)


if __name__ == "__main__":
    main()

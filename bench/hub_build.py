"""Time to build ``ResNet50(weights=None)``: ``dlx.applications`` against ``keras.applications``
on the same backend, side by side in one run.

Each measurement runs in its own subprocess (one framework per process). The framework, dlx /
Keras and the applications module are imported before the clock starts (warm imports excluded);
the clock covers the first build in the process (layer creation, random initialisation, and on
jax the compilations that initialisation needs), then a second build in the same process; torch
runs with the same thread count on both sides (``--torch-threads``, default half the cores). Rounds
interleave dlx and Keras; the table shows medians. On a shared machine the figures are
contended: read them as ratios within one run.

    python bench/hub_build.py                            # jax torch tf, 3 rounds
    python bench/hub_build.py --backends jax --rounds 5 --json bench/results/hub_build.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _measure(lib: str, backend: str, torch_threads: int) -> dict:
    if backend == "torch":  # the same thread count on both sides
        import torch

        torch.set_num_threads(torch_threads)
    if lib == "keras":
        os.environ["KERAS_BACKEND"] = {"tf": "tensorflow"}.get(backend, backend)
        import keras

        build = keras.applications.ResNet50
    else:
        import dlx
        import dlx_hub  # noqa: F401  (provides dlx.applications)

        ctx = dlx.backend.use(backend)
        ctx.__enter__()
        dlx.ops.convert_to_numpy(dlx.ops.zeros((1,)))  # the backend itself imported
        build = dlx.applications.ResNet50
    times = []
    for _ in range(2):
        t = time.perf_counter()
        model = build(weights=None)
        times.append(time.perf_counter() - t)
    return {"first_s": times[0], "second_s": times[1], "params": int(model.count_params())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", nargs="+", default=["jax", "torch", "tf"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--torch-threads", type=int, default=None, help="default: half the cores")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    threads = args.torch_threads or max(1, (os.cpu_count() or 2) // 2)
    if args.one:
        lib, backend = args.one.split(":")
        print(json.dumps(_measure(lib, backend, threads)))
        return
    runs = []
    for r in range(args.rounds):
        for backend in args.backends:
            for lib in ("dlx", "keras"):  # interleaved: each round measures both
                res = subprocess.run([sys.executable, __file__, "--one", f"{lib}:{backend}", "--torch-threads",
                                      str(threads)], capture_output=True,
                                     text=True, env={**os.environ, "PYTHONWARNINGS": "ignore",
                                                     "TF_CPP_MIN_LOG_LEVEL": "3"})
                lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
                row = {"round": r, "lib": lib, "backend": backend}
                row.update(json.loads(lines[-1]) if lines else {"error": res.stderr.strip().splitlines()[-3:]})
                runs.append(row)
                print(row, flush=True)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nload average at the end {load} (this bench does not measure other processes' use: on a shared "
          f"machine read it as ratios within one run); {args.rounds} round(s); torch threads {threads} on both sides\n"
          "\n| backend | dlx first build (s) | Keras first build (s) | dlx / Keras | dlx second | Keras second |"
          "\n|---|---|---|---|---|---|")
    table = {}
    for backend in args.backends:
        med = {}
        for lib in ("dlx", "keras"):
            ok = [x for x in runs if x["backend"] == backend and x["lib"] == lib and "first_s" in x]
            med[lib] = {k: statistics.median(x[k] for x in ok) if ok else None for k in ("first_s", "second_s")}
        d, k = med["dlx"], med["keras"]
        ratio = d["first_s"] / k["first_s"] if d["first_s"] and k["first_s"] else None
        table[backend] = {"dlx": d, "keras": k, "ratio_first": ratio}
        fmt = (lambda v: f"{v:.2f}" if v is not None else "-")
        print(f"| {backend} | {fmt(d['first_s'])} | {fmt(k['first_s'])} | {fmt(ratio)} | {fmt(d['second_s'])} | "
              f"{fmt(k['second_s'])} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"table": table, "runs": runs, "args": vars(args), "torch_threads": threads,
                       "loadavg": os.getloadavg()}, f, indent=1)


if __name__ == "__main__":
    main()

"""``bench/fit_predict.py --compare``: how far the ratios of two saved runs differ."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fit_predict.py"


@pytest.fixture(scope="module")
def fit_predict(bench_script):
    return bench_script("fit_predict")


def _result(date, steps):
    """A saved result whose W1 jax rounds have the given (dlx, raw) ms/step, plus one import round."""
    runs = []
    for r, (dlx, raw) in enumerate(steps):
        runs += [{"suite": "w1", "backend": "jax", "impl": "dlx", "round": r, "ms_per_step": dlx},
                 {"suite": "w1", "backend": "jax", "impl": "raw", "round": r, "ms_per_step": raw}]
    runs += [{"suite": "import", "backend": "jax", "impl": "dlx_op", "round": 0, "s": 0.50},
             {"suite": "import", "backend": "jax", "impl": "framework", "round": 0, "s": 0.40 if date == "A" else 0.43}]
    return {"meta": {"date": date, "rounds": len(steps)}, "runs": runs}


def _row(text, name):
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_a_ratio_that_moved_more_than_five_percent_is_flagged(fit_predict):
    # per-round dlx / raw: run A 1.00, 1.02, 1.04 (median 1.02); run B 1.10, 1.12, 1.08 (median 1.10)
    a = _result("A", [(1.00, 1.0), (1.02, 1.0), (1.04, 1.0)])
    b = _result("B", [(1.10, 1.0), (1.12, 1.0), (1.08, 1.0)])
    text = fit_predict.compare([a, b])
    row = _row(text, "fit W1 dlx / raw step")
    assert "| 1.020 | 1.100 |" in row and f"{100 * (1.10 / 1.02 - 1):.1f}%" in row and row.endswith("**no** |")
    assert f"Largest dlx / raw difference: {100 * (1.10 / 1.02 - 1):.1f}%." in text
    # an import difference is compared in seconds: 0.10 s against 0.07 s
    assert _row(text, "import dlx+op - framework import (s)").endswith("| 0.030 s | - |")


def test_ratios_within_five_percent_pass(fit_predict):
    a = _result("A", [(1.00, 1.0), (1.01, 1.0)])
    b = _result("B", [(1.03, 1.0), (1.04, 1.0)])
    row = _row(fit_predict.compare([a, b]), "fit W1 dlx / raw step")
    assert row.endswith("| yes |") and "3.0%" in row


def test_compare_needs_two_results(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_result("A", [(1.0, 1.0)])))
    proc = subprocess.run([sys.executable, str(SCRIPT), "--compare", str(one)], capture_output=True, text=True)
    assert proc.returncode != 0 and "--compare needs two or more result files" in proc.stderr


def test_a_round_runs_each_cell_back_to_back_with_its_reference_in_the_middle(fit_predict):
    cfgs = fit_predict.configs(["jax", "torch", "tf"], ["w1", "w1_spe", "w2", "predict", "import"])
    orders = [fit_predict.round_order(cfgs, seed) for seed in range(12)]
    for order in orders:
        assert sorted(map(json.dumps, order)) == sorted(map(json.dumps, cfgs))  # each config once
        cells = []
        for cfg in order:
            key = {k: v for k, v in cfg.items() if k != "impl"}
            if not cells or cells[-1][0] != key:
                cells.append((key, []))
            cells[-1][1].append(cfg["impl"])
        assert len(cells) == len({json.dumps(k, sort_keys=True) for k, _ in cells})  # no cell split
        for key, impls in cells:
            refs = [i for i, impl in enumerate(impls) if impl in ("raw", "raw_scan", "framework")]
            if refs:  # the ratios' denominator has the cell's other runs on both sides of it
                assert refs == [(len(impls) - 1) // 2], (key, impls)
    # the cells and the implementations around the reference are shuffled from round to round
    assert len({tuple(json.dumps(c, sort_keys=True) for c in o) for o in orders}) == len(orders)
    assert len({tuple(c["impl"] for c in o if c["suite"] == "w1" and c["backend"] == "jax") for o in orders}) > 1


def test_api_runs_measure_their_raw_reference_in_their_own_process(fit_predict):
    cfgs = fit_predict.configs(["jax", "torch", "tf"], ["w1", "w1_spe", "w2", "predict"])
    assert not [c for c in cfgs if c["impl"].startswith("raw")]  # no raw run of its own
    for c in cfgs:  # torch has no whole-epoch loop: its steps_per_execution run pairs with the per-step one
        expected = "raw_scan" if c["suite"] == "w1_spe" and c["backend"] != "torch" else "raw"
        assert c["pair"] == expected, c


def test_a_paired_run_gives_its_round_ratio_and_the_raw_cell(fit_predict):
    # round 0: the paired ratio (1.04) counts, not dlx / raw of the two separate figures (2.0 / 1.0)
    runs = [{"suite": "w1", "backend": "torch", "impl": "dlx", "pair": "raw", "round": 0, "ms_per_step": 2.0,
             "ref_ms_per_step": 1.0, "pair_ratio": 1.04, "warmup_s": 3.0},
            {"suite": "w1", "backend": "torch", "impl": "keras", "pair": "raw", "round": 0, "ms_per_step": 3.0,
             "ref_ms_per_step": 1.2, "pair_ratio": 2.5},
            # round 1: a result saved before paired runs (separate raw run): the quotient
            {"suite": "w1", "backend": "torch", "impl": "dlx", "round": 1, "ms_per_step": 1.1},
            {"suite": "w1", "backend": "torch", "impl": "raw", "round": 1, "ms_per_step": 1.0},
            {"suite": "predict", "backend": "tf", "impl": "dlx", "rows": 1, "pair": "raw", "round": 0, "ms": 0.3,
             "ref_ms": 0.4, "pair_ratio": 0.7}]
    summary = fit_predict.summarize(runs)
    ratio = summary["ratios"]["fit W1 dlx / raw step|torch"]
    assert ratio["per_round"] == [1.04, 1.1] and ratio["n"] == 2
    assert summary["ratios"]["fit W1 keras / raw step|torch"]["per_round"] == [2.5]
    assert summary["ratios"]["predict(1) dlx / raw|tf"]["median"] == 0.7
    # the raw column: the references measured in the dlx and Keras runs (1.0, 1.2) and the separate run (1.0)
    raw = summary["cells"]["w1|torch|raw|None"]
    assert raw["n"] == 3 and raw["median"] == 1.0 and summary["cells"]["predict|tf|raw|1"]["median"] == 0.4
    assert summary["cells"]["w1|torch|dlx|None"]["n"] == 2


def test_fit_and_predict_workers_keep_freed_buffers_in_the_heap(fit_predict):
    import argparse
    import os

    args = argparse.Namespace(torch_threads=1, default_malloc=False)
    fit = fit_predict._worker_env({"suite": "w2", "backend": "torch", "impl": "dlx", "pair": "raw"}, args)
    imp = fit_predict._worker_env({"suite": "import", "backend": "torch", "impl": "dlx_op"}, args)
    unset = fit_predict._worker_env({"suite": "w2", "backend": "torch", "impl": "dlx", "pair": "raw"},
                                    argparse.Namespace(torch_threads=1, default_malloc=True))
    for k, v in fit_predict.MALLOC_ENV.items():
        assert fit[k] == v and (k not in imp or imp[k] == os.environ[k]) and unset.get(k) == os.environ.get(k)
    # glibc reads those names: a 16 MB buffer freed and allocated again faults pages in every time
    # with the dynamic defaults (unmapped on free; 4 kB or 2 MB pages), only the first with MALLOC_ENV
    child = ("import resource, numpy as np\n"
             "f = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
             "np.ones(1 << 22, np.float32); f0 = f()\n"
             "for _ in range(20): np.ones(1 << 22, np.float32)\n"
             "print(f() - f0)")
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    faults = {name: int(subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True,
                                       check=True).stdout)
              for name, env in (("default", base), ("fixed", {**base, **fit_predict.MALLOC_ENV}))}
    assert faults["fixed"] < 20 <= faults["default"], faults


def test_the_predict_input_is_one_aligned_array_of_the_seeded_rows(fit_predict, monkeypatch):
    """Both sides of a predict pair read one array: 64-byte aligned whatever the allocator did
    (jax copies a NumPy input that is not), holding standard-normal rows of seed 1."""
    import numpy as np

    seen = {}
    monkeypatch.setattr(fit_predict, "_predict_api", lambda lib, x: seen.setdefault("api", (lib, x)))
    monkeypatch.setattr(fit_predict, "_raw_jax_predict", lambda x: seen.setdefault("raw", x))
    monkeypatch.setattr(fit_predict, "_paired_time", lambda api, raw: (api, raw))
    for rows in (1, 3, 1024):
        seen.clear()
        fit_predict.run_worker({"backend": "jax", "impl": "keras", "suite": "predict", "rows": rows})
        lib, x = seen["api"]
        assert lib == "keras" and seen["raw"] is x
        assert x.ctypes.data % 64 == 0, (rows, x.ctypes.data % 64)
        assert x.shape == (rows, 784) and x.dtype == np.float32 and x.flags.c_contiguous
        # the seed's rows, not another seed's or a stale buffer's: the row seed 1 draws first, and
        # standard-normal statistics over the big input
        np.testing.assert_array_equal(x[0], np.random.default_rng(1).standard_normal(784, dtype=np.float32))
        if rows == 1024:
            assert abs(float(x.mean())) < 0.01 and abs(float(x.std()) - 1) < 0.01


def test_the_scattering_cells_run_several_processes_per_round(fit_predict):
    cfgs = fit_predict.configs(["jax", "tf"], ["predict", "import"])
    n = fit_predict.CELL_REPEATS
    for b in ("jax", "tf"):
        p1 = [c for c in cfgs if c["backend"] == b and c["suite"] == "predict" and c["rows"] == 1]
        assert sorted((c["impl"], c.get("rep", 0)) for c in p1) == sorted(
            [("dlx", k) for k in range(n["predict(1)"])] + [("keras", 0)])
        assert len([c for c in cfgs if c["backend"] == b and c.get("rows") == 1024]) == 2  # dlx, keras once
        imp = [(c["impl"], c.get("rep", 0)) for c in cfgs if c["backend"] == b and c["suite"] == "import"]
        assert sorted(imp) == sorted([(i, k) for i in ("framework", "framework_op", "dlx_op")
                                      for k in range(n["import"])] + [("keras", 0)])
    # a repeat is a cell of its own, its reference (the framework import) in its middle
    order = fit_predict.round_order(cfgs, 3)
    assert sorted(map(json.dumps, order)) == sorted(map(json.dumps, cfgs))
    assert fit_predict._label({"suite": "predict", "backend": "jax", "impl": "dlx", "rows": 1, "rep": 2}) == \
        "predict/jax/dlx/1#2"


def test_each_repeat_adds_a_value_to_its_ratio(fit_predict):
    runs = []
    for r in range(2):
        for k, ratio in enumerate((1.10, 1.20, 1.30)):
            runs.append({"suite": "predict", "backend": "jax", "impl": "dlx", "rows": 1, "pair": "raw", "round": r,
                         "ms": 0.06, "ref_ms": 0.05, "pair_ratio": ratio + r, **({"rep": k} if k else {})})
            runs += [{"suite": "import", "backend": "jax", "impl": "framework", "round": r, "s": 1.0,
                      **({"rep": k} if k else {})},
                     {"suite": "import", "backend": "jax", "impl": "dlx_op", "round": r, "s": 1.0 + 0.01 * (k + 1),
                      **({"rep": k} if k else {})}]
        runs.append({"suite": "predict", "backend": "jax", "impl": "keras", "rows": 1, "pair": "raw", "round": r,
                     "ms": 0.6, "ref_ms": 0.05, "pair_ratio": 12.0})
    ratios = fit_predict.summarize(runs)["ratios"]
    p1 = ratios["predict(1) dlx / raw|jax"]
    assert p1["n"] == 6 and p1["per_round"] == [1.1, 1.2, 1.3, 2.1, 2.2, 2.3] and p1["median"] == pytest.approx(1.7)
    assert ratios["predict(1) keras / raw|jax"]["n"] == 2
    # an import difference pairs the framework and dlx runs of the same round and repeat
    imp = ratios["import dlx+op - framework import (s)|jax"]
    assert imp["n"] == 6 and imp["per_round"] == [0.01, 0.02, 0.03, 0.01, 0.02, 0.03]
    assert "predict(1) dlx runs 3 processes per round; " in fit_predict._repeats_note(runs)


def test_a_paired_timing_alternates_the_orders_after_its_warm_up(fit_predict, monkeypatch):
    """``_paired_time``: ``warmup`` untimed calls of each side, then ``blocks`` timing blocks of
    ``min_calls`` calls each, ref first in even blocks and fn first in odd ones; the figures are
    the sides' median call times and the median of the per-block ratios, not the ratio of the
    medians (on a stand-in clock that each call moves by its side's cost: fn 2 ms throughout, ref
    1 ms in the warm-up and the first two blocks and 2 ms in the last two, so the per-block ratios
    are 2, 2, 1, 1: their median 1.5, while the medians' ratio is 2 / 1.5)."""
    clock, calls = [100.0], []

    def fn():
        calls.append("f")
        clock[0] += 0.002

    def ref():
        block = (calls.count("r") - 1) // 2  # -1: the warm-up call
        calls.append("r")
        clock[0] += 0.001 if block < 2 else 0.002

    monkeypatch.setattr(fit_predict.time, "perf_counter", lambda: clock[0])
    t = fit_predict._paired_time(fn, ref, blocks=4, min_calls=2, min_s=0.0, warmup=1)
    assert "".join(calls) == "fr" + "rrff" + "ffrr" + "rrff" + "ffrr"
    assert t["ms"] == pytest.approx(2.0) and t["ref_ms"] == pytest.approx(1.5)
    assert t["pair_ratio"] == pytest.approx(1.5) and t["pair_blocks"] == 4

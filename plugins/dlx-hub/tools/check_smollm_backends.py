"""Developer-side check (not run by CI; CI runs SmolLM2 on torch only, for time): SmolLM2's
last-position logits against the committed transformers golden, and the greedy 12-token
continuations of the three golden prompts (left-padded batch, KV cache), on each backend given.

    python plugins/dlx-hub/tools/check_smollm_backends.py numpy jax tf openvino
"""

from __future__ import annotations

import json
import pathlib
import sys
import time

import numpy as np

import dlx
import dlx_hub

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "tests" / "goldens"


def main(backends):
    golden = json.loads((GOLDENS / "smollm2.json").read_text(encoding="utf-8"))
    full = np.load(GOLDENS / "smollm2_capital_last_logits.npy")
    with dlx.backend.use("numpy"):
        lm = dlx_hub.models.CausalLM.from_preset("smollm2_135m_instruct_q4_1")
    prompts = [p["prompt"] for p in golden["prompts"]]
    for b in backends:
        with dlx.backend.use(b):
            t = time.perf_counter()
            logits = dlx.ops.convert_to_numpy(lm(lm.preprocessor.generate_preprocess(prompts[0])))[0, -1]
            out = lm.generate(prompts, max_new_tokens=12, strip_prompt=True, stop_token_ids=None)
            ok = out == [p["greedy_text"] for p in golden["prompts"]]
            print(f"{b}: max|logits - transformers| = {np.abs(logits - full).max():.2e}, argmax {logits.argmax()}, "
                  f"greedy x3 equal: {ok}  ({time.perf_counter() - t:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["numpy", "jax", "torch", "tf", "openvino"])

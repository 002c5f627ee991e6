"""Losses against NumPy float64 formulas: per-sample values, reductions, sample weights, label
smoothing, from_logits, masking, CTC, gradients and configs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import dlx
from dlx import losses as L

EPS = 1e-7
R = np.random.default_rng(0)
B, C = 6, 5


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_cce(t, p):
    p = p / p.sum(-1, keepdims=True)
    return -(t * np.log(np.clip(p, EPS, 1 - EPS))).sum(-1)


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), EPS)


reg_true = R.standard_normal((B, C))
reg_pred = R.standard_normal((B, C))
pos_true = R.random((B, C)) + 0.1
pos_pred = R.random((B, C)) + 0.1
bin_true = (R.random((B, C)) > 0.5).astype(float)
prob_pred = R.uniform(0.05, 0.95, (B, C))
logits = R.standard_normal((B, C)) * 2
onehot = np.eye(C)[R.integers(0, C, B)]
probs = softmax(logits)
sparse = R.integers(0, C, B)

CASES = {
    "mse": (L.MeanSquaredError(), reg_true, reg_pred, lambda t, p: ((t - p) ** 2).mean(-1)),
    "mae": (L.MeanAbsoluteError(), reg_true, reg_pred, lambda t, p: np.abs(t - p).mean(-1)),
    "mape": (L.MeanAbsolutePercentageError(), reg_true, reg_pred,
             lambda t, p: 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)),
    "msle": (L.MeanSquaredLogarithmicError(), pos_true, pos_pred,
             lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1)),
    "cosine": (L.CosineSimilarity(), reg_true, reg_pred, lambda t, p: -(unit(t) * unit(p)).sum(-1)),
    "huber": (L.Huber(delta=0.7), reg_true, reg_pred,
              lambda t, p: np.where(np.abs(p - t) <= 0.7, 0.5 * (p - t) ** 2, 0.7 * np.abs(p - t) - 0.5 * 0.49).mean(-1)),
    "logcosh": (L.LogCosh(), reg_true, reg_pred, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    "hinge": (L.Hinge(), bin_true, reg_pred, lambda t, p: np.maximum(1 - (2 * t - 1) * p, 0).mean(-1)),
    "hinge-pm1": (L.Hinge(), 2 * bin_true - 1, reg_pred, lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
    "squared_hinge": (L.SquaredHinge(), bin_true, reg_pred,
                      lambda t, p: (np.maximum(1 - (2 * t - 1) * p, 0) ** 2).mean(-1)),
    "categorical_hinge": (L.CategoricalHinge(), onehot, reg_pred,
                          lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
    "kld": (L.KLDivergence(), probs, softmax(reg_pred),
            lambda t, p: (t * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1))).sum(-1)),
    "poisson": (L.Poisson(), pos_true, pos_pred, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    "bce": (L.BinaryCrossentropy(), bin_true, prob_pred, lambda t, p: np_bce(t, p).mean(-1)),
    "bce-logits-smoothing": (L.BinaryCrossentropy(from_logits=True, label_smoothing=0.2), bin_true, logits,
                             lambda t, p: np_bce(t * 0.8 + 0.1, sigmoid(p)).mean(-1)),
    "binary_focal": (L.BinaryFocalCrossentropy(gamma=1.5), bin_true, prob_pred,
                     lambda t, p: ((1 - (t * p + (1 - t) * (1 - p))) ** 1.5 * np_bce(t, p)).mean(-1)),
    "binary_focal-balanced-logits": (
        L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, from_logits=True, label_smoothing=0.1),
        bin_true, logits,
        lambda t, p: _focal_bal(t * 0.9 + 0.05, sigmoid(p), 0.3, 2.0)),
    "cce": (L.CategoricalCrossentropy(), onehot, probs, np_cce),
    "cce-logits-smoothing": (L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), onehot, logits,
                             lambda t, p: -((t * 0.9 + 0.1 / C) * np.log(softmax(p))).sum(-1)),
    "categorical_focal": (L.CategoricalFocalCrossentropy(alpha=0.4, gamma=2.0), onehot, probs,
                          lambda t, p: (0.4 * (1 - np.clip(p, EPS, 1 - EPS)) ** 2 * -t
                                        * np.log(np.clip(p, EPS, 1 - EPS))).sum(-1)),
    "sparse_cce": (L.SparseCategoricalCrossentropy(), sparse, probs, lambda t, p: np_cce(np.eye(C)[t], p)),
    "sparse_cce-logits-col": (L.SparseCategoricalCrossentropy(from_logits=True), sparse[:, None], logits,
                              lambda t, p: -np.log(softmax(p))[np.arange(B), t[:, 0]]),
}


def _focal_bal(t, p, alpha, gamma):
    pt = t * p + (1 - t) * (1 - p)
    w = t * alpha + (1 - t) * (1 - alpha)
    return (w * (1 - pt) ** gamma * np_bce(t, p)).mean(-1)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_values(case, reduction, weighted):
    loss, t, p, ref = CASES[case]
    loss = type(loss).from_config({**loss.get_config(), "reduction": reduction})
    sw = R.random(B) if weighted else None
    got = np.asarray(loss(t.astype(np.float32) if case.startswith("sparse") is False else t,
                          p.astype(np.float32), sample_weight=sw))
    per = ref(t, p)
    w = per * (sw if weighted else 1.0)
    want = {"none": w, "sum": w.sum(), "sum_over_batch_size": w.sum() / B,
            "mean_with_sample_weight": w.sum() / (sw.sum() if weighted else B)}[reduction]
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", ["mse", "MSE", "mae", "mape", "msle", "kld", "logcosh", "huber", "hinge",
                                  "poisson", "binary_crossentropy", "categorical_crossentropy"])
def test_function_aliases_match_classes(name):
    fn = L.get(name)
    t, p = pos_true.astype(np.float32), pos_pred.astype(np.float32) / 2
    per = np.asarray(fn(t, p))
    assert per.shape == (B,)


def test_dice_and_tversky():
    t = bin_true
    p = prob_pred
    inter = (t * p).sum()
    np.testing.assert_allclose(float(L.Dice()(t, p)), 1 - 2 * inter / (t.sum() + p.sum() + EPS), rtol=1e-5)
    tp, fp, fn = (t * p).sum(), ((1 - t) * p).sum(), (t * (1 - p)).sum()
    np.testing.assert_allclose(float(L.Tversky(alpha=0.3, beta=0.7)(t, p)), 1 - tp / (tp + 0.3 * fp + 0.7 * fn + EPS),
                               rtol=1e-5)
    per_row = np.asarray(L.Dice(axis=-1, reduction="none")(t, p))
    np.testing.assert_allclose(per_row, 1 - 2 * (t * p).sum(-1) / (t.sum(-1) + p.sum(-1) + EPS), rtol=1e-5)


def ctc_reference(labels, logits, lab_len, t_len, blank=0):
    """Brute force: sum over every alignment of length T that collapses to the labels."""
    lp = np.log(softmax(logits.astype(np.float64)))
    out = []
    for b in range(len(labels)):
        target = tuple(labels[b][:lab_len[b]])
        T, K = t_len[b], lp.shape[-1]
        total = -np.inf
        for path in itertools.product(range(K), repeat=T):
            collapsed, prev = [], None
            for k in path:
                if k != prev and k != blank:
                    collapsed.append(k)
                prev = k
            if tuple(collapsed) == target:
                total = np.logaddexp(total, sum(lp[b, t, k] for t, k in enumerate(path)))
        out.append(-total)
    return np.array(out)


def test_ctc_against_brute_force():
    r = np.random.default_rng(3)
    labels = np.array([[1, 2, 2], [2, 1, 0], [1, 0, 0]])
    lab_len = np.array([3, 2, 1])
    t_len = np.array([5, 4, 3])
    lg = r.standard_normal((3, 5, 3))
    got = np.asarray(L.ctc_loss(labels, lg.astype(np.float32), lab_len, t_len))
    np.testing.assert_allclose(got, ctc_reference(labels, lg, lab_len, t_len), rtol=1e-5)
    full = np.array([[1, 2], [2, 2]])
    lg2 = r.standard_normal((2, 5, 3))
    got = np.asarray(L.CTC(reduction="none")(full, lg2.astype(np.float32)))
    np.testing.assert_allclose(got, ctc_reference(full, lg2, [2, 2], [5, 5]), rtol=1e-5)


def test_sparse_ignore_class_masks_the_mean():
    t = np.array([0, 1, 2, 1, 0])
    p = softmax(R.standard_normal((5, 3)))
    got = float(L.SparseCategoricalCrossentropy(ignore_class=0)(t, p.astype(np.float32)))
    valid = t != 0
    want = -np.log(p[np.arange(5), t])[valid].sum() / valid.sum()
    np.testing.assert_allclose(got, want, rtol=1e-4)


def test_sample_weight_per_sample_on_sequence_losses():
    t = R.standard_normal((4, 3, 2))
    p = R.standard_normal((4, 3, 2))
    sw = np.array([1.0, 0.0, 2.0, 0.5])
    got = float(L.MeanSquaredError()(t, p, sample_weight=sw))
    per = ((t - p) ** 2).mean(-1) * sw[:, None]
    np.testing.assert_allclose(got, per.sum() / per.size, rtol=1e-5)


def test_gradient_flows_through_loss():
    b = dlx.backend.current()
    t = onehot.astype(np.float32)

    def f(x):
        return L.CategoricalCrossentropy(from_logits=True)(t, x)

    _, g = b.value_and_grad(f)(logits.astype(np.float32))
    np.testing.assert_allclose(np.asarray(g), (softmax(logits) - onehot) / B, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(L.CLASSES))
def test_config_round_trip(name):
    loss = L.CLASSES[name]()
    again = L.deserialize(L.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="reduction='avg'"):
        L.MeanSquaredError(reduction="avg")
    with pytest.raises(ValueError, match="unknown loss 'msee'"):
        L.get("msee")
    with pytest.raises(TypeError, match="unknown argument 'deltaa'"):
        L.Huber(deltaa=1.0)
    with pytest.raises(ValueError, match="axis=True"):
        L.categorical_crossentropy(onehot, probs, axis=True)
    assert math.isfinite(float(L.get("mse")(np.zeros(3), np.ones(3))))

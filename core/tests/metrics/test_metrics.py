"""Metrics against NumPy float64 / scikit-learn references: stateful updates over several
batches, the stateless API, sample weights and configs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import dlx
from dlx import metrics as M

sk = pytest.importorskip("sklearn.metrics")

R = np.random.default_rng(7)
N, C = 40, 4


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def run(metric, *arrays, sample_weight=None, batches=4):
    """Feeds the data in ``batches`` chunks through update_state, and separately through the
    stateless API; checks both agree and returns the result."""
    n = len(arrays[0])
    cuts = np.linspace(0, n, batches + 1).astype(int)
    if not metric.built:  # shape-dependent state: the trainer builds it from the first batch
        metric.build(arrays[0].shape, arrays[-1].shape)
    metric.reset_state()
    values = metric.stateless_reset_state()
    for a, b in itertools.pairwise(cuts):
        sw = None if sample_weight is None else sample_weight[a:b]
        chunk = [x[a:b] for x in arrays]
        metric.update_state(*chunk, sample_weight=sw)
        values = metric.stateless_update_state(values, *chunk, sample_weight=sw)
    out = np.asarray(metric.result(), np.float64)
    np.testing.assert_allclose(np.asarray(metric.stateless_result(values)), out, rtol=1e-6)
    return out


y_bin = (R.random(N) > 0.5).astype(np.float32)
p_bin = R.random(N).astype(np.float32)
y_cls = R.integers(0, C, N)
p_cls = R.random((N, C)).astype(np.float32)
y_oh = np.eye(C, dtype=np.float32)[y_cls]
y_reg = R.standard_normal((N, 3)).astype(np.float32)
p_reg = (y_reg + 0.5 * R.standard_normal((N, 3))).astype(np.float32)
sw = R.random(N).astype(np.float32)


def test_mean_and_sum():
    x = R.standard_normal(N).astype(np.float32)
    np.testing.assert_allclose(run(M.Mean(), x), x.mean(), rtol=1e-6)
    np.testing.assert_allclose(run(M.Mean(), x, sample_weight=sw), (x * sw).sum() / sw.sum(), rtol=1e-5)
    np.testing.assert_allclose(run(M.Sum(), x, sample_weight=sw), (x * sw).sum(), rtol=1e-5)
    x2 = R.standard_normal((N, 3)).astype(np.float32)
    np.testing.assert_allclose(run(M.Mean(), x2, sample_weight=sw), (x2.mean(1) * sw).sum() / sw.sum(), rtol=1e-5)


@pytest.mark.parametrize("weighted", [False, True])
def test_accuracies(weighted):
    w = sw if weighted else None
    pred_bin = (p_bin > 0.5).astype(np.float32)
    np.testing.assert_allclose(run(M.BinaryAccuracy(), y_bin, p_bin, sample_weight=w),
                               sk.accuracy_score(y_bin, pred_bin, sample_weight=w), rtol=1e-5)
    np.testing.assert_allclose(run(M.BinaryAccuracy(threshold=0.3), y_bin[:, None], p_bin[:, None], sample_weight=w),
                               sk.accuracy_score(y_bin, p_bin > 0.3, sample_weight=w), rtol=1e-5)
    am = p_cls.argmax(1)
    np.testing.assert_allclose(run(M.CategoricalAccuracy(), y_oh, p_cls, sample_weight=w),
                               sk.accuracy_score(y_cls, am, sample_weight=w), rtol=1e-5)
    np.testing.assert_allclose(run(M.SparseCategoricalAccuracy(), y_cls, p_cls, sample_weight=w),
                               sk.accuracy_score(y_cls, am, sample_weight=w), rtol=1e-5)
    np.testing.assert_allclose(run(M.SparseCategoricalAccuracy(), y_cls[:, None], p_cls, sample_weight=w),
                               sk.accuracy_score(y_cls, am, sample_weight=w), rtol=1e-5)
    np.testing.assert_allclose(run(M.Accuracy(), y_cls.astype(np.float32), am.astype(np.float32), sample_weight=w),
                               sk.accuracy_score(y_cls, am, sample_weight=w), rtol=1e-5)
    for k in (1, 2, 3):
        want = sk.top_k_accuracy_score(y_cls, p_cls, k=k, labels=range(C), sample_weight=w)
        np.testing.assert_allclose(run(M.SparseTopKCategoricalAccuracy(k=k), y_cls, p_cls, sample_weight=w), want,
                                   rtol=1e-5)
        np.testing.assert_allclose(run(M.TopKCategoricalAccuracy(k=k), y_oh, p_cls, sample_weight=w), want,
                                   rtol=1e-5)


def test_sparse_top_k_from_sorted_ids():
    ids = np.argsort(-p_cls, axis=1)
    want = sk.top_k_accuracy_score(y_cls, p_cls, k=2, labels=range(C))
    np.testing.assert_allclose(run(M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True), y_cls, ids), want)


@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_counts_precision_recall(weighted):
    w = sw if weighted else None
    for t in (0.5, 0.3):
        pred = (p_bin > t).astype(int)
        tn, fp, fn, tp = sk.confusion_matrix(y_bin, pred, sample_weight=w, labels=[0, 1]).ravel()
        np.testing.assert_allclose(run(M.TruePositives(t), y_bin, p_bin, sample_weight=w), tp, rtol=1e-5)
        np.testing.assert_allclose(run(M.FalsePositives(t), y_bin, p_bin, sample_weight=w), fp, rtol=1e-5)
        np.testing.assert_allclose(run(M.TrueNegatives(t), y_bin, p_bin, sample_weight=w), tn, rtol=1e-5)
        np.testing.assert_allclose(run(M.FalseNegatives(t), y_bin, p_bin, sample_weight=w), fn, rtol=1e-5)
        np.testing.assert_allclose(run(M.Precision(t), y_bin, p_bin, sample_weight=w),
                                   sk.precision_score(y_bin, pred, sample_weight=w), rtol=1e-5)
        np.testing.assert_allclose(run(M.Recall(t), y_bin, p_bin, sample_weight=w),
                                   sk.recall_score(y_bin, pred, sample_weight=w), rtol=1e-5)
    multi = run(M.Precision(thresholds=[0.2, 0.7]), y_bin, p_bin, sample_weight=w)
    assert multi.shape == (2,)
    np.testing.assert_allclose(multi, [sk.precision_score(y_bin, p_bin > t, sample_weight=w) for t in (0.2, 0.7)],
                               rtol=1e-5)


def test_precision_recall_class_id_and_top_k():
    pred_c2 = (p_cls[:, 2] > 0.5).astype(int)
    np.testing.assert_allclose(run(M.Precision(class_id=2), y_oh, p_cls), sk.precision_score(y_oh[:, 2], pred_c2),
                               rtol=1e-5)
    np.testing.assert_allclose(run(M.Recall(class_id=2), y_oh, p_cls), sk.recall_score(y_oh[:, 2], pred_c2),
                               rtol=1e-5)
    top1 = np.eye(C)[p_cls.argmax(1)]
    tp = (top1 * y_oh).sum()
    np.testing.assert_allclose(run(M.Precision(top_k=1), y_oh, p_cls), tp / top1.sum(), rtol=1e-5)
    np.testing.assert_allclose(run(M.Recall(top_k=1), y_oh, p_cls), tp / y_oh.sum(), rtol=1e-5)


def keras_auc_reference(y, p, n=200, curve="ROC", method="interpolation", w=None):
    """The thresholded Riemann sum of Keras's AUC, written from its definition in float64."""
    eps = 1e-7
    th = np.array([-eps, *[(i + 1) / (n - 1) for i in range(n - 2)], 1 + eps])
    w = np.ones_like(y) if w is None else w
    pos = p[None, :] > th[:, None]
    tp = (pos * (y == 1) * w).sum(1)
    fp = (pos * (y == 0) * w).sum(1)
    fn = (~pos * (y == 1) * w).sum(1)
    tn = (~pos * (y == 0) * w).sum(1)
    div = lambda a, b: np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))
    if curve == "PR" and method == "interpolation":
        dtp = tp[:-1] - tp[1:]
        pp = tp + fp
        dp = pp[:-1] - pp[1:]
        slope = div(dtp, np.maximum(dp, 0))
        icpt = tp[1:] - slope * pp[1:]
        ratio = np.where((pp[:-1] > 0) & (pp[1:] > 0), div(pp[:-1], np.maximum(pp[1:], 0)), 1.0)
        return div(slope * (dtp + icpt * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)).sum()
    rec = div(tp, tp + fn)
    x, yy = (div(fp, fp + tn), rec) if curve == "ROC" else (rec, div(tp, tp + fp))
    h = {"interpolation": (yy[:-1] + yy[1:]) / 2, "minoring": np.minimum(yy[:-1], yy[1:]),
         "majoring": np.maximum(yy[:-1], yy[1:])}[method]
    return ((x[:-1] - x[1:]) * h).sum()


@pytest.mark.parametrize("curve,method", [("ROC", "interpolation"), ("ROC", "minoring"), ("ROC", "majoring"),
                                          ("PR", "interpolation"), ("PR", "majoring")])
def test_auc_definition(curve, method):
    got = run(M.AUC(curve=curve, summation_method=method), y_bin, p_bin, sample_weight=sw)
    np.testing.assert_allclose(got, keras_auc_reference(y_bin.astype(float), p_bin.astype(float), curve=curve,
                                                        method=method, w=sw.astype(float)), rtol=1e-4, atol=1e-6)


def test_auc_close_to_sklearn_and_multilabel():
    y = (R.random(400) > 0.5).astype(np.float32)
    p = np.clip(0.35 * y + 0.65 * R.random(400), 0, 1).astype(np.float32)
    np.testing.assert_allclose(run(M.AUC(num_thresholds=1000), y, p), sk.roc_auc_score(y, p), atol=2e-3)
    np.testing.assert_allclose(run(M.AUC(num_thresholds=1000, curve="PR"), y, p), sk.average_precision_score(y, p),
                               atol=2e-2)
    logits = np.log(p / (1 - p + 1e-7) + 1e-7).astype(np.float32)
    np.testing.assert_allclose(run(M.AUC(num_thresholds=1000, from_logits=True), y, logits), sk.roc_auc_score(y, p),
                               atol=3e-3)
    ym = (R.random((200, 3)) > 0.5).astype(np.float32)
    pm = np.clip(0.3 * ym + 0.7 * R.random((200, 3)), 0, 1).astype(np.float32)
    per = [sk.roc_auc_score(ym[:, j], pm[:, j]) for j in range(3)]
    np.testing.assert_allclose(run(M.AUC(num_thresholds=1000, multi_label=True, num_labels=3), ym, pm),
                               np.mean(per), atol=3e-3)
    lw = [0.2, 0.5, 0.3]
    np.testing.assert_allclose(run(M.AUC(num_thresholds=1000, multi_label=True, label_weights=lw), ym, pm),
                               np.dot(per, lw) / sum(lw), atol=3e-3)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_and_fbeta(average):
    pred = np.eye(C)[p_cls.argmax(1)]
    want = sk.f1_score(y_oh, pred, average=average, zero_division=0)
    np.testing.assert_allclose(run(M.F1Score(average=average), y_oh, p_cls), want, rtol=1e-4, atol=1e-6)
    want_b = sk.fbeta_score(y_oh, p_cls > 0.4, beta=2.0, average=average, zero_division=0)
    np.testing.assert_allclose(run(M.FBetaScore(average=average, beta=2.0, threshold=0.4), y_oh, p_cls), want_b,
                               rtol=1e-4, atol=1e-6)


def test_mean_iou():
    pred = p_cls.argmax(1)
    want = sk.jaccard_score(y_cls, pred, average="macro", labels=sorted(set(y_cls) | set(pred)))
    np.testing.assert_allclose(run(M.MeanIoU(num_classes=C), y_cls, pred), want, rtol=1e-5)
    np.testing.assert_allclose(run(M.MeanIoU(num_classes=C, sparse_y_true=False, sparse_y_pred=False), y_oh, p_cls),
                               want, rtol=1e-5)
    keep = y_cls != 0
    want_ign = sk.jaccard_score(y_cls[keep], pred[keep], average="macro",
                                labels=sorted(set(y_cls[keep]) | set(pred[keep])))
    np.testing.assert_allclose(run(M.MeanIoU(num_classes=C, ignore_class=0), y_cls, pred), want_ign, rtol=1e-5)


@pytest.mark.parametrize("agg", ["uniform_average", "variance_weighted_average", None])
def test_r2(agg):
    mo = {"uniform_average": "uniform_average", "variance_weighted_average": "variance_weighted", None: "raw_values"}
    want = sk.r2_score(y_reg, p_reg, multioutput=mo[agg], sample_weight=sw)
    np.testing.assert_allclose(run(M.R2Score(class_aggregation=agg), y_reg, p_reg, sample_weight=sw), want, rtol=1e-4)
    r2 = sk.r2_score(y_reg[:, 0], p_reg[:, 0])
    adj = 1 - (1 - r2) * (N - 1) / (N - 2 - 1)
    np.testing.assert_allclose(run(M.R2Score(num_regressors=2), y_reg[:, 0], p_reg[:, 0]), adj, rtol=1e-4)


def test_regression_errors():
    d = y_reg.astype(np.float64) - p_reg
    np.testing.assert_allclose(run(M.MeanSquaredError(), y_reg, p_reg), (d**2).mean(), rtol=1e-5)
    np.testing.assert_allclose(run(M.MeanAbsoluteError(), y_reg, p_reg, sample_weight=sw),
                               (np.abs(d).mean(1) * sw).sum() / sw.sum(), rtol=1e-5)
    np.testing.assert_allclose(run(M.RootMeanSquaredError(), y_reg, p_reg), np.sqrt((d**2).mean()), rtol=1e-5)
    np.testing.assert_allclose(run(M.MeanAbsolutePercentageError(), y_reg, p_reg),
                               100 * (np.abs(d) / np.maximum(np.abs(y_reg), 1e-7)).mean(), rtol=1e-4)
    yp, pp = np.abs(y_reg), np.abs(p_reg)
    np.testing.assert_allclose(run(M.MeanSquaredLogarithmicError(), yp, pp),
                               ((np.log1p(pp.astype(np.float64)) - np.log1p(yp)) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(run(M.LogCoshError(), y_reg, p_reg), np.log(np.cosh(d)).mean(), rtol=1e-5)
    cos = (y_reg * p_reg).sum(1) / np.linalg.norm(y_reg, axis=1) / np.linalg.norm(p_reg, axis=1)
    np.testing.assert_allclose(run(M.CosineSimilarity(), y_reg, p_reg), cos.mean(), rtol=1e-5)


def test_call_returns_batch_result_and_get():
    m = M.get("mse")
    assert isinstance(m, M.MeanSquaredError)
    assert float(m(np.zeros(4), np.ones(4))) == 1.0
    assert isinstance(M.get("binary_crossentropy"), M.BinaryCrossentropy)  # as Keras 3: the class, not the function
    assert isinstance(M.get("Precision"), M.Precision)
    with pytest.raises(ValueError, match="unknown metric 'acuracy'"):
        M.get("acuracy")


_GET_PROBE = """
import json, sys
import keras
names = sorted(set(keras.src.metrics.ALL_OBJECTS_DICT) - {"Metric", "metric", "MeanMetricWrapper",
                                                           "mean_metric_wrapper"})
names += ["acc", "crossentropy", "logcosh", "log_cosh", "rmse", "kld", "huber", "binary_focal_crossentropy"]
out = {}
for n in names:
    try:
        out[n] = type(keras.metrics.get(n)).__name__
    except Exception as e:
        out[n] = type(e).__name__
print(json.dumps(out))
"""


def test_get_resolves_every_string_as_keras():
    """Every name in Keras 3's metric table (class names, their snake-case forms, the aliases)
    gives an instance of the same class as ``keras.metrics.get``; names Keras does not know
    (``"acc"``, ``"logcosh"``, ...) raise ``ValueError`` as there; those whose class needs
    arguments fail with ``TypeError`` in both."""
    import json
    import os
    import subprocess
    import sys

    pytest.importorskip("keras")
    done = subprocess.run([sys.executable, "-c", _GET_PROBE], capture_output=True, text=True, timeout=300, check=True,
                          env={**os.environ, "KERAS_BACKEND": "numpy"})
    want = json.loads(done.stdout.strip().splitlines()[-1])
    assert want["accuracy"] == "Accuracy" and want["acc"] == "ValueError"  # the reference's own facts
    got = {}
    for name in want:
        try:
            got[name] = type(M.get(name)).__name__
        except Exception as e:
            got[name] = type(e).__name__
    assert got == want


_NEED_ARGS = {"Metric", "MeanMetricWrapper", "MeanIoU", "IoU", "OneHotIoU", "OneHotMeanIoU", "PrecisionAtRecall",
              "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity"}


@pytest.mark.parametrize("name", sorted(set(M.CLASSES) - _NEED_ARGS))
def test_config_round_trip(name):
    m = M.CLASSES[name]()
    again = M.deserialize(M.serialize(m))
    assert type(again) is type(m) and again.get_config() == m.get_config()


def test_errors():
    with pytest.raises(ValueError, match="curve='XYZ'"):
        M.AUC(curve="xyz")
    with pytest.raises(ValueError, match="num_classes=0"):
        M.MeanIoU(0)
    with pytest.raises(ValueError, match="average='mean'"):
        M.F1Score(average="mean")
    m = M.Mean()
    with pytest.raises(ValueError, match="got 1 values; the metric has 2"):
        m.stateless_result([0.0])

"""The IoU family, the metrics at a fixed sensitivity / specificity / precision / recall, the
correlation metrics and the loss-named metrics, on every backend, against scikit-learn, SciPy and
float64 NumPy formulas; their configs against Keras 3.15's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import dlx
from dlx import metrics as M

sk = pytest.importorskip("sklearn.metrics")
stats = pytest.importorskip("scipy.stats")

R = np.random.default_rng(11)
N, C = 48, 4
y_bin = (R.random(N) > 0.4).astype(np.float32)
p_bin = np.clip(0.35 * y_bin + 0.65 * R.random(N), 0, 1).astype(np.float32)
y_cls = R.integers(0, C, N)
p_cls = R.random((N, C)).astype(np.float32)
y_oh = np.eye(C, dtype=np.float32)[y_cls]
sw = R.random(N).astype(np.float32)


def run(metric, *arrays, sample_weight=None, batches=3):
    """Feeds the data in ``batches`` chunks through update_state and, separately, the stateless
    API; checks both agree; returns the result as float64."""
    cuts = np.linspace(0, len(arrays[0]), batches + 1).astype(int)
    metric.reset_state()
    values = metric.stateless_reset_state()
    for a, b in itertools.pairwise(cuts):
        w = None if sample_weight is None else sample_weight[a:b]
        chunk = [x[a:b] for x in arrays]
        metric.update_state(*chunk, sample_weight=w)
        values = metric.stateless_update_state(values, *chunk, sample_weight=w)
    out = np.asarray(dlx.ops.convert_to_numpy(metric.result()), np.float64)
    np.testing.assert_allclose(np.asarray(dlx.ops.convert_to_numpy(metric.stateless_result(values))), out,
                               rtol=1e-6, atol=1e-7)
    return out


# ------------------------------------------------------------------------------------------ IoU
def _jaccard(t, p, labels, w=None):
    """Mean over ``labels`` present in t or p of sklearn's per-class Jaccard index."""
    present = [c for c in labels if (t == c).any() or (p == c).any()]
    return sk.jaccard_score(t, p, labels=present, average=None, sample_weight=w).mean()


@pytest.mark.parametrize("weighted", [False, True])
def test_iou_family(backend, weighted):
    w = sw if weighted else None
    pred = p_cls.argmax(1)
    np.testing.assert_allclose(run(M.IoU(C, [0, 2]), y_cls, pred, sample_weight=w),
                               _jaccard(y_cls, pred, [0, 2], w), rtol=1e-5)
    np.testing.assert_allclose(run(M.IoU(C, 3, sparse_y_pred=False), y_cls, p_cls, sample_weight=w),
                               _jaccard(y_cls, pred, [3], w), rtol=1e-5)
    np.testing.assert_allclose(run(M.MeanIoU(C), y_cls, pred, sample_weight=w),
                               _jaccard(y_cls, pred, range(C), w), rtol=1e-5)
    np.testing.assert_allclose(run(M.OneHotIoU(C, [1, 3]), y_oh, p_cls, sample_weight=w),
                               _jaccard(y_cls, pred, [1, 3], w), rtol=1e-5)
    np.testing.assert_allclose(run(M.OneHotMeanIoU(C), y_oh, p_cls, sample_weight=w),
                               _jaccard(y_cls, pred, range(C), w), rtol=1e-5)
    for th, ids in ((0.5, (0, 1)), (0.3, [1]), (0.7, [0])):
        pb = (p_bin >= th).astype(int)
        np.testing.assert_allclose(run(M.BinaryIoU(ids, threshold=th), y_bin, p_bin, sample_weight=w),
                                   _jaccard(y_bin.astype(int), pb, list(ids), w), rtol=1e-5)
    keep = y_cls != 1
    np.testing.assert_allclose(run(M.IoU(C, [0, 2, 3], ignore_class=1), y_cls, pred),
                               _jaccard(y_cls[keep], pred[keep], [0, 2, 3]), rtol=1e-5)


def test_iou_absent_class_and_errors():
    with dlx.backend.use("numpy"):
        m = M.IoU(3, [2])  # class 2 never seen: no valid entry, result 0
        m.update_state(np.array([0, 1]), np.array([0, 0]))
        assert float(m.result()) == 0.0
        with pytest.raises(ValueError, match=r"target_class_ids=\[3\]"):
            M.IoU(3, [3])
        with pytest.raises(ValueError, match="num_classes=0"):
            M.OneHotMeanIoU(0)
        with pytest.raises(ValueError, match="sample_weight has 3 elements"):
            M.IoU(3, [0]).update_state(np.array([0, 1]), np.array([0, 0]), sample_weight=np.ones(3))


# ------------------------------------------------------------------ at-sensitivity / specificity
def _grid(n):
    return [0.5] if n == 1 else [0.0, *((i + 1) / (n - 1) for i in range(n - 2)), 1.0]


def _best(kind, value, y, p, n, w=None):
    """float64 reference: at each grid threshold (positive: ``p > t``) sklearn's confusion matrix;
    the best dependent rate among thresholds meeting the constraint, else 0."""
    best = 0.0
    for t in _grid(n):
        tn, fp, fn, tp = sk.confusion_matrix(y.astype(int), (p > t).astype(int), labels=[0, 1],
                                             sample_weight=w).ravel().astype(np.float64)
        sens = tp / (tp + fn) if tp + fn else 0.0
        spec = tn / (tn + fp) if tn + fp else 0.0
        prec = tp / (tp + fp) if tp + fp else 0.0
        constrained, dependent = {"SensitivityAtSpecificity": (spec, sens), "SpecificityAtSensitivity": (sens, spec),
                                  "PrecisionAtRecall": (sens, prec), "RecallAtPrecision": (prec, sens)}[kind]
        if constrained >= value:
            best = max(best, dependent)
    return best


@pytest.mark.parametrize("kind", ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
                                  "RecallAtPrecision"])
def test_rate_at_rate(backend, kind):
    cls = getattr(M, kind)
    for value, n, weighted in ((0.6, 200, False), (0.8, 11, True), (0.95, 1, False), (1.0, 50, True)):
        w = sw if weighted else None
        np.testing.assert_allclose(run(cls(value, num_thresholds=n), y_bin, p_bin, sample_weight=w),
                                   _best(kind, value, y_bin, p_bin, n, w), rtol=1e-5, atol=1e-7)
    # class_id picks one column of a multi-label problem
    np.testing.assert_allclose(run(cls(0.5, num_thresholds=21, class_id=2), y_oh, p_cls),
                               _best(kind, 0.5, y_oh[:, 2], p_cls[:, 2], 21), rtol=1e-5, atol=1e-7)


def test_rate_at_rate_errors():
    with dlx.backend.use("numpy"):
        with pytest.raises(ValueError, match=r"recall=1\.5"):
            M.PrecisionAtRecall(1.5)
        with pytest.raises(ValueError, match="num_thresholds=0"):
            M.SensitivityAtSpecificity(0.5, num_thresholds=0)


# ---------------------------------------------------------------------------------- correlation
def test_correlation(backend):
    yt = R.standard_normal((N, 6)).astype(np.float32)
    yp = (0.7 * yt + 0.5 * R.standard_normal((N, 6)) + 0.3).astype(np.float32)
    t, p = yt.astype(np.float64), yp.astype(np.float64)
    r = np.array([stats.pearsonr(a, b)[0] for a, b in zip(t, p)])
    ccc = 2 * ((t - t.mean(1, keepdims=True)) * (p - p.mean(1, keepdims=True))).mean(1) / (
        t.var(1) + p.var(1) + (t.mean(1) - p.mean(1)) ** 2)
    np.testing.assert_allclose(run(M.PearsonCorrelation(), yt, yp), r.mean(), rtol=1e-5)
    np.testing.assert_allclose(run(M.PearsonCorrelation(), yt, yp, sample_weight=sw), (r * sw).sum() / sw.sum(),
                               rtol=1e-5)
    np.testing.assert_allclose(run(M.ConcordanceCorrelation(), yt, yp), ccc.mean(), rtol=1e-5)
    np.testing.assert_allclose(dlx.ops.convert_to_numpy(M.pearson_correlation(yt, yp)), r, rtol=1e-5)
    np.testing.assert_allclose(dlx.ops.convert_to_numpy(M.concordance_correlation(yt, yp)), ccc, rtol=1e-5)
    # axis=0: correlation down each column; the metric is the mean over columns
    rc = np.array([stats.pearsonr(t[:, j], p[:, j])[0] for j in range(6)])
    np.testing.assert_allclose(run(M.PearsonCorrelation(axis=0), yt, yp, batches=1), rc.mean(), rtol=1e-5)


# ---------------------------------------------------------------------------------- loss-named
def _wmean(values, w):
    return values.mean() if w is None else (values * w).sum() / w.sum()


@pytest.mark.parametrize("weighted", [False, True])
def test_loss_named_metrics(backend, weighted):
    w = sw if weighted else None
    eps = 1e-7
    yb = (R.random((N, 3)) > 0.5).astype(np.float32)
    pb = R.uniform(0.05, 0.95, (N, 3)).astype(np.float32)
    t, p = yb.astype(np.float64), pb.astype(np.float64)
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(1)
    np.testing.assert_allclose(run(M.BinaryCrossentropy(), yb, pb, sample_weight=w), _wmean(bce, w), rtol=1e-5)
    ts = t * 0.8 + 0.1
    bce_s = -(ts * np.log(p) + (1 - ts) * np.log(1 - p)).mean(1)
    np.testing.assert_allclose(run(M.BinaryCrossentropy(label_smoothing=0.2), yb, pb, sample_weight=w),
                               _wmean(bce_s, w), rtol=1e-5)
    logits = np.log(p / (1 - p)).astype(np.float32)
    np.testing.assert_allclose(run(M.BinaryCrossentropy(from_logits=True), yb, logits, sample_weight=w),
                               _wmean(bce, w), rtol=1e-4)

    probs = p_cls / p_cls.sum(1, keepdims=True)
    pc = probs.astype(np.float64)
    cce = -np.log(pc[np.arange(N), y_cls])
    np.testing.assert_allclose(run(M.CategoricalCrossentropy(), y_oh, probs, sample_weight=w), _wmean(cce, w),
                               rtol=1e-5)
    np.testing.assert_allclose(run(M.SparseCategoricalCrossentropy(), y_cls, probs, sample_weight=w),
                               _wmean(cce, w), rtol=1e-5)
    lg = np.log(pc).astype(np.float32) + 1.5
    np.testing.assert_allclose(run(M.SparseCategoricalCrossentropy(from_logits=True), y_cls, lg, sample_weight=w),
                               _wmean(cce, w), rtol=1e-4)
    # Keras counts ignored entries as 0 and keeps them in the mean's denominator
    np.testing.assert_allclose(run(M.SparseCategoricalCrossentropy(ignore_class=0), y_cls, probs),
                               np.where(y_cls == 0, 0.0, cce).mean(), rtol=1e-5)
    sm = y_oh.astype(np.float64) * 0.9 + 0.1 / C
    np.testing.assert_allclose(run(M.CategoricalCrossentropy(label_smoothing=0.1), y_oh, probs, sample_weight=w),
                               _wmean(-(sm * np.log(pc)).sum(1), w), rtol=1e-5)

    s = 2 * t - 1
    z = R.standard_normal((N, 3))
    zf = z.astype(np.float32)
    np.testing.assert_allclose(run(M.Hinge(), yb, zf, sample_weight=w),
                               _wmean(np.maximum(1 - s * z, 0).mean(1), w), rtol=1e-5)
    np.testing.assert_allclose(run(M.SquaredHinge(), yb, zf, sample_weight=w),
                               _wmean((np.maximum(1 - s * z, 0) ** 2).mean(1), w), rtol=1e-5)
    zc = p_cls.astype(np.float64)
    ch = np.maximum(((1 - y_oh) * zc).max(1) - (y_oh * zc).sum(1) + 1, 0)
    np.testing.assert_allclose(run(M.CategoricalHinge(), y_oh, p_cls, sample_weight=w), _wmean(ch, w), rtol=1e-5)

    q = R.dirichlet(np.ones(C), N)
    qf = q.astype(np.float32)
    kl = (np.clip(q, eps, 1) * np.log(np.clip(q, eps, 1) / np.clip(pc, eps, 1))).sum(1)
    np.testing.assert_allclose(run(M.KLDivergence(), qf, probs, sample_weight=w), _wmean(kl, w), rtol=1e-4)
    cnt = R.poisson(2.0, (N, 3)).astype(np.float32)
    rate = R.uniform(0.5, 3.0, (N, 3)).astype(np.float32)
    pois = (rate.astype(np.float64) - cnt * np.log(rate.astype(np.float64) + eps)).mean(1)
    np.testing.assert_allclose(run(M.Poisson(), cnt, rate, sample_weight=w), _wmean(pois, w), rtol=1e-5)


# ----------------------------------------------------------------------------- configs and fit
# get_config() of each metric in Keras 3.15.1 (keras.metrics.X(...).get_config(), dtype given)
KERAS_CONFIGS = [
    (lambda: M.IoU(3, [0, 1], dtype="float32"),
     {"name": "io_u", "dtype": "float32", "num_classes": 3, "target_class_ids": [0, 1], "ignore_class": None,
      "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}),
    (lambda: M.BinaryIoU(dtype="float32"),
     {"target_class_ids": [0, 1], "threshold": 0.5, "name": "binary_io_u", "dtype": "float32"}),
    (lambda: M.OneHotIoU(3, [1], dtype="float32"),
     {"num_classes": 3, "target_class_ids": [1], "name": "one_hot_io_u", "dtype": "float32", "ignore_class": None,
      "sparse_y_pred": False, "axis": -1}),
    (lambda: M.OneHotMeanIoU(3, dtype="float32"),
     {"num_classes": 3, "name": "one_hot_mean_io_u", "dtype": "float32", "ignore_class": None,
      "sparse_y_pred": False, "axis": -1}),
    (lambda: M.MeanIoU(3, dtype="float32"),
     {"num_classes": 3, "name": "mean_io_u", "dtype": "float32", "ignore_class": None, "sparse_y_true": True,
      "sparse_y_pred": True, "axis": -1}),
    (lambda: M.PrecisionAtRecall(0.5, dtype="float32"),
     {"name": "precision_at_recall", "dtype": "float32", "class_id": None, "num_thresholds": 200, "recall": 0.5}),
    (lambda: M.SensitivityAtSpecificity(0.5, dtype="float32"),
     {"name": "sensitivity_at_specificity", "dtype": "float32", "class_id": None, "num_thresholds": 200,
      "specificity": 0.5}),
    (lambda: M.PearsonCorrelation(dtype="float32"), {"name": "pearson_correlation", "dtype": "float32", "axis": -1}),
    (lambda: M.BinaryCrossentropy(dtype="float32"),
     {"name": "binary_crossentropy", "dtype": "float32", "from_logits": False, "label_smoothing": 0}),
    (lambda: M.CategoricalCrossentropy(dtype="float32"),
     {"name": "categorical_crossentropy", "dtype": "float32", "from_logits": False, "label_smoothing": 0,
      "axis": -1}),
    (lambda: M.SparseCategoricalCrossentropy(dtype="float32"),
     {"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": False, "ignore_class": None,
      "axis": -1}),
    (lambda: M.Hinge(dtype="float32"), {"name": "hinge", "dtype": "float32"}),
    (lambda: M.KLDivergence(dtype="float32"), {"name": "kl_divergence", "dtype": "float32"}),
    (lambda: M.Poisson(dtype="float32"), {"name": "poisson", "dtype": "float32"}),
]


@pytest.mark.parametrize("make,want", KERAS_CONFIGS, ids=[w["name"] for _, w in KERAS_CONFIGS])
def test_configs_match_keras(make, want):
    with dlx.backend.use("numpy"):
        m = make()
        assert m.get_config() == want
        again = M.deserialize(M.serialize(m))
        assert type(again) is type(m) and again.get_config() == want


def test_metrics_in_fit(backend):
    """The new metrics run inside compiled training and evaluation steps."""
    if backend.name == "openvino":
        pytest.skip("openvino is an inference backend: no fit()")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5)).astype(np.float32)
    y = (x[:, :1] + 0.2 * rng.standard_normal((64, 1)) > 0).astype(np.float32)
    dlx.utils.set_random_seed(3)
    model = dlx.Sequential([dlx.Input((5,)), dlx.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy",
                  metrics=[M.BinaryIoU(), M.PrecisionAtRecall(0.5), M.BinaryCrossentropy(), M.Hinge()])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    p = np.asarray(model.predict(x, verbose=0), np.float64)
    t = y.astype(np.float64)
    bce = -(t * np.log(np.clip(p, 1e-7, 1 - 1e-7)) + (1 - t) * np.log(np.clip(1 - p, 1e-7, 1 - 1e-7))).mean()
    np.testing.assert_allclose(logs["binary_crossentropy"], bce, rtol=1e-4)
    np.testing.assert_allclose(logs["binary_io_u"], _jaccard(y[:, 0].astype(int), (p[:, 0] >= 0.5).astype(int),
                                                             [0, 1]), rtol=1e-4)
    np.testing.assert_allclose(logs["precision_at_recall"], _best("PrecisionAtRecall", 0.5, y[:, 0], p[:, 0], 200),
                               rtol=1e-4)

"""Public op functions: signatures, validation errors, symbolic shapes, variables."""

import inspect

import numpy as np
import pytest

import dlx
from dlx import ops
from dlx.ops import SymbolicTensor


def test_registry_is_large_and_every_op_is_public_and_documented():
    assert len(ops.REGISTRY) >= 150
    undocumented = [n for n, s in ops.REGISTRY.items() if not s.doc]
    assert undocumented == []
    for name, spec in ops.REGISTRY.items():
        # image ops are public only in their namespace, as Keras has them (keras.ops.image.resize)
        fn = getattr(ops.image if spec.group == "image" else ops, name)
        assert inspect.signature(fn) == spec.signature, name
        assert fn.spec is spec


def test_every_op_has_cases_and_a_tolerance():
    for name, spec in ops.REGISTRY.items():
        assert spec.cases, name
        assert spec.tolerance is not None, name


def test_required_op_families_are_registered():
    required = ["add", "subtract", "multiply", "divide", "equal", "less", "logical_and", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "power", "abs", "sign", "sin", "cos", "tan", "tanh", "erf", "clip", "where", "maximum", "minimum", "sum", "mean", "var", "std", "max", "min", "prod", "argmax", "argmin", "logsumexp", "any", "all", "cumsum", "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split", "take", "take_along_axis", "slice", "pad", "tile", "repeat", "broadcast_to", "get_item", "matmul", "einsum", "tensordot", "relu", "relu6", "sigmoid", "softplus", "silu", "gelu", "elu", "selu", "leaky_relu", "softmax", "log_softmax", "conv", "conv_transpose", "max_pool", "average_pool", "batch_normalization", "layer_normalization", "rms_normalization", "one_hot", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "dot_product_attention", "random_normal", "random_uniform", "random_truncated_normal", "random_randint", "random_dropout", "random_shuffle", "random_categorical"]
    assert [r for r in required if r not in ops.REGISTRY] == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: ops.sum(x, axis=3), "sum: axis=3 is invalid; expected axes in \\[-2, 2\\)"),
        (lambda x: ops.mean(x, axis=(0, 0)), "distinct axes"),
        (lambda x: ops.max(x, keepdims="yes"), "keepdims='yes'"),
        (lambda x: ops.cast(x, "float33"), "cast: dtype='float33'"),
        (lambda x: ops.max_pool(x[None, :, :, None], 2, padding="full"), "max_pool: padding='full'"),
        (lambda x: ops.conv(x[None, :, :, None], np.ones((1, 1, 1, 1), np.float32), data_format="NHWC"),
         "data_format='NHWC'"),
        (lambda x: ops.squeeze(x, axis=0), "squeeze: axis=0 has length 2"),
    ],
)
def test_bad_arguments_name_op_argument_and_value(numpy_backend, call, message):
    with pytest.raises(ValueError, match=message):
        call(np.ones((2, 3), np.float32))


def test_padding_is_case_insensitive(numpy_backend):
    out = ops.max_pool(np.ones((1, 4, 4, 1), np.float32), 2, padding="SAME")
    assert out.shape == (1, 2, 2, 1)


def test_dtype_objects_are_standardized(numpy_backend):
    assert ops.zeros((2,), dtype=np.float64).dtype == np.float64
    assert ops.cast(np.ones(2, np.float32), np.int16).dtype == np.int16


def test_symbolic_shapes_without_a_backend():
    x = SymbolicTensor((None, 28, 28, 3))
    k = SymbolicTensor((3, 3, 3, 16))
    y = ops.conv(x, k, strides=2, padding="same")
    assert y.shape == (None, 14, 14, 16) and y.dtype == "float32"
    z = ops.reshape(ops.max_pool(y, 2), (-1, 7 * 7 * 16))
    assert z.shape == (None, 784)
    a, b = ops.split(SymbolicTensor((None, 10)), 2, axis=1)
    assert a.shape == b.shape == (None, 5)
    assert ops.argmax(SymbolicTensor((None, 7)), axis=-1).dtype == "int32"
    assert ops.add(SymbolicTensor((None, 3), "int32"), 1.5).dtype == "float32"
    assert ops.matmul(SymbolicTensor((None, None, 8)), SymbolicTensor((8, 4))).shape == (None, None, 4)
    q = SymbolicTensor((None, 5, 2, 8))
    assert ops.dot_product_attention(q, q, q).shape == (None, 5, 2, 8)


def test_symbolic_operators_and_errors():
    x = SymbolicTensor((None, 4))
    y = (x * 2 + 1) @ SymbolicTensor((4, 3))
    assert y.shape == (None, 3)
    assert x[:, 1:].shape == (None, 3)
    with pytest.raises(ValueError, match="matmul: invalid arguments"):
        ops.matmul(x, SymbolicTensor((5, 3)))
    with pytest.raises(TypeError, match="Python control flow"):
        bool(x)


def test_variables_are_read_by_ops(numpy_backend):
    v = dlx.Variable(np.arange(4, dtype=np.float32), name="v")
    np.testing.assert_array_equal(ops.add(v, 1.0), np.arange(4) + 1)
    np.testing.assert_array_equal(ops.concatenate([v, v]), np.tile(np.arange(4), 2))
    with pytest.raises(ValueError, match="cannot assign a value of shape"):
        v.assign(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="must not contain '/'"):
        dlx.Variable(np.zeros(2), name="a/b")


def test_stateless_scope_reads_and_records(numpy_backend):
    v = dlx.Variable(np.ones(3, np.float32), name="v")
    with dlx.StatelessScope([(v, np.zeros(3, np.float32))]) as scope:
        assert float(ops.sum(v)) == 0.0
        v.assign(np.full(3, 2.0, np.float32))
        assert float(ops.sum(v)) == 6.0
    np.testing.assert_array_equal(scope.updated(v), [2, 2, 2])
    np.testing.assert_array_equal(v.numpy(), [1, 1, 1])


@pytest.mark.parametrize("backend_name", ["numpy", "jax", "torch", "tf", "openvino"])
def test_shape_errors_of_conv_groups_and_dense_on_every_backend(backend_name):
    """One rule per check (dlx.ops.conv_rules.groups, the dense spec's validation), the same
    message on every backend."""
    try:
        backend = dlx.backend.get(backend_name)
    except Exception as e:
        pytest.skip(f"{backend_name}: {e}")
    x = np.ones((1, 5, 5, 6), np.float32)
    with dlx.backend.use(backend):
        with pytest.raises(ValueError, match=r"input channels 6 are not a multiple of the kernel's input channels 4"):
            ops.conv(x, np.ones((3, 3, 4, 8), np.float32))
        with pytest.raises(ValueError, match=r"kernel output channels 5 are not a multiple of groups=3"):
            ops.conv(x, np.ones((3, 3, 2, 5), np.float32))
        assert tuple(ops.shape(ops.conv(x, np.ones((3, 3, 2, 6), np.float32)))) == (1, 3, 3, 6)  # 3 groups
        with pytest.raises(ValueError, match=r"dense: x of shape \(2, 3\) does not match kernel of shape \(4, 2\)"):
            ops.dense(np.ones((2, 3), np.float32), np.ones((4, 2), np.float32))
        with pytest.raises(ValueError, match=r"dense: bias of shape \(3,\); expected shape \(2,\)"):
            ops.dense(np.ones((2, 4), np.float32), np.ones((4, 2), np.float32), np.ones(3, np.float32))

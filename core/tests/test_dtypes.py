import numpy as np
import pytest

from dlx import dtypes


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (("int32", "float32"), "float32"),
        (("int64", "float32"), "float32"),
        (("uint32", "int32"), "int64"),
        (("uint8", "int8"), "int16"),
        (("float16", "bfloat16"), "float32"),
        (("bool", "int8"), "int8"),
        (("float16", 2.0), "float16"),
        (("int32", 1.5), "float32"),
        (("bool", 1), "int32"),
        (("int8", 1000), "int8"),
        ((1.0,), "float32"),
        ((1,), "int32"),
        ((True,), "bool"),
    ],
)
def test_result_type_lattice(items, expected):
    assert dtypes.result_type(*items) == expected


def test_standardize_accepts_framework_style_objects():
    class FakeTorchDtype:
        def __str__(self):
            return "torch.float32"

    assert dtypes.standardize(FakeTorchDtype()) == "float32"
    assert dtypes.standardize(np.dtype("int16")) == "int16"
    assert dtypes.standardize(np.float64) == "float64"
    assert dtypes.standardize("double") == "float64"


def test_standardize_rejects_unknown():
    with pytest.raises(ValueError, match="dtype='complex7'"):
        dtypes.standardize("complex7")


def test_set_floatx_validates():
    with pytest.raises(ValueError, match="not a float dtype"):
        dtypes.set_floatx("int32")

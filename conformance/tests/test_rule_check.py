"""The finite-difference check of gradient rules catches a wrong rule."""

import dataclasses

from dlx.ops.spec import REGISTRY
from dlx_conformance.checks import rule_case


def test_correct_rules_pass_and_a_planted_wrong_rule_fails():
    spec = REGISTRY["sigmoid"]
    case = spec.cases[0]
    assert rule_case(spec, case, "float64").ok
    wrong = dataclasses.replace(spec, grad=lambda g, out, x: (g * out,))  # misses the (1 - out) factor
    result = rule_case(wrong, case, "float64")
    assert not result.ok and "finite differences give" in result.detail
    off_by_a_little = dataclasses.replace(spec, grad=lambda g, out, x: (g * out * (1 - out) * 1.001,))
    assert not rule_case(off_by_a_little, case, "float64").ok


def test_a_multi_input_rule_is_checked_for_every_input():
    spec = REGISTRY["divide"]
    case = spec.cases[0]
    assert rule_case(spec, case, "float64").ok
    swapped = dataclasses.replace(spec, grad=lambda g, out, a, b: (g / b, g * out / b))  # sign of d/db flipped
    assert not rule_case(swapped, case, "float64").ok

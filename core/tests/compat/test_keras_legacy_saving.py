"""``keras.legacy.saving`` / ``keras.utils.legacy``: Keras 2's object serialization gives the same
dicts and objects on Keras 3 and on dlx (``import dlx as keras``)."""

from __future__ import annotations

import pytest

from . import same_program

pytestmark = pytest.mark.skipif(not same_program.have_keras(), reason="keras 3 (test-only dependency) is absent")

_CLASSES = """
    def scale_fn(x):
        return x * 2

    class Inner:
        def __init__(self, k=1):
            self.k = k

        def get_config(self):
            return {"k": self.k}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    class Outer:
        def __init__(self, units, inner=None, fn=None, tags=(), name="outer"):
            self.units, self.inner, self.fn, self.tags, self.name = units, inner, fn, tags, name

        def get_config(self):
            return {"units": self.units, "inner": self.inner, "fn": self.fn, "tags": list(self.tags),
                    "name": self.name}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    objects = {"Inner": Inner, "Outer": Outer, "scale_fn": scale_fn}
"""

SNIPPETS = {
    "serialize_nested": _CLASSES + """
    s = keras.legacy.saving.serialize_keras_object(Outer(3, Inner(5), scale_fn, ("a", "b")))
    print(sorted(s), s["class_name"], s["config"])
    print(keras.utils.legacy.serialize_keras_object(None), keras.utils.legacy.serialize_keras_object(scale_fn))
    """,
    "round_trip_module_objects": _CLASSES + """
    s = keras.legacy.saving.serialize_keras_object(Outer(3, Inner(5), scale_fn, ("a",)))
    o = keras.legacy.saving.deserialize_keras_object(s, module_objects=objects)
    print(type(o).__name__, o.units, type(o.inner).__name__, o.inner.k, o.fn is scale_fn, o.tags, o.name)
    """,
    "round_trip_custom_objects": _CLASSES + """
    s = keras.utils.legacy.serialize_keras_object(Inner(7))
    o = keras.utils.legacy.deserialize_keras_object(s, custom_objects={"Inner": Inner})
    print(type(o).__name__, o.k)
    print(keras.utils.legacy.deserialize_keras_object("scale_fn", custom_objects=objects) is scale_fn)
    print(keras.utils.legacy.deserialize_keras_object(scale_fn) is scale_fn)
    """,
    "unknown_name": _CLASSES + """
    keras.legacy.saving.deserialize_keras_object({"class_name": "Nope", "config": {}}, module_objects=objects)
    """,
    "bad_config": """
    keras.legacy.saving.deserialize_keras_object({"config": {}}, module_objects={})
    """,
    "bad_identifier": """
    keras.legacy.saving.deserialize_keras_object(3, module_objects={})
    """,
    "not_serializable": """
    keras.legacy.saving.serialize_keras_object(3)
    """,
}


@pytest.fixture(scope="module")
def results():
    return (same_program.run(SNIPPETS, "keras", "jax"), same_program.run(SNIPPETS, "dlx", "numpy"))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_as_keras(results, name):
    keras_out, dlx_out = results
    assert dlx_out[name] == keras_out[name]


def test_name_looked_up_in_module_objects():
    """A class named in ``module_objects`` is instantiated with no arguments (Keras 3.15 raises
    AttributeError on this path: it reads a registry attribute it no longer has)."""
    from dlx.legacy.saving import deserialize_keras_object

    class Thing:
        pass

    assert isinstance(deserialize_keras_object("Thing", module_objects={"Thing": Thing}), Thing)
    with pytest.raises(ValueError, match="Unknown widget: 'Other'"):
        deserialize_keras_object("Other", module_objects={}, printable_module_name="widget")
